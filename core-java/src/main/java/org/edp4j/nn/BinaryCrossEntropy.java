package org.edp4j.nn;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Binary cross-entropy on logits (the sigmoid fused in), summed over each sample's outputs:
 * {@code loss_b = sum_j (log(1 + exp(z_bj)) - t_bj z_bj)}, {@code dloss_b/dz_bj = sigmoid(z_bj) - t_bj}
 * (computed in a form that does not overflow, see {@link org.edp4j.tensor.TensorOps#binaryCrossEntropy}).
 * Padding rows get loss 0 and gradient 0.
 *
 * <p>Targets: a binary classifier has one output per sample and the batch's labels 0 or 1
 * ({@link #fromLabels}); a multi-label classifier has k outputs and targets in [0, 1] the caller
 * keeps in a tensor ({@link #withTargets}).
 */
public final class BinaryCrossEntropy extends TargetLoss {

    private BinaryCrossEntropy(Backend backend, Tensor targets) {
        super(backend, targets);
    }

    /**
     * Targets from the batch's labels: with one output, the label (the batch must have 2
     * classes); with k outputs (one per class), one-hot.
     */
    public static BinaryCrossEntropy fromLabels(Backend backend) {
        return new BinaryCrossEntropy(backend, null);
    }

    /**
     * Targets from a tensor {@code [capacity, k]} the caller fills before each forward (for
     * example a view of its own array, {@link org.edp4j.tensor.CpuBackend#wrap}).
     */
    public static BinaryCrossEntropy withTargets(Backend backend, Tensor targets) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must not be null");
        }
        return new BinaryCrossEntropy(backend, targets);
    }

    @Override
    void compute(Backend backend, int batch, int outputs, Tensor output, Tensor targets, Tensor mask, Tensor loss,
                 Tensor grad) {
        backend.binaryCrossEntropy(batch, outputs, output, targets, mask, loss, grad);
    }

    @Override
    String name() {
        return "BinaryCrossEntropy";
    }
}
