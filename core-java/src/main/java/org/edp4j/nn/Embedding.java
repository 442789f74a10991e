package org.edp4j.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Token embedding: {@code out[b, t, :] = E[tokens[b, t], :]}, reading the batch's token ids,
 * with the table {@code E} stored {@code [vocab, d]}.
 *
 * <p>Per-sample squared gradient norm: the gradient of sample i puts {@code sum_{t: tok_t = v} g_it}
 * in row v, so {@code ||grad_i||^2 = sum_{t,s: tok_it = tok_is} g_it . g_is} (the ghost norm
 * with the token-equality mask), computed by grouping equal tokens: {@code O(T d)} per sample,
 * never the {@code [vocab, d]} per-sample gradient. Clipped sum: scatter-add of {@code c_i g_it}.
 */
public final class Embedding implements Layer {
    private final Backend backend;
    private final int vocab;
    private final int dim;
    private final Parameter table;

    private Tensor output;
    private Tensor gradOut;

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
        if (vocab <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding sizes must be > 0, got vocab=" + vocab + ", dim=" + dim);
        }
        if (!(std >= 0)) {
            throw new IllegalArgumentException("std must be >= 0, got " + std);
        }
        this.backend = backend;
        this.vocab = vocab;
        this.dim = dim;
        int size = Init.size("embedding table [vocab, dim]", vocab, dim);
        this.table = new Parameter("table", backend.tensor(Init.normal(rng, size, std), vocab, dim));
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
        backend.embeddingLookup(b * t, dim, table.value(), batch.tokens(), output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        gradOut = g;
        return null;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }

    @Override
    public void addSquaredNorms(Batch batch, Tensor sqNorms) {
        backend.embeddingNorms(batch.capacity(), batch.seqLen(), dim, batch.tokens(), gradOut, sqNorms);
    }

    @Override
    public void clippedSum(Batch batch, Tensor factors, float beta) {
        int t = batch.seqLen();
        backend.embeddingScatterAddScaled(batch.capacity() * t, dim, t, batch.tokens(), gradOut, factors, beta,
                table.grad());
    }

    @Override
    public String describe() {
        return "Embedding(" + vocab + " x " + dim + ")";
    }
}
