package org.edp4j.privacy;

/**
 * Thrown by {@link PrivacyBudget#checkStep(double, double)} when taking the step would make the
 * spent epsilon pass the target. Nothing has been changed when it is thrown: the model, the
 * optimizer and the accountant are as they were before the step.
 */
public class PrivacyBudgetExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final double spentEpsilon;
    private final double epsilonAfterStep;
    private final double targetEpsilon;
    private final double delta;
    private final double noiseMultiplier;
    private final double sampleRate;

    /** Builds the message from the figures. */
    public PrivacyBudgetExceededException(double spentEpsilon, double epsilonAfterStep, double targetEpsilon,
            double delta, double noiseMultiplier, double sampleRate, long stepsTaken) {
        super(String.format(java.util.Locale.ROOT,
                "privacy budget exceeded: step %d (noiseMultiplier=%s, sampleRate=%s) refused; it would raise "
                        + "epsilon from %.6g to %.6g, past the target epsilon %s at delta=%s. "
                        + "Stop training, or restart with more noise or fewer steps.",
                stepsTaken + 1, noiseMultiplier, sampleRate, spentEpsilon, epsilonAfterStep, targetEpsilon, delta));
        this.spentEpsilon = spentEpsilon;
        this.epsilonAfterStep = epsilonAfterStep;
        this.targetEpsilon = targetEpsilon;
        this.delta = delta;
        this.noiseMultiplier = noiseMultiplier;
        this.sampleRate = sampleRate;
    }

    /** Epsilon spent before the refused step. */
    public double spentEpsilon() {
        return spentEpsilon;
    }

    /** Epsilon the refused step would have reached. */
    public double epsilonAfterStep() {
        return epsilonAfterStep;
    }

    /** The target epsilon. */
    public double targetEpsilon() {
        return targetEpsilon;
    }

    /** The delta of the budget. */
    public double delta() {
        return delta;
    }

    /** Sigma of the refused step. */
    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /** q of the refused step. */
    public double sampleRate() {
        return sampleRate;
    }
}
