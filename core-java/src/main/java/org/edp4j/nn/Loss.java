package org.edp4j.nn;

import org.edp4j.tensor.Tensor;

/**
 * A loss summed per sample (never averaged over the batch before clipping) and its gradient, for
 * a model's output {@code [B, k]} on a {@link Batch}. Rows whose mask is 0 (padding) get loss 0
 * and contribute to nothing.
 *
 * <p>Built in: {@link SoftmaxCrossEntropy} (class labels), {@link BinaryCrossEntropy} (logits and
 * targets in [0, 1]), {@link MeanSquaredError} (regression), and {@link CustomLoss} for a
 * per-sample loss and gradient the caller computes. Buffers are allocated on the first batch of a
 * shape and reused.
 */
public interface Loss {

    /**
     * Computes the per-sample losses {@code [B]} and their gradient {@code dL_i / d output}
     * {@code [B, k]} for the batch's targets.
     *
     * @return the summed loss over the batch's real rows
     * @throws IllegalArgumentException for an output of the wrong shape or a target the loss refuses
     */
    double forward(Tensor output, Batch batch);

    /** Per-sample losses {@code [B]} of the last forward (0 for padding rows). */
    Tensor perSampleLoss();

    /** {@code dL_i / d output} of the last forward, {@code [B, k]}. */
    Tensor gradient();
}
