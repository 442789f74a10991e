package org.edp4j.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Token embedding: {@code out[b, t, :] = E[tokens[b, t], :]}, reading the batch's token ids,
 * with the table {@code E} stored {@code [vocab, d]}.
 *
 * <p>Per-sample squared gradient norm (the ghost norm with the token-equality mask) and clipped
 * sum (scatter-add): {@link EmbeddingRule}'s, with the batch's token ids.
 */
public final class Embedding implements RuleLayer {
    private final Backend backend;
    private final int vocab;
    private final int dim;
    private final Parameter table;
    private final EmbeddingRule rule;

    private Tensor output;
    private org.edp4j.tensor.IntTensor tokens;

    /**
     * A table with entries drawn from {@code N(0, 1)} as PyTorch's {@code nn.Embedding} (the
     * std can be scaled by the caller's choice of {@code std}).
     *
     * @param vocab vocabulary size, &gt; 0 (id 0 is {@link Batch#PAD})
     * @param dim embedding width, &gt; 0
     * @param std standard deviation of the initial entries, &gt;= 0
     * @throws IllegalArgumentException for a size out of range, or {@code vocab * dim > 2^31 - 1}
     */
    public Embedding(Backend backend, int vocab, int dim, float std, SplittableRandom rng) {
        this.table = Init.normalTable(backend, "Embedding", "vocab", vocab, dim, std, rng,
                "embedding table [vocab, dim]");
        this.backend = backend;
        this.vocab = vocab;
        this.dim = dim;
        this.rule = new EmbeddingRule(table);
    }

    public int vocab() {
        return vocab;
    }

    public Parameter table() {
        return table;
    }

    @Override
    public Tensor forward(Tensor ignored, Batch batch) {
        if (!batch.isTokenInput()) {
            throw new IllegalArgumentException("Embedding needs a token batch");
        }
        int b = batch.capacity();
        int t = batch.seqLen();
        output = Buffers.ensure(backend, output, b, t, dim);
        tokens = batch.tokens();
        backend.embeddingLookup(b * t, dim, table.value(), tokens, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        rule.inputs(tokens, g);
        return null;
    }

    /** The per-sample rule of this layer's parameters (its norms and clipped sums are the rule's). */
    @Override
    public EmbeddingRule rule() {
        return rule;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    @Override
    public String describe() {
        return "Embedding(" + vocab + " x " + dim + ")";
    }
}
