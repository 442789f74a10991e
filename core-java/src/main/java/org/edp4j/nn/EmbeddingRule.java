package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;

/**
 * The per-sample rule of a token embedding {@code y[b, t, :] = E[tok[b, t], :]}, table {@code E}
 * stored {@code [vocab, d]}.
 *
 * <p>The gradient of sample i puts {@code sum_{t: tok_t = v} g_it} in row v, so
 * {@code ||grad_i||^2 = sum_{t,s: tok_it = tok_is} g_it . g_is} (the ghost norm with the
 * token-equality mask), computed by grouping equal tokens: {@code O(T d)} per sample, never the
 * {@code [vocab, d]} per-sample gradient. Clipped sum: scatter-add of {@code c_i g_it} into row
 * {@code tok_it}.
 */
public final class EmbeddingRule implements UnitRule {
    private final Parameter table;
    private final int dim;
    private final Backend backend;
    private IntTensor tokens;
    private Tensor g;

    /** @param table {@code [vocab, d]} */
    public EmbeddingRule(Parameter table) {
        if (table == null || table.value().shape().rank() != 2) {
            throw new IllegalArgumentException("EmbeddingRule: the table must be a [vocab, d] matrix, got "
                    + (table == null ? "null" : table.toString()));
        }
        this.table = table;
        this.dim = table.value().dim(1);
        this.backend = table.backend();
    }

    /**
     * The tensors of the current batch, kept by reference.
     *
     * @param tokens ids in {@code [0, vocab)}: {@code [B, T]} (or {@code [B]} with gradients {@code [B, d]})
     * @param g the gradient with respect to the looked-up rows, {@code [B, T, d]} (or {@code [B, d]})
     * @return this rule
     * @throws IllegalArgumentException for shapes that do not match the table or each other (ids
     *     are checked where the kernels read them)
     */
    public EmbeddingRule inputs(IntTensor tokens, Tensor g) {
        Rules.requireActivation(this, "g", g, dim);
        Rules.requireTokens(this, tokens, g);
        this.tokens = tokens;
        this.g = g;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    /**
     * Unit u's squared norm on the unit view ({@link PerSampleRule}): its {@code kT} tokens grouped
     * as one sample's, so equal tokens in different rows of the unit add their cross terms.
     */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        Rules.requireInputs(this, g);
        int seq = Rules.unitRows(this, "sqNorms", sqNorms, g, rowsPerUnit);
        backend.embeddingNorms(sqNorms.size(), seq, dim, tokens, g, sqNorms);
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        Rules.requireInputs(this, g);
        int seq = Rules.unitRows(this, "factors", factors, g, rowsPerUnit);
        backend.embeddingScatterAddScaled(g.shape().rows(), dim, seq, tokens, g, factors, beta, table.grad());
    }

    /** "EmbeddingRule(20000 x 128)". */
    public String describe() {
        return "EmbeddingRule(" + table.value().dim(0) + " x " + dim + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
