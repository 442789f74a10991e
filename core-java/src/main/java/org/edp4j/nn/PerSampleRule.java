package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Tensor;

/**
 * The per-sample gradient rule of one group of parameters: how a private step measures each
 * sample's gradient norm and sums the clipped gradients, without materializing the per-sample
 * gradients. It is what a private step needs from a layer, whoever ran the layer's forward and
 * backward passes.
 *
 * <p>A rule holds the tensors its formulas read (for a linear layer, the input activations
 * {@code a} and the output gradients {@code g = dL_i/d output} of the current physical batch);
 * the built-in rules take them through an {@code inputs(...)} method, called after each backward
 * pass, and keep no copy: they are views of whatever the caller holds (see
 * {@link org.edp4j.tensor.CpuBackend#wrap}).
 *
 * <h2>Contract</h2>
 * For a batch of B samples whose gradients of these parameters are {@code grad_i} (the gradient
 * of sample i's own loss, summed over its positions, never averaged over the batch):
 * <ul>
 *   <li>{@link #addSquaredNorms}: {@code sqNorms[i] += ||grad_i||^2} over all of
 *       {@link #parameters()} together, for every {@code i < B}. Each added value is {@code >= 0}:
 *       a sum that float cancellation takes below 0 is clamped at 0 (the backends' norm kernels
 *       do it); NaN and infinity are passed on, never hidden (the private step's non-finite
 *       policy handles them).
 *   <li>{@link #clippedSum}: {@code p.grad() = sum_i factors[i] grad_i + beta * p.grad()} for each
 *       parameter p, where a sample whose factor is exactly 0 contributes nothing even when its
 *       activations or gradients are NaN (padding rows and dropped examples). {@code beta} is 0
 *       (overwrite, whatever grad held) or 1 (accumulate a further physical batch).
 *   <li>Neither method modifies the inputs; both may run asynchronously on a device backend.
 * </ul>
 * A rule that breaks the contract breaks the privacy guarantee: the noise is calibrated to the
 * clip bound, which holds only if the norms are the true per-sample norms. Check a rule of your
 * own against float64 per-example gradients with the testkit's {@code PerSampleRuleChecker}
 * (docs/embedding.md).
 *
 * <p>Built-in rules: {@link LinearRule} (rowwise, ghost or direct), {@link EmbeddingRule},
 * {@link PositionEmbeddingRule}, {@link LayerNormRule}, {@link BiasRule} and
 * {@link MaterializedRule} (per-sample gradients the caller has formed). Every {@link Layer} is
 * a rule too.
 */
public interface PerSampleRule {

    /** The parameters of the group, in a fixed order (the order of noise elements); empty for none. */
    List<Parameter> parameters();

    /**
     * Adds each sample's squared gradient norm over {@link #parameters()} to {@code sqNorms}
     * ({@code [B]}). Valid once the inputs of the current batch are set.
     *
     * @throws IllegalArgumentException when {@code sqNorms} does not have one entry per sample
     * @throws IllegalStateException when the inputs were never set
     */
    void addSquaredNorms(Tensor sqNorms);

    /**
     * Writes {@code sum_i factors[i] grad_i + beta * grad} into each parameter's gradient buffer.
     *
     * @param factors {@code [B]} clip factors (or the row mask, in a non-private step)
     * @param beta 0 to overwrite, 1 to accumulate
     * @throws IllegalArgumentException when {@code factors} does not have one entry per sample
     * @throws IllegalStateException when the inputs were never set
     */
    void clippedSum(Tensor factors, float beta);
}
