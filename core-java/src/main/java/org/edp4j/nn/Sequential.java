package org.edp4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Layers applied in order. The input is the batch itself: dense features for the first layer, or
 * the token ids that an {@link Embedding} reads.
 *
 * <p>Every layer and every parameter appears once. A layer used in two places, or a parameter
 * shared by two layers (weight tying), is refused when the model is built: each use would add its
 * own per-sample norm instead of the norm of the summed gradient, and its clipped sum would
 * overwrite the other use's, so the sensitivity the noise is calibrated to would be wrong. (Layers
 * also keep their input for the backward pass, which a second use overwrites.)
 */
public final class Sequential {
    private final Backend backend;
    private final List<Layer> layers;
    private final List<Parameter> parameters;
    private final List<Layer> trainable;
    private float[] hostLogits;

    /**
     * @param layers at least one; no layer twice and no parameter in two layers (also inside
     *     {@link Residual} blocks)
     * @throws IllegalArgumentException for no layer, or a layer or parameter that appears twice
     */
    public Sequential(Backend backend, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a Sequential model needs at least one layer");
        }
        requireNoSharing(layers);
        this.backend = backend;
        this.layers = List.copyOf(layers);
        List<Parameter> ps = new ArrayList<>();
        List<Layer> tl = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.parameters());
            tl.addAll(l.clippingGroups());
        }
        this.parameters = Collections.unmodifiableList(ps);
        this.trainable = Collections.unmodifiableList(tl);
    }

    private static final String SHARING = "; edp4j does not support shared layers or parameters: per-sample norms "
            + "would be taken per use instead of on the summed gradient, so the clipping bound and the noise would "
            + "not match the sensitivity";

    /** Refuses a layer that appears twice (Residual blocks walked) or a parameter of two layers. */
    private static void requireNoSharing(List<Layer> layers) {
        Map<Layer, Integer> position = new IdentityHashMap<>();
        Map<Parameter, Layer> owner = new IdentityHashMap<>();
        java.util.ArrayDeque<Layer> todo = new java.util.ArrayDeque<>(layers);
        List<Layer> walk = new ArrayList<>();
        while (!todo.isEmpty()) { // pre-order: a block, then its inner layers
            Layer l = todo.removeFirst();
            walk.add(l);
            if (l instanceof Residual r) {
                List<Layer> inner = r.inner();
                for (int i = inner.size() - 1; i >= 0; i--) {
                    todo.addFirst(inner.get(i));
                }
            }
        }
        for (int i = 0; i < walk.size(); i++) {
            Layer l = walk.get(i);
            Integer seen = position.putIfAbsent(l, i);
            if (seen != null) {
                throw new IllegalArgumentException("layer " + l.describe() + " appears twice in the model (positions "
                        + seen + " and " + i + ")" + SHARING);
            }
            if (l instanceof Residual) {
                continue; // its parameters are its inner layers'
            }
            for (Parameter p : l.parameters()) {
                Layer other = owner.putIfAbsent(p, l);
                if (other != null) {
                    throw new IllegalArgumentException("parameter " + p + " appears twice in the model (in "
                            + other.describe() + " and in " + l.describe() + ")" + SHARING);
                }
            }
        }
    }

    public static Sequential of(Backend backend, Layer... layers) {
        return new Sequential(backend, List.of(layers));
    }

    public Backend backend() {
        return backend;
    }

    public List<Layer> layers() {
        return layers;
    }

    /**
     * Layers with parameters, in order, with composites ({@link Residual}) flattened to their
     * leaves ({@link Layer#clippingGroups()}): the groups of per-layer clipping. Their parameters,
     * concatenated, are {@link #parameters()}.
     */
    public List<Layer> trainableLayers() {
        return trainable;
    }

    /** All parameters in a fixed order (the order of noise elements and checkpoints). */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) {
            n += p.size();
        }
        return n;
    }

    /** Runs the batch through every layer; returns the logits {@code [B, classes]}. */
    public Tensor forward(Batch batch) {
        Tensor x = batch.features();
        for (Layer l : layers) {
            x = l.forward(x, batch);
        }
        return x;
    }

    /**
     * Back-propagates {@code dL/d logits} through every layer, last to first; the first layer
     * skips dL/d input, which nothing reads ({@link Layer#backwardWithoutInputGradient}).
     */
    public void backward(Tensor gradLogits, Batch batch) {
        Tensor g = gradLogits;
        for (int i = layers.size() - 1; i > 0 && g != null; i--) {
            g = layers.get(i).backward(g, batch);
        }
        if (g != null) {
            layers.get(0).backwardWithoutInputGradient(g, batch);
        }
    }

    /**
     * The predicted class of each real row of the batch (forward pass and argmax).
     *
     * @return {@code [batch.size()]} class indices
     */
    public int[] predict(Batch batch) {
        Tensor logits = forward(batch);
        int k = batch.classes();
        if (hostLogits == null || hostLogits.length != logits.size()) {
            hostLogits = new float[logits.size()];
        }
        logits.copyTo(hostLogits);
        int[] out = new int[batch.size()];
        for (int b = 0; b < out.length; b++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (hostLogits[b * k + c] > hostLogits[b * k + best]) {
                    best = c;
                }
            }
            out[b] = best;
        }
        return out;
    }

    /** One line per layer, and the parameter count. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            sb.append("  ").append(l.describe()).append('\n');
        }
        sb.append("  parameters: ").append(parameterCount());
        return sb.toString();
    }
}
