package org.edp4j.dp;

/**
 * A per-sample gradient (or a summed gradient) was NaN or infinite. Thrown before any parameter
 * or optimizer state is changed; the step can be retried after {@code zeroGrad()}.
 */
public final class NonFiniteGradientException extends RuntimeException {
    private final int sampleIndex;

    public NonFiniteGradientException(int sampleIndex, String message) {
        super(message);
        this.sampleIndex = sampleIndex;
    }

    /** The dataset index of the offending example, or -1 when it is not known (a summed gradient). */
    public int sampleIndex() {
        return sampleIndex;
    }
}
