package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Activation;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/** A pointwise nonlinearity (ReLU, Tanh, GELU) as a layer; no parameters. */
public final class ActivationLayer implements Layer {
    private final Backend backend;
    private final Activation f;
    private Tensor input;
    private Tensor output;
    private Tensor gradIn;

    public ActivationLayer(Backend backend, Activation f) {
        this.backend = backend;
        this.f = f;
    }

    public static ActivationLayer relu(Backend backend) {
        return new ActivationLayer(backend, Activation.RELU);
    }

    public static ActivationLayer tanh(Backend backend) {
        return new ActivationLayer(backend, Activation.TANH);
    }

    public static ActivationLayer gelu(Backend backend) {
        return new ActivationLayer(backend, Activation.GELU);
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        if (x == null) {
            throw new IllegalArgumentException(f + " needs an input tensor");
        }
        input = x;
        output = Buffers.ensure(backend, output, x.shape().dims());
        gradIn = Buffers.ensure(backend, gradIn, x.shape().dims());
        backend.activation(f, x, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        backend.activationBackward(f, input, output, g, gradIn);
        return gradIn;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public void addSquaredNorms(Tensor sqNorms) {
    }

    @Override
    public void clippedSum(Tensor factors, float beta) {
    }

    @Override
    public String describe() {
        return f.name().charAt(0) + f.name().substring(1).toLowerCase();
    }
}
