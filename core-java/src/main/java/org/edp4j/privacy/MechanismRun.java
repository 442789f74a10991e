package org.edp4j.privacy;

/**
 * A run of {@code steps} consecutive, identical Poisson-subsampled Gaussian steps: every example
 * joins a batch with probability {@code sampleRate}, and Gaussian noise of standard deviation
 * {@code noiseMultiplier * C} is added to the sum of gradients clipped to norm {@code C}.
 *
 * <p>Immutable. Legal ranges: {@code noiseMultiplier} in {@code [0, +inf)}, {@code sampleRate} in
 * {@code [0, 1]}, {@code steps >= 0}.
 *
 * @param noiseMultiplier sigma, the noise standard deviation over the clipping norm
 * @param sampleRate q, the Poisson sampling probability
 * @param steps how many steps the run holds
 */
public record MechanismRun(double noiseMultiplier, double sampleRate, long steps) {

    /** Checks the ranges above; throws {@link IllegalArgumentException} naming the argument. */
    public MechanismRun {
        Checks.noiseMultiplier(noiseMultiplier);
        Checks.sampleRate(sampleRate);
        Checks.steps(steps);
    }

    /** Same as the canonical constructor. */
    public static MechanismRun of(double noiseMultiplier, double sampleRate, long steps) {
        return new MechanismRun(noiseMultiplier, sampleRate, steps);
    }

    /** True when this run has the same {@code (sigma, q)} bit for bit as {@code other}. */
    boolean sameMechanism(double sigma, double q) {
        return Double.doubleToLongBits(noiseMultiplier) == Double.doubleToLongBits(sigma)
                && Double.doubleToLongBits(sampleRate) == Double.doubleToLongBits(q);
    }
}
