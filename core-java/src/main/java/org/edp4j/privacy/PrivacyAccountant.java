package org.edp4j.privacy;

import java.util.List;

/**
 * Tracks the privacy spent by a sequence of Poisson-subsampled Gaussian steps and converts it to
 * an {@code (epsilon, delta)} guarantee.
 *
 * <p>The history is compact: a list of {@link MechanismRun}s {@code (sigma, q, count)}, where
 * consecutive steps with bit-identical {@code (sigma, q)} are merged into one run. Implementations
 * are not thread-safe; use {@link #copy()} to hand one to another thread.
 *
 * <p>Legal ranges, checked by every method with an {@link IllegalArgumentException} naming the
 * argument: {@code noiseMultiplier} in {@code [0, +inf)} (0 means no noise, so epsilon becomes
 * infinite once {@code q > 0}), {@code sampleRate} in {@code [0, 1]} (0 means the step touched no
 * data and costs nothing), {@code steps >= 0}, {@code delta} in {@code (0, 1)}.
 *
 * @see RdpAccountant
 * @see PrvAccountant
 * @see PrivacyAccountants
 */
public interface PrivacyAccountant {

    /** Records one step. Same as {@code step(noiseMultiplier, sampleRate, 1)}. */
    default void step(double noiseMultiplier, double sampleRate) {
        step(noiseMultiplier, sampleRate, 1);
    }

    /**
     * Records {@code steps} identical steps; merged into the last run when {@code (sigma, q)} are
     * bit-identical to it. {@code steps == 0} changes nothing.
     *
     * @param noiseMultiplier sigma in {@code [0, +inf)}
     * @param sampleRate q in {@code [0, 1]}
     * @param steps count, {@code >= 0}
     */
    void step(double noiseMultiplier, double sampleRate, long steps);

    /**
     * The smallest epsilon this accountant can certify such that the whole history is
     * {@code (epsilon, delta)}-DP. Never NaN: 0 for an empty history (or one with only {@code q = 0}
     * steps), {@code +Infinity} when some step had {@code sigma = 0} and {@code q > 0}.
     *
     * @param delta in {@code (0, 1)}
     */
    double getEpsilon(double delta);

    /**
     * The epsilon {@link #getEpsilon(double)} would return after {@code steps} more steps of
     * {@code (noiseMultiplier, sampleRate)}, without changing this accountant.
     */
    default double epsilonAfter(double noiseMultiplier, double sampleRate, long steps, double delta) {
        PrivacyAccountant c = copy();
        c.step(noiseMultiplier, sampleRate, steps);
        return c.getEpsilon(delta);
    }

    /** The registry name: {@code "rdp"} or {@code "prv"}. */
    String name();

    /** The compact history, oldest run first; an unmodifiable snapshot. */
    List<MechanismRun> history();

    /** Total steps over all runs. */
    long totalSteps();

    /** An independent deep copy (same parameters and history). */
    PrivacyAccountant copy();

    /**
     * The full state (parameters and history) as one line of text; {@link
     * PrivacyAccountants#restore(String)} gives back an accountant whose every answer is
     * bit-identical. Doubles are written as the hex of their IEEE-754 bits.
     */
    String saveState();
}
