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
 * <p>Per-sample squared gradient norm ({@code sum_t ||g_it||^2}: the positions of one sample are
 * distinct) and clipped sum (scatter-add into row t): {@link PositionEmbeddingRule}'s, whose
 * cached position ids the forward looks up too.
 */
public final class PositionEmbedding implements RuleLayer {
    private final Backend backend;
    private final int maxLen;
    private final int dim;
    private final Parameter table;
    private final PositionEmbeddingRule rule;

    private Tensor output;

    /**
     * A table with entries drawn from {@code N(0, std^2)}.
     *
     * @param maxLen longest sequence, &gt; 0
     * @param dim embedding width, &gt; 0
     * @param std standard deviation of the initial entries, &gt;= 0
     * @throws IllegalArgumentException for a size out of range, or {@code maxLen * dim > 2^31 - 1}
     */
    public PositionEmbedding(Backend backend, int maxLen, int dim, float std, SplittableRandom rng) {
        this.table = Init.normalTable(backend, "PositionEmbedding", "maxLen", maxLen, dim, std, rng,
                "position embedding [maxLen, dim]");
        this.backend = backend;
        this.maxLen = maxLen;
        this.dim = dim;
        this.rule = new PositionEmbeddingRule(table);
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
        IntTensor positions = rule.positions(b, t);
        output = Buffers.ensure(backend, output, b, t, dim);
        backend.embeddingLookup(b * t, dim, table.value(), positions, output);
        backend.axpy(1f, x, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        rule.inputs(g);
        return g;
    }

    /** The per-sample rule of this layer's parameters (its norms and clipped sums are the rule's). */
    @Override
    public PositionEmbeddingRule rule() {
        return rule;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    @Override
    public String describe() {
        return "PositionEmbedding(" + maxLen + " x " + dim + ")";
    }
}
