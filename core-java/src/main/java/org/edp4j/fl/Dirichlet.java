package org.edp4j.fl;

import java.util.SplittableRandom;

/**
 * Draws from the symmetric Dirichlet distribution {@code Dir(alpha, ..., alpha)} on {@code k}
 * coordinates, through Gamma variates: {@code p_i = G_i / sum_j G_j} with {@code G_i ~ Gamma(alpha, 1)}.
 *
 * <p>Gamma by Marsaglia and Tsang (2000, "A simple method for generating gamma variables"): for
 * shape {@code a >= 1}, {@code d = a - 1/3}, {@code c = 1 / sqrt(9 d)}, accept {@code d v} with
 * {@code v = (1 + c x)^3}, {@code x ~ N(0, 1)}, when {@code log u < x^2/2 + d - d v + d log v}; for
 * {@code a < 1}, {@code G_a = G_{a+1} U^{1/a}}. Everything stays in log space, so a tiny
 * {@code alpha} (0.01: {@code U^{100}} underflows to 0 in double) still gives a valid draw, with
 * nearly all the mass on one coordinate as it should.
 *
 * <p>For partitions only: the generator is seeded and not secret (a partition is the simulation's
 * set-up, not a private release).
 */
final class Dirichlet {
    private Dirichlet() {
    }

    /**
     * One draw of {@code Dir(alpha 1_k)}.
     *
     * @param alpha concentration, {@code > 0} and finite
     * @param k coordinates, {@code >= 1}
     * @return a new array of k non-negative values summing to 1 (up to rounding)
     * @throws IllegalArgumentException for alpha or k out of range
     */
    static double[] sample(SplittableRandom rng, double alpha, int k) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("Dirichlet alpha must be > 0 and finite, got " + alpha);
        }
        if (k < 1) {
            throw new IllegalArgumentException("Dirichlet dimension must be >= 1, got " + k);
        }
        double[] logG = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            logG[i] = logGamma(rng, alpha);
            max = Math.max(max, logG[i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            logG[i] = Math.exp(logG[i] - max);
            sum += logG[i];
        }
        for (int i = 0; i < k; i++) {
            logG[i] /= sum;
        }
        return logG;
    }

    /** The logarithm of one {@code Gamma(shape, 1)} variate, {@code shape > 0}. */
    static double logGamma(SplittableRandom rng, double shape) {
        if (shape < 1) {
            // G_a = G_{a+1} * U^(1/a), U in (0, 1].
            return logGamma(rng, shape + 1) + Math.log(1.0 - rng.nextDouble()) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1.0 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double logU = Math.log(1.0 - rng.nextDouble());
            if (logU < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return Math.log(d) + Math.log(v);
            }
        }
    }
}
