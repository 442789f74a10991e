package org.edp4j.dp;

/**
 * How per-sample gradients are bounded before they are summed. Each mode bounds the L2
 * sensitivity of the clipped sum {@code sum_i c_i grad_i} to one example by {@code C}, the value
 * the noise {@code N(0, (sigma C)^2)} is calibrated to.
 */
public enum ClippingMode {
    /**
     * All layers together: {@code c_i = min(1, C / (||g_i|| + 1e-6))} with {@code ||g_i||} the
     * norm over every parameter. Sensitivity {@code C}.
     */
    FLAT,
    /**
     * Each of the L trainable layers on its own with bound {@code C_l = C / sqrt(L)}:
     * {@code c_il = min(1, C_l / (||g_il|| + 1e-6))}. The clipped per-sample gradient has norm at
     * most {@code sqrt(sum_l C_l^2) = C}, so the sensitivity is {@code C}.
     */
    PER_LAYER,
    /**
     * Automatic clipping (normalization; Bu et al. 2022): {@code c_i = C / (||g_i|| + gamma)},
     * never capped. {@code ||c_i g_i|| = C ||g_i|| / (||g_i|| + gamma) < C}: sensitivity {@code C}.
     */
    AUTOMATIC,
    /**
     * Flat clipping whose bound follows a target quantile of the per-sample norms (Andrew et al.
     * 2021): after each step {@code C <- C exp(-eta (b~ - gamma))} where {@code b~} is the noisy
     * fraction of samples with {@code ||g_i|| <= C}. Sensitivity {@code C} of that step; the
     * count's own noise is accounted by splitting the step's noise multiplier (see
     * {@link Clipping#gradientNoiseMultiplier}).
     */
    ADAPTIVE
}
