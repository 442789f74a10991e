package org.edp4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.edp4j.nn.EncoderConfig;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;

/**
 * The architecture of a saved text classifier: which of {@link Models}' text models, and its sizes.
 *
 * @param kind {@value #BAG} ({@link Models#bag}) or {@value #ENCODER} ({@link Models#encoder})
 * @param vocab ids of the token embedding, {@code >= 3}
 * @param maxLen tokens kept per text, {@code >= 1}
 * @param dim embedding (model) width, {@code >= 1}; a multiple of heads for the encoder
 * @param hidden the bag's MLP head width, or the encoder's feed-forward width, {@code >= 1}
 * @param layers encoder blocks ({@code >= 1}), 0 for the bag
 * @param heads attention heads ({@code >= 1}), 0 for the bag
 * @param classes output classes, {@code >= 2}
 */
public record ModelShape(String kind, int vocab, int maxLen, int dim, int hidden, int layers, int heads, int classes) {

    /** Bag of embeddings: EmbeddingBag (the masked mean of the token embeddings), Linear, Tanh, Linear. */
    public static final String BAG = "bag";
    /** Pre-LayerNorm transformer encoder. */
    public static final String ENCODER = "encoder";

    /** @throws IllegalArgumentException naming the first field out of range */
    public ModelShape {
        if (!BAG.equals(kind) && !ENCODER.equals(kind)) {
            throw new IllegalArgumentException("model kind must be bag or encoder, got '" + kind + "'");
        }
        require(vocab >= 3, "vocab must be >= 3, got " + vocab);
        require(maxLen >= 1, "maxLen must be >= 1, got " + maxLen);
        require(dim >= 1, "dim must be >= 1, got " + dim);
        require(hidden >= 1, "hidden must be >= 1, got " + hidden);
        require(classes >= 2, "classes must be >= 2, got " + classes);
        if (ENCODER.equals(kind)) {
            require(layers >= 1 && heads >= 1 && dim % heads == 0,
                    "an encoder needs layers >= 1 and heads >= 1 dividing dim, got " + layers + ", " + heads + ", " + dim);
        } else {
            require(layers == 0 && heads == 0, "a bag has no layers or heads, got " + layers + ", " + heads);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return a new model of this shape on {@code backend}, with arbitrary (seed 0) weights */
    public Sequential build(Backend backend) {
        SplittableRandom rng = new SplittableRandom(0);
        return BAG.equals(kind) ? Models.bag(backend, rng, vocab, dim, hidden, classes)
                : Models.encoder(backend, rng, new EncoderConfig(vocab, maxLen, dim, layers, heads, hidden, classes));
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", kind);
        m.put("vocab", Integer.toString(vocab));
        m.put("max-len", Integer.toString(maxLen));
        m.put("dim", Integer.toString(dim));
        m.put("hidden", Integer.toString(hidden));
        m.put("layers", Integer.toString(layers));
        m.put("heads", Integer.toString(heads));
        m.put("classes", Integer.toString(classes));
        return m;
    }

    static ModelShape fromMap(Map<String, String> m) {
        return new ModelShape(SavedModel.get(m, "model"), SavedModel.getInt(m, "vocab"), SavedModel.getInt(m, "max-len"),
                SavedModel.getInt(m, "dim"), SavedModel.getInt(m, "hidden"), SavedModel.getInt(m, "layers"),
                SavedModel.getInt(m, "heads"), SavedModel.getInt(m, "classes"));
    }
}
