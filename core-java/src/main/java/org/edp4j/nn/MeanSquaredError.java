package org.edp4j.nn;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Mean squared error of each sample over its k outputs,
 * {@code loss_b = sum_j (y_bj - t_bj)^2 / k}, {@code dloss_b/dy_bj = 2 (y_bj - t_bj) / k}: the mean
 * is over one sample's outputs, never over the batch. Padding rows get loss 0 and gradient 0.
 *
 * <p>Targets: regression targets the caller keeps in a tensor ({@link #withTargets}), or the
 * batch's labels ({@link #fromLabels}: one-hot over k outputs, the label itself with one output).
 */
public final class MeanSquaredError extends TargetLoss {

    private MeanSquaredError(Backend backend, Tensor targets) {
        super(backend, targets);
    }

    /** Targets from the batch's labels: one-hot with one output per class, the label with one output. */
    public static MeanSquaredError fromLabels(Backend backend) {
        return new MeanSquaredError(backend, null);
    }

    /** Targets from a tensor {@code [capacity, k]} the caller fills before each forward. */
    public static MeanSquaredError withTargets(Backend backend, Tensor targets) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must not be null");
        }
        return new MeanSquaredError(backend, targets);
    }

    @Override
    void compute(Backend backend, int batch, int outputs, Tensor output, Tensor targets, Tensor mask, Tensor loss,
                 Tensor grad) {
        backend.meanSquaredError(batch, outputs, output, targets, mask, loss, grad);
    }

    @Override
    String name() {
        return "MeanSquaredError";
    }
}
