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

    /** A parameter whose gradient buffer edp4j allocates (zeros of the value's shape). */
    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = value.backend().zeros(value.shape().dims());
    }

    /**
     * A parameter whose value and gradient buffer both belong to the caller (for example views
     * of the caller's arrays, {@link org.edp4j.tensor.CpuBackend#wrap}): the clipped sums and the
     * noisy gradient are written into {@code grad} in place.
     *
     * @throws IllegalArgumentException when grad's shape differs from value's or they belong to different backends
     */
    public Parameter(String name, Tensor value, Tensor grad) {
        if (!java.util.Arrays.equals(value.shape().dims(), grad.shape().dims()) || value.backend() != grad.backend()) {
            throw new IllegalArgumentException("parameter '" + name + "': grad " + grad.shape() + " on "
                    + grad.backend().name() + " must have the shape and backend of the value " + value.shape()
                    + " on " + value.backend().name());
        }
        this.name = name;
        this.value = value;
        this.grad = grad;
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
