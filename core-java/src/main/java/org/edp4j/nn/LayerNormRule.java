package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * The per-sample rule of LayerNorm's parameters, {@code y = gamma * xhat + beta} with
 * {@code xhat} the normalized input, on {@code [B, d]} or {@code [B, T, d]}.
 *
 * <p>Direct (the parameters are small): the gradient of sample i is
 * {@code (sum_t gy_it * xhat_it, sum_t gy_it)}, so
 * {@code ||grad_i||^2 = ||sum_t gy_it * xhat_it||^2 + ||sum_t gy_it||^2}. Clipped sums:
 * {@code dGamma = sum_r c_r gy_r * xhat_r}, {@code dBeta = sum_r c_r gy_r}.
 */
public final class LayerNormRule implements UnitRule {
    private final Parameter gamma;
    private final Parameter beta;
    private final int dim;
    private final Backend backend;
    private Tensor xhat;
    private Tensor gy;

    /**
     * @param gamma the scale, {@code [d]}
     * @param beta the offset, {@code [d]}
     */
    public LayerNormRule(Parameter gamma, Parameter beta) {
        if (gamma == null || beta == null || gamma.value().shape().rank() != 1) {
            throw new IllegalArgumentException("LayerNormRule: gamma and beta must be vectors of one width, got "
                    + gamma + " and " + beta);
        }
        this.gamma = gamma;
        this.beta = beta;
        this.dim = gamma.size();
        Rules.requireShape(this, beta, dim);
        this.backend = gamma.backend();
    }

    /**
     * The tensors of the current batch, kept by reference.
     *
     * @param xhat the normalized input {@code (x - mean) / sqrt(var + eps)}, {@code [B, d]} or {@code [B, T, d]}
     * @param gy {@code dL_i/dy}, the same shape
     * @return this rule
     * @throws IllegalArgumentException for other shapes
     */
    public LayerNormRule inputs(Tensor xhat, Tensor gy) {
        Rules.requireActivation(this, "xhat", xhat, dim);
        Rules.requireActivation(this, "gy", gy, dim);
        Rules.requireSameRows(this, "xhat", xhat, "gy", gy);
        this.xhat = xhat;
        this.gy = gy;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    /** Unit u's squared norm: the sums over t run over the unit's {@code kT} rows. */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        Rules.requireInputs(this, xhat);
        int seq = Rules.unitRows(this, "sqNorms", sqNorms, xhat, rowsPerUnit);
        backend.layerNormNorms(sqNorms.size(), seq, dim, gy, xhat, sqNorms);
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float b) {
        Rules.requireInputs(this, xhat);
        int seq = Rules.unitRows(this, "factors", factors, xhat, rowsPerUnit);
        backend.layerNormParamGradScaled(xhat.shape().rows(), dim, seq, gy, xhat, factors, b, gamma.grad(),
                beta.grad());
    }

    /** "LayerNormRule(128)". */
    public String describe() {
        return "LayerNormRule(" + dim + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
