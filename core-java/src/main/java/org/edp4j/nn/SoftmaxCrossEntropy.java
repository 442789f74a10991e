package org.edp4j.nn;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Softmax cross-entropy, summed per sample (never averaged before clipping): for real row b,
 * {@code loss_b = logsumexp(z_b) - z_b[y_b]} and {@code dloss_b/dz_b = softmax(z_b) - onehot(y_b)};
 * padding rows get loss 0 and gradient 0.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final Backend backend;
    private Tensor loss;
    private Tensor grad;
    private float[] hostLoss;

    public SoftmaxCrossEntropy(Backend backend) {
        this.backend = backend;
    }

    /**
     * Computes per-sample losses and their gradient for {@code logits} {@code [B, classes]}.
     *
     * @return the summed loss over the batch's real rows
     * @throws IllegalArgumentException when a real row's label is outside {@code [0, classes)}
     */
    @Override
    public double forward(Tensor logits, Batch batch) {
        int b = batch.capacity();
        int k = batch.classes();
        if (logits.shape().rank() != 2 || logits.dim(0) != b || logits.dim(1) != k) {
            throw new IllegalArgumentException("logits must be [" + b + ", " + k + "], got " + logits.shape());
        }
        loss = Buffers.ensure(backend, loss, b);
        grad = Buffers.ensure(backend, grad, b, k);
        if (hostLoss == null || hostLoss.length != b) {
            hostLoss = new float[b];
        }
        backend.softmaxCrossEntropy(b, k, logits, batch.labels(), batch.rowMask(), loss, grad);
        return LossBuffers.sum(loss, hostLoss);
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
