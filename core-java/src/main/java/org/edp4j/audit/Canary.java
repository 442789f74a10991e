package org.edp4j.audit;

/**
 * One inserted canary: a secret in {@code [0, 10000)} (written as four digits), how many copies
 * of it the training set holds, and the label all its copies carry.
 *
 * @param secret the secret, in {@code [0, }{@value Canaries#SECRETS}{@code )}
 * @param repeats copies in the training set, {@code >= 1}
 * @param label the label of every copy, {@code >= 0}
 */
public record Canary(int secret, int repeats, int label) {

    /** @throws IllegalArgumentException if a component is out of range */
    public Canary {
        if (secret < 0 || secret >= Canaries.SECRETS) {
            throw new IllegalArgumentException("secret must be in [0, " + Canaries.SECRETS + "), got " + secret);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, got " + label);
        }
    }

    /** @return the secret as four digits, e.g. {@code 0482} */
    public String digits() {
        return Canaries.digits(secret);
    }
}
