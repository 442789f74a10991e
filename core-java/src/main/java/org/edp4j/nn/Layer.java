package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Tensor;

/**
 * One layer of a {@link Sequential} model: forward, backward, and the two hooks of book-keeping
 * DP-SGD.
 *
 * <p>A pass over a batch is: {@link #forward} (the layer keeps what its backward needs, e.g. its
 * input {@code a}), {@link #backward} once (the layer keeps {@code g = dL_i/d(output)}), then,
 * for a private step, {@link #addSquaredNorms} (each sample's squared gradient norm for this
 * layer's parameters, without materializing per-sample gradients) and {@link #clippedSum}
 * ({@code sum_i c_i grad_i} into each {@link Parameter#grad()}). A non-private step calls
 * {@link #clippedSum} with {@code c_i} = the row mask: the same code.
 *
 * <p>Buffers are allocated on the first pass and reused while the batch shape stays the same, so
 * a training step allocates nothing. Returned tensors belong to the layer and are overwritten by
 * the next pass.
 */
public interface Layer {

    /** Computes the output for {@code input} ({@code null} for input layers that read the batch). */
    Tensor forward(Tensor input, Batch batch);

    /**
     * Back-propagates {@code gradOutput} (dL_i/d output, summed loss per sample) and keeps what the
     * DP hooks need. Returns dL/d input, or {@code null} when the layer has no differentiable input.
     */
    Tensor backward(Tensor gradOutput, Batch batch);

    /** The trainable parameters, in a fixed order (empty for parameter-free layers). */
    List<Parameter> parameters();

    /**
     * Adds each sample's squared gradient norm over this layer's parameters to {@code sqNorms}
     * ({@code [B]}). Valid after {@link #backward}. Does nothing for parameter-free layers. Each
     * added value must be {@code >= 0}: a sum that float cancellation takes below 0 is clamped at
     * 0 (the backends' norm kernels do it); NaN or infinity is left for the optimizer's check.
     */
    void addSquaredNorms(Batch batch, Tensor sqNorms);

    /**
     * Writes {@code sum_i factors[i] * grad_i + beta * grad} into each parameter's gradient
     * buffer ({@code beta} 1 accumulates over several physical batches). Valid after
     * {@link #backward}.
     */
    void clippedSum(Batch batch, Tensor factors, float beta);

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
