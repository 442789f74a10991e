package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Layer normalization over the last dimension, {@code y = gamma * (x - mean) / sqrt(var + eps) + beta},
 * on {@code [B, d]} or {@code [B, T, d]}.
 *
 * <p>Per-sample squared norm, direct (the parameters are small), and clipped sums:
 * {@link LayerNormRule}'s.
 */
public final class LayerNorm implements RuleLayer {
    private final Backend backend;
    private final int dim;
    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;
    private final LayerNormRule rule;

    private Tensor output;
    private Tensor xhat;
    private Tensor rstd;
    private Tensor gradIn;

    /** @param dim normalized width, &gt; 0; {@code eps} 1e-5 as in PyTorch */
    public LayerNorm(Backend backend, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("LayerNorm width must be > 0, got " + dim);
        }
        this.backend = backend;
        this.dim = dim;
        this.eps = 1e-5f;
        this.gamma = new Parameter("gamma", backend.tensor(Init.constant(dim, 1f), dim));
        this.beta = new Parameter("beta", backend.zeros(dim));
        this.rule = new LayerNormRule(gamma, beta);
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        Buffers.requireLast(this, x, dim);
        int[] dims = x.shape().dims();
        int rows = x.shape().rows();
        output = Buffers.ensure(backend, output, dims);
        xhat = Buffers.ensure(backend, xhat, dims);
        gradIn = Buffers.ensure(backend, gradIn, dims);
        rstd = Buffers.ensure(backend, rstd, rows);
        backend.layerNorm(rows, dim, eps, x, gamma.value(), beta.value(), output, xhat, rstd);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        rule.inputs(xhat, g);
        backend.layerNormBackward(xhat.shape().rows(), dim, g, xhat, rstd, gamma.value(), gradIn);
        return gradIn;
    }

    /** The per-sample rule of this layer's parameters (its norms and clipped sums are the rule's). */
    @Override
    public LayerNormRule rule() {
        return rule;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public String describe() {
        return "LayerNorm(" + dim + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
