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
 * <h2>Privacy units of several rows</h2>
 * A private step may make one privacy unit of {@code k} consecutive batch rows
 * ({@code PrivateStep.Builder.rowsPerUnit}; {@code edp train --counterfactual-augment} puts an example
 * and its counterfactual copy in rows {@code 2j} and {@code 2j + 1}). It then calls the two methods
 * that take {@code rowsPerUnit}: the B rows of the inputs form {@code U = B / k} units, unit u holding
 * rows {@code uk .. uk + k - 1}, and the vectors have one entry per unit. The unit's gradient is the
 * sum of its rows' gradients, {@code grad_u = sum_{i in u} grad_i}, and the contract above holds with
 * units in place of samples: {@code sqNorms[u] += ||grad_u||^2}, the norm of the <i>sum</i> (cross
 * terms between the rows included; the sum of the rows' own squared norms would not bound the unit's
 * contribution), and {@code sum_u factors[u] grad_u}. Every built-in rule does it with one view of its
 * inputs: {@code [B, T, w]} read as {@code [B/k, kT, w]} and {@code [B, w]} as {@code [B/k, k, w]},
 * the same kernels on {@code kT} rows per unit. A rule that implements only the one-argument methods
 * serves steps of one row per unit (the default methods refuse more, unless it has no parameters).
 *
 * <p>Built-in rules: {@link LinearRule} (rowwise, ghost or direct), {@link EmbeddingRule},
 * {@link EmbeddingBagRule}, {@link PositionEmbeddingRule}, {@link LayerNormRule}, {@link BiasRule} and
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

    /**
     * {@link #addSquaredNorms(Tensor)} over privacy units of {@code rowsPerUnit} consecutive rows
     * (class comment): {@code sqNorms[u] += ||sum_{i in u} grad_i||^2}, {@code sqNorms} {@code [B / k]}.
     * The default serves {@code rowsPerUnit == 1} (and a rule without parameters, which adds nothing);
     * the built-in rules override it.
     *
     * @param rowsPerUnit k &gt;= 1, dividing the batch B
     * @throws IllegalArgumentException when {@code sqNorms} does not have one entry per unit, or k &lt; 1
     * @throws UnsupportedOperationException (default) for k &gt; 1 on a rule with parameters
     * @throws IllegalStateException when the inputs were never set
     */
    default void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        requireOneRowPerUnit(rowsPerUnit);
        addSquaredNorms(sqNorms);
    }

    /**
     * {@link #clippedSum(Tensor, float)} over privacy units of {@code rowsPerUnit} consecutive rows:
     * {@code p.grad() = sum_u factors[u] sum_{i in u} grad_i + beta * p.grad()}, {@code factors}
     * {@code [B / k]}. The default serves {@code rowsPerUnit == 1} (and a rule without parameters);
     * the built-in rules override it.
     *
     * @param rowsPerUnit k &gt;= 1, dividing the batch B
     * @throws IllegalArgumentException when {@code factors} does not have one entry per unit, or k &lt; 1
     * @throws UnsupportedOperationException (default) for k &gt; 1 on a rule with parameters
     * @throws IllegalStateException when the inputs were never set
     */
    default void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        requireOneRowPerUnit(rowsPerUnit);
        clippedSum(factors, beta);
    }

    /** The defaults' check: one row per unit, or a rule without parameters (which adds nothing). */
    private void requireOneRowPerUnit(int rowsPerUnit) {
        if (rowsPerUnit < 1) {
            throw new IllegalArgumentException(this + ": rowsPerUnit must be >= 1, got " + rowsPerUnit);
        }
        if (rowsPerUnit != 1 && !parameters().isEmpty()) {
            throw new UnsupportedOperationException(this + " implements per-sample norms and clipped sums of one row "
                    + "per sample only, not of privacy units of " + rowsPerUnit + " rows: override "
                    + "addSquaredNorms(Tensor, int) and clippedSum(Tensor, int, float) (PerSampleRule's class comment)");
        }
    }
}
