package org.edp4j.nn;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A per-sample loss and gradient the caller computes: edp4j hands over the model's output and the
 * batch, the caller writes each sample's loss into {@code loss} {@code [B]} and
 * {@code dL_i / d output} into {@code grad} {@code [B, k]} (with any backend operations, or on
 * the host through {@link Tensor#copyFrom}).
 *
 * <p>The loss must be per sample: row i of {@code grad} may depend only on row i of the output
 * (a loss that mixes samples, such as a batch mean or a contrastive loss across the batch, breaks
 * the per-sample clipping and so the privacy guarantee). Padding rows (mask 0) may hold anything:
 * they are left out of the sum returned and of every clipped sum.
 */
public final class CustomLoss implements Loss {

    /** Writes per-sample losses and gradients for a batch. */
    @FunctionalInterface
    public interface PerSampleLoss {
        /**
         * @param output the model's output {@code [B, k]}; not to be modified
         * @param batch the batch (labels, mask, row ids)
         * @param loss {@code [B]}: write sample b's loss at b
         * @param grad {@code [B, k]}: write {@code dL_b / d output_b} in row b
         */
        void compute(Tensor output, Batch batch, Tensor loss, Tensor grad);
    }

    private final Backend backend;
    private final PerSampleLoss function;
    private Tensor loss;
    private Tensor grad;
    private float[] hostLoss;
    private float[] hostMask;

    public CustomLoss(Backend backend, PerSampleLoss function) {
        if (backend == null || function == null) {
            throw new IllegalArgumentException("backend and function must not be null");
        }
        this.backend = backend;
        this.function = function;
    }

    @Override
    public double forward(Tensor output, Batch batch) {
        int k = LossBuffers.requireOutput("CustomLoss", output, batch);
        int b = batch.capacity();
        loss = Buffers.ensure(backend, loss, b);
        grad = Buffers.ensure(backend, grad, b, k);
        if (hostLoss == null || hostLoss.length != b) {
            hostLoss = new float[b];
            hostMask = new float[b];
        }
        function.compute(output, batch, loss, grad);
        loss.copyTo(hostLoss);
        batch.rowMask().copyTo(hostMask);
        double sum = 0;
        for (int r = 0; r < b; r++) {
            if (hostMask[r] != 0f) {
                sum += hostLoss[r];
            }
        }
        return sum;
    }

    @Override
    public Tensor perSampleLoss() {
        return loss;
    }

    @Override
    public Tensor gradient() {
        return grad;
    }
}
