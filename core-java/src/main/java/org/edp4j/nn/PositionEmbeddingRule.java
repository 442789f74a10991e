package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;

/**
 * The per-sample rule of a learned position embedding {@code y[b, t, :] = x[b, t, :] + P[t, :]},
 * table {@code P} stored {@code [maxLen, d]}, {@code T <= maxLen}.
 *
 * <p>The gradient of sample i puts {@code g_it} in row t, and the positions of one sample are
 * distinct, so {@code ||grad_i||^2 = sum_t ||g_it||^2} (the embedding ghost norm with position ids
 * as tokens: no two are equal). Clipped sum: scatter-add of {@code c_i g_it} into row t. It is the
 * {@link EmbeddingRule} of the table with a cached {@code [B, T]} tensor of position ids
 * ({@link #positions}) as the tokens.
 */
public final class PositionEmbeddingRule implements UnitRule {
    private final Parameter table;
    private final int maxLen;
    private final int dim;
    private final Backend backend;
    private final EmbeddingRule embedding;
    private IntTensor positions;
    private Tensor g;

    /** @param table {@code [maxLen, d]} */
    public PositionEmbeddingRule(Parameter table) {
        if (table == null || table.value().shape().rank() != 2) {
            throw new IllegalArgumentException("PositionEmbeddingRule: the table must be a [maxLen, d] matrix, got "
                    + (table == null ? "null" : table.toString()));
        }
        this.table = table;
        this.maxLen = table.value().dim(0);
        this.dim = table.value().dim(1);
        this.backend = table.backend();
        this.embedding = new EmbeddingRule(table);
    }

    /**
     * The position ids {@code r % seq} of a {@code [batch, seq]} batch, made once per shape and
     * reused (the layer's forward looks them up too).
     *
     * @throws IllegalArgumentException when {@code seq > maxLen}
     */
    public IntTensor positions(int batch, int seq) {
        if (seq > maxLen) {
            throw new IllegalArgumentException("sequence length " + seq + " exceeds the position embedding's maxLen "
                    + maxLen + "; use sequences of at most " + maxLen + " tokens or a model with a larger maxLen");
        }
        if (positions == null || positions.dim(0) != batch || positions.dim(1) != seq) {
            if (positions != null) {
                positions.close();
            }
            int[] ids = new int[batch * seq];
            for (int r = 0; r < ids.length; r++) {
                ids[r] = r % seq;
            }
            positions = backend.intTensor(ids, batch, seq);
        }
        return positions;
    }

    /**
     * The gradient of the current batch, kept by reference.
     *
     * @param g {@code dL_i/dy}, {@code [B, T, d]} with {@code T <= maxLen}
     * @return this rule
     * @throws IllegalArgumentException for another shape
     */
    public PositionEmbeddingRule inputs(Tensor g) {
        if (g.shape().rank() != 3 || g.dim(2) != dim) {
            throw new IllegalArgumentException(describe() + ": 'g' must be [B, T, " + dim + "], got " + g.shape());
        }
        embedding.inputs(positions(g.dim(0), g.dim(1)), g);
        this.g = g;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    /**
     * Unit u's squared norm: the embedding norm on positions read as {@code [B/k, kT]}. Every row of
     * the unit holds positions {@code 0 .. T-1}, so position t appears k times in the unit and its
     * cross terms {@code 2 <g_at, g_bt>} are included: the rows' separate norms would underestimate
     * the unit's.
     */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        Rules.requireInputs(this, g);
        embedding.addSquaredNorms(sqNorms, rowsPerUnit);
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        Rules.requireInputs(this, g);
        embedding.clippedSum(factors, rowsPerUnit, beta);
    }

    /** "PositionEmbeddingRule(128 x 64)". */
    public String describe() {
        return "PositionEmbeddingRule(" + maxLen + " x " + dim + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
