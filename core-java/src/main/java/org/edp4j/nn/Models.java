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
     * Bag of embeddings: Embedding(vocab, dim), masked mean-pool, Linear(dim, hidden), Tanh,
     * Linear(hidden, classes).
     */
    public static Sequential bag(Backend backend, SplittableRandom rng, int vocab, int dim, int hidden, int classes) {
        return Sequential.of(backend,
                new Embedding(backend, vocab, dim, 1f, rng),
                new MaskedMeanPool(backend),
                new Linear(backend, dim, hidden, true, rng),
                ActivationLayer.tanh(backend),
                new Linear(backend, hidden, classes, true, rng));
    }

    /**
     * A pre-LayerNorm transformer encoder classifier: token + learned position embeddings,
     * {@code layers} blocks of {@code x + Attention(LN(x))} and {@code x + FFN(LN(x))} (GELU),
     * a final LayerNorm, masked-mean pooling over the real tokens and a linear head.
     */
    public static Sequential encoder(Backend backend, SplittableRandom rng, EncoderConfig config) {
        throw new UnsupportedOperationException("encoder: not implemented yet");
    }
}
