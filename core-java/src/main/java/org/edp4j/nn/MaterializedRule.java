package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * The rule of a parameter whose per-sample gradients the caller forms itself: the escape hatch
 * for a layer with no built-in rule and few parameters (a learned scale, a gate, a small
 * adapter). Row i of the {@code [B, size]} input is sample i's gradient of the parameter,
 * flattened row-major; {@code ||grad_i||^2} is its squared norm and the clipped sum
 * {@code sum_i c_i grad_i} a column sum with factors. Memory {@code B * size} floats, held by the
 * caller.
 */
public final class MaterializedRule implements UnitRule {
    private final Parameter parameter;
    private final Backend backend;
    private Tensor perSample;

    public MaterializedRule(Parameter parameter) {
        if (parameter == null) {
            throw new IllegalArgumentException("MaterializedRule: the parameter must not be null");
        }
        this.parameter = parameter;
        this.backend = parameter.backend();
    }

    /**
     * The per-sample gradients of the current batch, kept by reference.
     *
     * @param perSampleGradients {@code [B, size]}: row i is sample i's gradient, flattened
     * @return this rule
     * @throws IllegalArgumentException for another shape
     */
    public MaterializedRule inputs(Tensor perSampleGradients) {
        if (perSampleGradients.shape().rank() != 2 || perSampleGradients.dim(1) != parameter.size()) {
            throw new IllegalArgumentException(describe() + ": the per-sample gradients must be [B, "
                    + parameter.size() + "], got " + perSampleGradients.shape());
        }
        this.perSample = perSampleGradients;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(parameter);
    }

    /** Unit u's squared norm: the norm of the sum of its k rows, {@code ||sum_{i in u} grad_i||^2}. */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        Rules.requireInputs(this, perSample);
        int k = Rules.unitRows(this, "sqNorms", sqNorms, perSample, rowsPerUnit);
        backend.biasNorms(sqNorms.size(), k, parameter.size(), perSample, sqNorms);
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        Rules.requireInputs(this, perSample);
        int k = Rules.unitRows(this, "factors", factors, perSample, rowsPerUnit);
        backend.columnSumScaled(perSample.dim(0), parameter.size(), k, perSample, factors, beta, parameter.grad());
    }

    /** "MaterializedRule(scale[64])". */
    public String describe() {
        return "MaterializedRule(" + parameter + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
