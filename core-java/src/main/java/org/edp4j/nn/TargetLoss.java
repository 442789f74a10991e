package org.edp4j.nn;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A loss of an output against float targets {@code [B, k]}: taken from a tensor the caller keeps
 * filled for each batch, or made from the batch's class labels (one-hot over k outputs; with one
 * output, the label itself, 0 or 1).
 */
abstract class TargetLoss implements Loss {
    private final Backend backend;
    private final Tensor callerTargets;
    private Tensor targets;
    private float[] hostTargets;
    private Tensor loss;
    private Tensor grad;
    private float[] hostLoss;

    TargetLoss(Backend backend, Tensor callerTargets) {
        this.backend = backend;
        this.callerTargets = callerTargets;
    }

    /** The backend's fused loss and gradient. */
    abstract void compute(Backend backend, int batch, int outputs, Tensor output, Tensor targets, Tensor mask,
                          Tensor loss, Tensor grad);

    abstract String name();

    @Override
    public final double forward(Tensor output, Batch batch) {
        int k = LossBuffers.requireOutput(name(), output, batch);
        int b = batch.capacity();
        loss = Buffers.ensure(backend, loss, b);
        grad = Buffers.ensure(backend, grad, b, k);
        if (hostLoss == null || hostLoss.length != b) {
            hostLoss = new float[b];
        }
        compute(backend, b, k, output, targetsFor(batch, b, k), batch.rowMask(), loss, grad);
        return LossBuffers.sum(loss, hostLoss);
    }

    private Tensor targetsFor(Batch batch, int b, int k) {
        if (callerTargets != null) {
            if (callerTargets.size() != (long) b * k) {
                throw new IllegalArgumentException(name() + ": the targets " + callerTargets.shape() + " must be ["
                        + b + ", " + k + "], like the output");
            }
            return callerTargets;
        }
        if (k == 1 && batch.classes() != 2) {
            throw new IllegalArgumentException(name() + " with one output needs labels 0 and 1 (2 classes), got "
                    + batch.classes() + " classes; give the model " + batch.classes() + " outputs or targets");
        }
        if (k > 1 && k != batch.classes()) {
            throw new IllegalArgumentException(name() + ": " + k + " outputs for " + batch.classes()
                    + " classes; one-hot targets need one output per class");
        }
        targets = Buffers.ensure(backend, targets, b, k);
        if (hostTargets == null || hostTargets.length != b * k) {
            hostTargets = new float[b * k];
        }
        int[] labels = batch.hostLabels();
        java.util.Arrays.fill(hostTargets, 0f);
        for (int r = 0; r < b; r++) {
            if (k == 1) {
                hostTargets[r] = labels[r];
            } else {
                hostTargets[r * k + labels[r]] = 1f;
            }
        }
        targets.copyFrom(hostTargets);
        return targets;
    }

    @Override
    public final Tensor perSampleLoss() {
        return loss;
    }

    @Override
    public final Tensor gradient() {
        return grad;
    }
}
