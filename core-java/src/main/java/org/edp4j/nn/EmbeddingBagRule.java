package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;

/**
 * The per-sample rule of an embedding bag: the masked mean of a sample's token embeddings,
 * {@code y[b, :] = sum_t w_bt E[tok[b,t], :]} with {@code w_bt = mask[b,t] / max(1, sum_t mask[b,t])},
 * table {@code E} stored {@code [vocab, d]} ({@link EmbeddingBag}).
 *
 * <p>Sample b's gradient puts {@code (sum_{t: tok_bt = v} w_bt) g_b} in row v, where {@code g_b} is
 * the gradient of its output, so {@code ||grad_b||^2 = ||g_b||^2 sum_v (sum_{t: tok_bt = v} w_bt)^2}:
 * {@code O(T + d)} a sample, where {@link EmbeddingRule} on the looked-up rows takes {@code O(T d)}.
 * Clipped sum: {@code c_b w_bt g_b} added into row {@code tok_bt}. Neither forms the
 * {@code [B, T, d]} gradient of the looked-up rows.
 */
public final class EmbeddingBagRule implements UnitRule {
    private final Parameter table;
    private final int dim;
    private final Backend backend;
    private IntTensor tokens;
    private Tensor mask;
    private Tensor g;

    /** @param table {@code [vocab, d]} */
    public EmbeddingBagRule(Parameter table) {
        if (table == null || table.value().shape().rank() != 2) {
            throw new IllegalArgumentException("EmbeddingBagRule: the table must be a [vocab, d] matrix, got "
                    + (table == null ? "null" : table.toString()));
        }
        this.table = table;
        this.dim = table.value().dim(1);
        this.backend = table.backend();
    }

    /**
     * The tensors of the current batch, kept by reference.
     *
     * @param tokens ids in {@code [0, vocab)}, {@code [B, T]}
     * @param mask the positions' weights before normalization, {@code [B, T]}: 1 for a real token,
     *     0 for padding ({@link Batch#tokenMask()})
     * @param g the gradient of the bag's output, {@code [B, d]}
     * @return this rule
     * @throws IllegalArgumentException for shapes that do not match the table or each other (ids
     *     are checked where the kernels read them)
     */
    public EmbeddingBagRule inputs(IntTensor tokens, Tensor mask, Tensor g) {
        if (g == null || g.shape().rank() != 2 || g.dim(1) != dim) {
            throw new IllegalArgumentException(this + ": 'g' must be [B, " + dim + "], got "
                    + (g == null ? "null" : g.shape().toString()));
        }
        if (tokens == null || tokens.shape().rank() != 2 || tokens.dim(0) != g.dim(0)) {
            throw new IllegalArgumentException(this + ": tokens must be [B, T] for gradients " + g.shape() + ", got "
                    + (tokens == null ? "null" : tokens.shape().toString()));
        }
        if (mask == null || mask.shape().rank() != 2 || mask.dim(0) != tokens.dim(0)
                || mask.dim(1) != tokens.dim(1)) {
            throw new IllegalArgumentException(this + ": mask must be " + tokens.shape() + " as the tokens, got "
                    + (mask == null ? "null" : mask.shape().toString()));
        }
        this.tokens = tokens;
        this.mask = mask;
        this.g = g;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    /** Unit u's squared norm: the tokens of its samples grouped as one, with their own gradients. */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        Rules.requireInputs(this, g);
        int k = Rules.unitRows(this, "sqNorms", sqNorms, g, rowsPerUnit);
        backend.embeddingBagNorms(sqNorms.size(), k, tokens.dim(1), dim, tokens, mask, g, sqNorms);
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        Rules.requireInputs(this, g);
        int k = Rules.unitRows(this, "factors", factors, g, rowsPerUnit);
        backend.embeddingBagScatterAddScaled(g.dim(0), tokens.dim(1), dim, k, tokens, mask, g, factors, beta,
                table.grad());
    }

    /** "EmbeddingBagRule(20000 x 128)". */
    public String describe() {
        return "EmbeddingBagRule(" + table.value().dim(0) + " x " + dim + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
