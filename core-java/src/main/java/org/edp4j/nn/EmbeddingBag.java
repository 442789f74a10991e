package org.edp4j.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Embedding bag: the mean of a sequence's token embeddings over its real tokens,
 * {@code out[b, :] = sum_t mask[b,t] E[tokens[b,t], :] / max(1, sum_t mask[b,t])}, reading the
 * batch's token ids and mask, table {@code E} stored {@code [vocab, d]}. The same function and
 * parameter as {@link Embedding} followed by {@link MaskedMeanPool}, without their
 * {@code [B, T, d]} rows in the forward pass, the backward pass or the private step (as PyTorch's
 * {@code nn.EmbeddingBag(mode="mean")} against {@code nn.Embedding} then a mean).
 *
 * <p>Per-sample squared gradient norm and clipped sum: {@link EmbeddingBagRule}'s, {@code O(T + d)}
 * a sample for the norm.
 */
public final class EmbeddingBag implements RuleLayer {
    private final Backend backend;
    private final int vocab;
    private final int dim;
    private final Parameter table;
    private final EmbeddingBagRule rule;

    private Tensor output;
    private org.edp4j.tensor.IntTensor tokens;
    private Tensor mask;

    /**
     * A table with entries drawn from {@code N(0, std^2)}, as {@link Embedding}'s (the same draws
     * from the same {@code rng}).
     *
     * @param vocab vocabulary size, &gt; 0 (id 0 is {@link Batch#PAD})
     * @param dim embedding width, &gt; 0
     * @param std standard deviation of the initial entries, &gt;= 0
     * @throws IllegalArgumentException for a size out of range, or {@code vocab * dim > 2^31 - 1}
     */
    public EmbeddingBag(Backend backend, int vocab, int dim, float std, SplittableRandom rng) {
        this.table = Init.normalTable(backend, "EmbeddingBag", "vocab", vocab, dim, std, rng,
                "embedding table [vocab, dim]");
        this.backend = backend;
        this.vocab = vocab;
        this.dim = dim;
        this.rule = new EmbeddingBagRule(table);
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
            throw new IllegalArgumentException("EmbeddingBag needs a token batch");
        }
        int b = batch.capacity();
        int t = batch.seqLen();
        output = Buffers.ensure(backend, output, b, dim);
        tokens = batch.tokens();
        mask = batch.tokenMask();
        backend.embeddingBagMean(b, t, dim, table.value(), tokens, mask, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        rule.inputs(tokens, mask, g);
        return null;
    }

    /** The per-sample rule of this layer's parameters (its norms and clipped sums are the rule's). */
    @Override
    public EmbeddingBagRule rule() {
        return rule;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    @Override
    public String describe() {
        return "EmbeddingBag(" + vocab + " x " + dim + ", mean)";
    }
}
