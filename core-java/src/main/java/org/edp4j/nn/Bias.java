package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A learned offset {@code y = x + b} on {@code [B, p]} or {@code [B, T, p]} (initialized to 0).
 * Per-sample squared norm, direct: {@code ||sum_t g_it||^2}.
 */
public final class Bias implements Layer {
    private final Backend backend;
    private final int dim;
    private final Parameter bias;
    private Tensor output;
    private Tensor gradOut;

    public Bias(Backend backend, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("Bias width must be > 0, got " + dim);
        }
        this.backend = backend;
        this.dim = dim;
        this.bias = new Parameter("bias", backend.zeros(dim));
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        Buffers.requireLast("Bias(" + dim + ")", x, dim);
        output = Buffers.ensure(backend, output, x.shape().dims());
        backend.copy(x, output);
        backend.addRowVector(x.shape().rows(), dim, bias.value(), output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        gradOut = g;
        return g;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(bias);
    }

    @Override
    public void addSquaredNorms(Batch batch, Tensor sqNorms) {
        backend.biasNorms(output.dim(0), Buffers.rowsPerSample(output), dim, gradOut, sqNorms);
    }

    @Override
    public void clippedSum(Batch batch, Tensor factors, float beta) {
        backend.columnSumScaled(output.shape().rows(), dim, Buffers.rowsPerSample(output), gradOut, factors, beta,
                bias.grad());
    }

    @Override
    public String describe() {
        return "Bias(" + dim + ")";
    }
}
