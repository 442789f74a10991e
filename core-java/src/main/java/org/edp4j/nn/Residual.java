package org.edp4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A residual block {@code y = x + f(x)}, where {@code f} is a list of layers applied in order
 * (e.g. LayerNorm, Linear, GELU, Linear: a pre-norm feed-forward block). The input and output
 * have the same shape.
 *
 * <p>Backward: {@code dL/dx = g + J_f(x)^T g} (the skip connection passes {@code g} unchanged).
 *
 * <p>Per-sample squared gradient norm: the parameters are those of the inner layers, so the
 * norm is the sum of theirs, {@code ||grad_i||^2 = sum_l ||grad_i^(l)||^2}, each computed by its
 * layer's own rule; the clipped sum is delegated likewise. For per-layer clipping the block is
 * not one group: {@link #clippingGroups()} returns the inner parameterized layers (recursively).
 */
public final class Residual implements Layer {
    private final Backend backend;
    private final List<Layer> inner;
    private final List<Parameter> parameters;
    private final List<Layer> groups;

    private Tensor output;
    private Tensor gradIn;

    /** @param inner the layers of {@code f}, at least one; their output shape must equal their input shape */
    public Residual(Backend backend, List<Layer> inner) {
        if (inner.isEmpty()) {
            throw new IllegalArgumentException("a Residual block needs at least one inner layer");
        }
        this.backend = backend;
        this.inner = List.copyOf(inner);
        List<Parameter> ps = new ArrayList<>();
        List<Layer> gs = new ArrayList<>();
        for (Layer l : this.inner) {
            ps.addAll(l.parameters());
            gs.addAll(l.clippingGroups());
        }
        this.parameters = Collections.unmodifiableList(ps);
        this.groups = Collections.unmodifiableList(gs);
    }

    public static Residual of(Backend backend, Layer... inner) {
        return new Residual(backend, List.of(inner));
    }

    /** The layers of {@code f}, in order. */
    public List<Layer> inner() {
        return inner;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        if (x == null) {
            throw new IllegalArgumentException("a Residual block needs an input tensor");
        }
        Tensor h = x;
        for (Layer l : inner) {
            h = l.forward(h, batch);
        }
        if (!java.util.Arrays.equals(h.shape().dims(), x.shape().dims())) {
            throw new IllegalArgumentException("Residual: the inner layers map " + x.shape() + " to " + h.shape()
                    + "; x + f(x) needs the same shape");
        }
        output = Buffers.ensure(backend, output, x.shape().dims());
        gradIn = Buffers.ensure(backend, gradIn, x.shape().dims());
        backend.copy(h, output);
        backend.axpy(1f, x, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        Tensor h = g;
        for (int i = inner.size() - 1; i >= 0 && h != null; i--) {
            h = inner.get(i).backward(h, batch);
        }
        // A fresh buffer, never g itself: inner layers keep g as their dL/d output.
        backend.copy(g, gradIn);
        if (h != null) {
            backend.axpy(1f, h, gradIn);
        }
        return gradIn;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public List<Layer> clippingGroups() {
        return groups;
    }

    @Override
    public void addSquaredNorms(Tensor sqNorms) {
        for (Layer l : inner) {
            l.addSquaredNorms(sqNorms);
        }
    }

    @Override
    public void clippedSum(Tensor factors, float beta) {
        for (Layer l : inner) {
            l.clippedSum(factors, beta);
        }
    }

    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        for (Layer l : inner) {
            l.addSquaredNorms(sqNorms, rowsPerUnit);
        }
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        for (Layer l : inner) {
            l.clippedSum(factors, rowsPerUnit, beta);
        }
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Residual(x + ");
        for (int i = 0; i < inner.size(); i++) {
            sb.append(i == 0 ? "" : " -> ").append(inner.get(i).describe());
        }
        return sb.append(")").toString();
    }
}
