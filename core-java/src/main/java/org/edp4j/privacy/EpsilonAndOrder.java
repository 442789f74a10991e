package org.edp4j.privacy;

/**
 * An epsilon found by the RDP accountant and the Renyi order {@code alpha} that gave it.
 *
 * @param epsilon the epsilon, in {@code [0, +inf]}
 * @param order the minimizing order, {@code > 1}
 */
public record EpsilonAndOrder(double epsilon, double order) {
}
