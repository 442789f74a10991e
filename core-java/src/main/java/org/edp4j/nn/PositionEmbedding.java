package org.edp4j.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;

/**
 * Learned position embedding: {@code y[b, t, :] = x[b, t, :] + P[t, :]} on {@code [B, T, d]},
 * with the table {@code P} stored {@code [maxLen, d]} and {@code T <= maxLen}.
 *
 * <p>Per-sample squared gradient norm: the gradient of sample i puts {@code g_it} in row t, and
 * the positions of one sample are distinct, so {@code ||grad_i||^2 = sum_t ||g_it||^2} (the
 * embedding ghost norm with position ids as tokens: no two positions are equal). Clipped sum:
 * scatter-add of {@code c_i g_it} into row t. Both reuse the embedding kernels on a cached
 * {@code [B, T]} tensor of position ids.
 */
public final class PositionEmbedding implements Layer {
    private final Backend backend;
    private final int maxLen;
    private final int dim;
    private final Parameter table;

    private IntTensor positions;
    private Tensor output;
    private Tensor gradOut;

    /**
     * A table with entries drawn from {@code N(0, std^2)}.
     *
     * @param maxLen longest sequence, &gt; 0
     * @param dim embedding width, &gt; 0
     * @param std standard deviation of the initial entries, &gt;= 0
     * @throws IllegalArgumentException for a size out of range, or {@code maxLen * dim > 2^31 - 1}
     */
    public PositionEmbedding(Backend backend, int maxLen, int dim, float std, SplittableRandom rng) {
        if (maxLen <= 0 || dim <= 0) {
            throw new IllegalArgumentException("PositionEmbedding sizes must be > 0, got maxLen=" + maxLen + ", dim="
                    + dim);
        }
        if (!(std >= 0)) {
            throw new IllegalArgumentException("std must be >= 0, got " + std);
        }
        this.backend = backend;
        this.maxLen = maxLen;
        this.dim = dim;
        int size = Init.size("position embedding [maxLen, dim]", maxLen, dim);
        this.table = new Parameter("table", backend.tensor(Init.normal(rng, size, std), maxLen, dim));
    }

    public int maxLen() {
        return maxLen;
    }

    public Parameter table() {
        return table;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        if (x == null || x.shape().rank() != 3 || x.dim(2) != dim) {
            throw new IllegalArgumentException("PositionEmbedding(" + maxLen + " x " + dim + ") expects [B, T, " + dim
                    + "] input, got " + (x == null ? "null" : x.shape().toString()));
        }
        int b = x.dim(0);
        int t = x.dim(1);
        if (t > maxLen) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds the position embedding's maxLen "
                    + maxLen + "; use sequences of at most " + maxLen + " tokens or a model with a larger maxLen");
        }
        if (positions == null || positions.dim(0) != b || positions.dim(1) != t) {
            if (positions != null) {
                positions.close();
            }
            int[] ids = new int[b * t];
            for (int r = 0; r < ids.length; r++) {
                ids[r] = r % t;
            }
            positions = backend.intTensor(ids, b, t);
        }
        output = Buffers.ensure(backend, output, b, t, dim);
        backend.embeddingLookup(b * t, dim, table.value(), positions, output);
        backend.axpy(1f, x, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        gradOut = g;
        return g;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    @Override
    public void addSquaredNorms(Batch batch, Tensor sqNorms) {
        backend.embeddingNorms(positions.dim(0), positions.dim(1), dim, positions, gradOut, sqNorms);
    }

    @Override
    public void clippedSum(Batch batch, Tensor factors, float beta) {
        int t = positions.dim(1);
        backend.embeddingScatterAddScaled(positions.dim(0) * t, dim, t, positions, gradOut, factors, beta,
                table.grad());
    }

    @Override
    public String describe() {
        return "PositionEmbedding(" + maxLen + " x " + dim + ")";
    }
}
