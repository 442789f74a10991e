package org.edp4j.nn;

import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;

/** The standard models of edp4j's benchmarks and command line. */
public final class Models {
    private Models() {
    }

    /**
     * A multilayer perceptron on dense input: Linear, ReLU, ..., Linear (e.g. widths 784, 512, 512, 10).
     *
     * @param widths at least input and output width
     */
    public static Sequential mlp(Backend backend, SplittableRandom rng, int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output width");
        }
        java.util.List<Layer> layers = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            layers.add(new Linear(backend, widths[i], widths[i + 1], true, rng));
            if (i + 2 < widths.length) {
                layers.add(ActivationLayer.relu(backend));
            }
        }
        return new Sequential(backend, layers);
    }

    /**
     * Bag of embeddings: EmbeddingBag(vocab, dim) (the mean of the real tokens' embeddings, as
     * Embedding then MaskedMeanPool without their {@code [B, T, dim]} rows), Linear(dim, hidden),
     * Tanh, Linear(hidden, classes).
     */
    public static Sequential bag(Backend backend, SplittableRandom rng, int vocab, int dim, int hidden, int classes) {
        return Sequential.of(backend,
                new EmbeddingBag(backend, vocab, dim, 1f, rng),
                new Linear(backend, dim, hidden, true, rng),
                ActivationLayer.tanh(backend),
                new Linear(backend, hidden, classes, true, rng));
    }

    /** Standard deviation of the initial token embedding entries of {@link #encoder}. */
    public static final float ENCODER_TOKEN_STD = 0.1f;
    /** Standard deviation of the initial position embedding entries of {@link #encoder}. */
    public static final float ENCODER_POSITION_STD = 0.01f;

    /**
     * A pre-LayerNorm transformer encoder classifier: token + learned position embeddings,
     * {@code layers} blocks of {@code x + Attention(LN(x))} and {@code x + FFN(LN(x))} (GELU),
     * a final LayerNorm, masked-mean pooling over the real tokens and a linear head:
     * <pre>
     * Embedding(vocab, d) -> PositionEmbedding(maxLen, d)
     *   -> layers x [ Residual(LayerNorm, Linear(d, 3d), Attention(d, heads), Linear(d, d)),
     *                 Residual(LayerNorm, Linear(d, ffn), GELU, Linear(ffn, d)) ]
     *   -> LayerNorm -> MaskedMeanPool -> Linear(d, classes)
     * </pre>
     * The token mask of the batch is the attention's key padding mask, so padding never reaches
     * a real position and its gradients are exactly 0.
     *
     * <p>Initialization: Linear layers as PyTorch ({@code U(-1/sqrt(in), 1/sqrt(in))}), LayerNorm
     * {@code gamma = 1, beta = 0}, token embeddings {@code N(0, 0.1^2)} ({@link #ENCODER_TOKEN_STD})
     * and position embeddings {@code N(0, 0.01^2)} ({@link #ENCODER_POSITION_STD}: a small offset
     * on the tokens at first). The embedding scale is a trade-off of DP-SGD with Adam and
     * pre-LayerNorm: Adam moves every coordinate by about {@code lr} per step whatever its
     * gradient, so embeddings at PyTorch's {@code N(0, 1)} barely change in the few hundred noisy
     * steps a private run can afford (measured on the spam corpus: the private encoder stayed at
     * the majority class), while the first LayerNorm divides the embedding gradient by the
     * input's standard deviation, so BERT's 0.02 would make the embeddings dominate every clipped
     * norm. At 0.1 the embeddings' per-sample gradient norm is comparable to the head's.
     *
     * @param rng source of the initial weights (not security relevant)
     */
    public static Sequential encoder(Backend backend, SplittableRandom rng, EncoderConfig config) {
        int d = config.width();
        java.util.List<Layer> layers = new java.util.ArrayList<>();
        layers.add(new Embedding(backend, config.vocab(), d, ENCODER_TOKEN_STD, rng));
        layers.add(new PositionEmbedding(backend, config.maxLen(), d, ENCODER_POSITION_STD, rng));
        for (int l = 0; l < config.layers(); l++) {
            layers.add(Residual.of(backend,
                    new LayerNorm(backend, d),
                    new Linear(backend, d, 3 * d, true, rng),
                    new Attention(backend, d, config.heads()),
                    new Linear(backend, d, d, true, rng)));
            layers.add(Residual.of(backend,
                    new LayerNorm(backend, d),
                    new Linear(backend, d, config.ffnWidth(), true, rng),
                    ActivationLayer.gelu(backend),
                    new Linear(backend, config.ffnWidth(), d, true, rng)));
        }
        layers.add(new LayerNorm(backend, d));
        layers.add(new MaskedMeanPool(backend));
        layers.add(new Linear(backend, d, config.classes(), true, rng));
        return new Sequential(backend, layers);
    }
}
