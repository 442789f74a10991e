package org.edp4j.dp;

import java.util.List;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A user-written parameter-free layer on {@code [B, T, d]} (T even) that makes the two positions
 * of each pair nearly opposite: {@code y_2k = x_2k}, {@code y_2k+1 = -(1 + eps) x_2k}. A Linear
 * layer after it sees two activations whose contributions to its per-sample gradient cancel, so
 * the ghost norm {@code sum_{t,s} (a_t . a_s)(g_t . g_s)} is a difference of large, nearly equal
 * float terms: the case that made squared norms come out below 0.
 */
final class CancellingPositions implements Layer {
    private final Backend backend;
    private final float eps;
    private Tensor output;
    private Tensor gradIn;
    private float[] host;

    CancellingPositions(Backend backend, float eps) {
        this.backend = backend;
        this.eps = eps;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        int[] dims = x.shape().dims();
        if (dims.length != 3 || dims[1] % 2 != 0) {
            throw new IllegalArgumentException("expects [B, T, d] with T even, got " + x.shape());
        }
        if (output == null || output.size() != x.size()) {
            output = backend.zeros(dims);
            gradIn = backend.zeros(dims);
            host = new float[x.size()];
        }
        x.copyTo(host);
        int d = dims[2];
        for (int r = 0; r < dims[0] * dims[1]; r += 2) {
            for (int j = 0; j < d; j++) {
                host[(r + 1) * d + j] = -(1 + eps) * host[r * d + j];
            }
        }
        output.copyFrom(host);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        int[] dims = g.shape().dims();
        g.copyTo(host);
        int d = dims[2];
        for (int r = 0; r < dims[0] * dims[1]; r += 2) {
            for (int j = 0; j < d; j++) {
                host[r * d + j] -= (1 + eps) * host[(r + 1) * d + j];
                host[(r + 1) * d + j] = 0f;
            }
        }
        gradIn.copyFrom(host);
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
        return "CancellingPositions(eps=" + eps + ")";
    }
}
