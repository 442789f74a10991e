package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A learned offset {@code y = x + b} on {@code [B, p]} or {@code [B, T, p]} (initialized to 0).
 * Per-sample squared norm, direct ({@code ||sum_t g_it||^2}), and clipped sum: {@link BiasRule}'s.
 */
public final class Bias implements RuleLayer {
    private final Backend backend;
    private final int dim;
    private final Parameter bias;
    private final BiasRule rule;
    private Tensor output;

    public Bias(Backend backend, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("Bias width must be > 0, got " + dim);
        }
        this.backend = backend;
        this.dim = dim;
        this.bias = new Parameter("bias", backend.zeros(dim));
        this.rule = new BiasRule(bias);
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        Buffers.requireLast(this, x, dim);
        output = Buffers.ensure(backend, output, x.shape().dims());
        backend.copy(x, output);
        backend.addRowVector(x.shape().rows(), dim, bias.value(), output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        rule.inputs(g);
        return g;
    }

    /** The per-sample rule of this layer's parameters (its norms and clipped sums are the rule's). */
    @Override
    public BiasRule rule() {
        return rule;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(bias);
    }

    @Override
    public String describe() {
        return "Bias(" + dim + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
