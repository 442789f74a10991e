package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * The parameter-free core of multi-head self-attention: {@code [B, T, 3d] -> [B, T, d]}, reading
 * the fused query, key and value projections (columns {@code [0, d)}, {@code [d, 2d)},
 * {@code [2d, 3d)}) of a preceding {@code Linear(d, 3d)}:
 * {@code out_h = softmax(Q_h K_h^T / sqrt(d / heads) + mask) V_h} per head h, with the batch's
 * token mask as key padding mask ({@link Backend#attention}).
 *
 * <p>Per-sample squared gradient norm: none of its own (no parameters). It only carries
 * {@code dL/d qkv} back to the QKV projection, whose norm is then Linear's rule on
 * {@code [B, T, d]} input: ghost {@code sum_{t,s} (a_it . a_is)(g_it . g_is)} or direct
 * {@code ||A_i^T G_i||^2}. A padded key gets probability 0, so a padded position sends nothing
 * to the real ones; rows of padding samples get factor 0 in the clipped sums downstream.
 */
public final class Attention implements Layer {
    private final Backend backend;
    private final int width;
    private final int heads;

    private Tensor input;
    private Tensor output;
    private Tensor probs;
    private Tensor dProbs;
    private Tensor gradIn;

    /**
     * @param width model width d, &gt; 0 and a multiple of {@code heads}
     * @param heads number of heads, &gt; 0
     */
    public Attention(Backend backend, int width, int heads) {
        if (width <= 0 || heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("Attention needs width > 0 a multiple of heads > 0, got width=" + width
                    + ", heads=" + heads);
        }
        this.backend = backend;
        this.width = width;
        this.heads = heads;
    }

    public int heads() {
        return heads;
    }

    /** The attention probabilities {@code [B, H, T, T]} of the last forward pass (null before one). */
    public Tensor probs() {
        return probs;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        if (x == null || x.shape().rank() != 3 || x.dim(2) != 3 * width || !batch.isTokenInput()
                || x.dim(1) != batch.seqLen()) {
            throw new IllegalArgumentException("Attention(" + width + ", " + heads + " heads) expects [B, T, "
                    + 3 * width + "] input of a token batch, got " + (x == null ? "null" : x.shape().toString()));
        }
        int b = x.dim(0);
        int t = x.dim(1);
        input = x;
        output = Buffers.ensure(backend, output, b, t, width);
        probs = Buffers.ensure(backend, probs, b, heads, t, t);
        dProbs = Buffers.ensure(backend, dProbs, b, heads, t, t);
        gradIn = Buffers.ensure(backend, gradIn, x.shape().dims());
        backend.attention(b, t, heads, width / heads, x, batch.tokenMask(), probs, output);
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        backend.attentionBackward(input.dim(0), input.dim(1), heads, width / heads, input, probs, g, dProbs, gradIn);
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
        return "Attention(" + width + ", " + heads + " heads)";
    }
}
