package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Tensor;

/**
 * One layer of a {@link Sequential} model: forward, backward, and the {@link PerSampleRule} of its
 * parameters (per-sample norm and clipped sum). This is the contract a custom layer implements to
 * train privately inside a {@code Sequential}; docs/embedding.md works one through.
 *
 * <p>A pass over a batch is: {@link #forward} (the layer keeps what its backward needs, e.g. its
 * input {@code a}), {@link #backward} once (the layer keeps {@code g = dL_i/d(output)}, where
 * {@code L_i} is sample i's own loss, summed, never averaged over the batch), then, for a private
 * step, {@link #addSquaredNorms} (each sample's squared gradient norm for this layer's parameters,
 * without materializing per-sample gradients) and {@link #clippedSum} ({@code sum_i c_i grad_i}
 * into each {@link Parameter#grad()}). A non-private step calls {@link #clippedSum} with
 * {@code c_i} = the row mask: the same code. The norms and sums follow {@link PerSampleRule}'s
 * contract (values {@code >= 0}, NaN passed on, rows with factor 0 skipped even when NaN); a
 * parameter-free layer's are no-ops. The built-in layers delegate them to the built-in rules
 * ({@link LinearRule}, {@link EmbeddingRule}, ...), set from their backward pass, for one row per
 * sample and for privacy units of several rows alike ({@link PerSampleRule}'s unit methods); a
 * custom layer that implements only the one-argument methods trains with one row per unit.
 *
 * <p>Buffers are allocated on the first pass and reused while the batch shape stays the same, so
 * a training step allocates nothing. Returned tensors belong to the layer and are overwritten by
 * the next pass. A layer appears once in a model and shares no parameter with another (see
 * {@link Sequential}).
 */
public interface Layer extends PerSampleRule {

    /** Computes the output for {@code input} ({@code null} for input layers that read the batch). */
    Tensor forward(Tensor input, Batch batch);

    /**
     * Back-propagates {@code gradOutput} (dL_i/d output, summed loss per sample) and keeps what the
     * DP hooks need. Returns dL/d input, or {@code null} when the layer has no differentiable input.
     */
    Tensor backward(Tensor gradOutput, Batch batch);

    /**
     * {@link #backward} for the first layer of a model, whose input is the data: nothing reads
     * dL/d input, so a layer may skip computing it (the benchmark MLP's {@code Linear(784 -> 512)}:
     * 60% of its backward pass's multiply-adds). It must still keep what the DP hooks need. The
     * default calls {@link #backward} and drops its result.
     */
    default void backwardWithoutInputGradient(Tensor gradOutput, Batch batch) {
        backward(gradOutput, batch);
    }

    /**
     * The layers whose parameters form this layer's groups of per-layer clipping
     * ({@code ClippingMode.PER_LAYER}), in the order of {@link #parameters()}: the layer itself
     * when it has parameters (the default), none when it has not; a composite such as
     * {@link Residual} returns its parameterized leaves, so each is clipped on its own.
     */
    default List<Layer> clippingGroups() {
        return parameters().isEmpty() ? List.of() : List.of(this);
    }

    /** A short description for summaries: "Linear(784 -> 512)". */
    String describe();
}
