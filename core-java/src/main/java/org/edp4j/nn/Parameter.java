package org.edp4j.nn;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A trainable tensor and the buffer its (clipped, summed) gradient is written into.
 *
 * <p>{@link #grad()} holds {@code sum_i c_i grad_i} after a backward pass and the layer's
 * clipped-sum hook: the sum over the batch, not the mean, and without noise.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = value.backend().zeros(value.shape().dims());
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return grad;
    }

    public int size() {
        return value.size();
    }

    public Backend backend() {
        return value.backend();
    }

    @Override
    public String toString() {
        return name + value.shape();
    }
}
