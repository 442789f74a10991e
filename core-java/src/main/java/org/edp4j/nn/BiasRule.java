package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * The per-sample rule of a learned offset {@code y = x + b} on {@code [B, p]} or {@code [B, T, p]}
 * (a bias alone, apart from a weight). The gradient of sample i is {@code sum_t g_it}:
 * {@code ||grad_i||^2 = ||sum_t g_it||^2}; clipped sum {@code db = sum_r c_r g_r}.
 */
public final class BiasRule implements UnitRule {
    private final Parameter bias;
    private final int dim;
    private final Backend backend;
    private Tensor g;

    /** @param bias {@code [p]} */
    public BiasRule(Parameter bias) {
        if (bias == null || bias.value().shape().rank() != 1) {
            throw new IllegalArgumentException("BiasRule: the bias must be a vector, got " + bias);
        }
        this.bias = bias;
        this.dim = bias.size();
        this.backend = bias.backend();
    }

    /**
     * The gradient of the current batch, kept by reference.
     *
     * @param g {@code dL_i/dy}, {@code [B, p]} or {@code [B, T, p]}
     * @return this rule
     * @throws IllegalArgumentException for another shape
     */
    public BiasRule inputs(Tensor g) {
        Rules.requireActivation(this, "g", g, dim);
        this.g = g;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(bias);
    }

    /** Unit u's squared norm {@code ||sum_t g_ut||^2}, the sum over the unit's {@code kT} rows. */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        Rules.requireInputs(this, g);
        int seq = Rules.unitRows(this, "sqNorms", sqNorms, g, rowsPerUnit);
        backend.biasNorms(sqNorms.size(), seq, dim, g, sqNorms);
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        Rules.requireInputs(this, g);
        int seq = Rules.unitRows(this, "factors", factors, g, rowsPerUnit);
        backend.columnSumScaled(g.shape().rows(), dim, seq, g, factors, beta, bias.grad());
    }

    /** "BiasRule(10)". */
    public String describe() {
        return "BiasRule(" + dim + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
