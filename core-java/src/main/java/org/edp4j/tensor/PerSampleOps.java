package org.edp4j.tensor;

/**
 * The operations of book-keeping DP-SGD, on top of the {@link TensorOps} of the forward and
 * backward passes: per-sample squared gradient norms of each layer kind (never materializing the
 * per-sample gradients), clip factors, clipped sums, and the noise and fused optimizer updates.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>"Per-sample" vectors have one entry per batch row {@code i < B}; a matrix with
 *       {@code B*T} rows gives row {@code r} to sample {@code r / T} ({@code rowsPerSample = T},
 *       &gt; 0 and dividing the row count).
 *   <li>The norm operations accumulate ({@code out[i] += ...}) a value {@code >= 0} per sample: a
 *       sum whose float cancellation went below 0 is clamped at 0; NaN and infinity pass through,
 *       for the private step's non-finite check.
 *   <li>In the scaled (clipped-sum) operations a row whose scale is exactly 0 contributes
 *       nothing, even when its activations or gradients are NaN: such rows are skipped, not
 *       multiplied by 0 (this is how a padding row or a dropped non-finite example stays out).
 *   <li>Sizes are checked as in {@link TensorOps} ({@link IllegalArgumentException} naming the
 *       tensor and the expected size).
 * </ul>
 */
public interface PerSampleOps {

    // ---------------------------------------------------------------- clipped sums

    /**
     * The clipped sum of a linear layer's weight gradient:
     * {@code C = A^T diag(s) G + beta * C}, with A {@code [rows, m]}, G {@code [rows, n]},
     * C {@code [m, n]} and {@code s[r] = scale[r / rowsPerSample]}. {@code scale} has
     * {@code rows / rowsPerSample} entries. The row scaling is fused into the product. Modifies C only.
     */
    void gemmScaledTN(int rows, int m, int n, int rowsPerSample,
                      Tensor a, Tensor g, Tensor scale, float beta, Tensor c);

    /**
     * The clipped sum of a bias gradient: {@code out[j] = sum_r s[r] g[r,j] + beta * out[j]},
     * {@code s[r] = scale[r / rowsPerSample]}. Modifies out only.
     */
    void columnSumScaled(int rows, int cols, int rowsPerSample, Tensor g, Tensor scale, float beta, Tensor out);

    /**
     * Clipped sum of an embedding gradient (scatter-add with factors):
     * {@code gradTable = beta * gradTable; gradTable[tokens[r], :] += scale[r / rowsPerSample] * g[r, :]}
     * for {@code r < n}; the table is {@code [vocab, d]}. Rows with scale 0 are skipped (their id
     * is not read). Modifies gradTable only.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocab)} on a row with a
     *     non-zero scale (a device backend reports it at its next synchronization)
     */
    void embeddingScatterAddScaled(int n, int d, int rowsPerSample, IntTensor tokens, Tensor g,
                                   Tensor scale, float beta, Tensor gradTable);

    /**
     * Clipped sum of an embedding bag ({@link TensorOps#embeddingBagMean}) from the gradient
     * {@code g} {@code [batch, d]} of its output: {@code gradTable = beta * gradTable;
     * gradTable[tokens[b,t], :] += scale[b / rowsPerSample] * (w_bt * g[b, :])} with
     * {@code w_bt = mask[b,t] / max(1, sum_t mask[b,t])}, over the positions with {@code w_bt != 0}
     * of the samples with a non-zero scale (the other ids are not read). The
     * {@code [batch, seq, d]} gradient of the looked-up rows is never formed. Modifies gradTable only.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocab)} at a position it adds
     *     (a device backend reports it at its next synchronization)
     */
    void embeddingBagScatterAddScaled(int batch, int seq, int d, int rowsPerSample, IntTensor tokens, Tensor mask,
                                      Tensor g, Tensor scale, float beta, Tensor gradTable);

    /**
     * Clipped sums of LayerNorm's parameters:
     * {@code gGamma = sum_r s_r gy[r] * xhat[r] + beta * gGamma}, {@code gBeta = sum_r s_r gy[r] + beta * gBeta}.
     * Modifies gGamma and gBeta only.
     */
    void layerNormParamGradScaled(int rows, int d, int rowsPerSample, Tensor gy, Tensor xhat, Tensor scale,
                                  float beta, Tensor gGamma, Tensor gBeta);

    // ---------------------------------------------------------------- per-sample squared gradient norms (accumulate)

    /**
     * Linear layer on {@code [B, d]} (one row per sample):
     * {@code out[i] += ||a_i||^2 ||g_i||^2} (+ {@code ||g_i||^2} with a bias).
     */
    void linearNormsRowwise(int batch, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out);

    /**
     * Linear layer on {@code [B, T, d]}, ghost norm:
     * {@code out[i] += sum_{t,s} (a_it . a_is)(g_it . g_is)} (+ {@code ||sum_t g_it||^2} with a bias).
     * Cost {@code ~ B T^2 (d + p)}.
     */
    void linearNormsGhost(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out);

    /**
     * Linear layer on {@code [B, T, d]}, direct: forms each per-sample gradient {@code A_i^T G_i}
     * in a scratch buffer and adds its squared Frobenius norm (+ the bias term). Cost {@code ~ B T d p}.
     */
    void linearNormsDirect(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out);

    /**
     * Embedding ghost norm with the token-equality mask:
     * {@code out[i] += sum_{t,s: tok_it = tok_is} g_it . g_is}.
     */
    void embeddingNorms(int batch, int seq, int d, IntTensor tokens, Tensor g, Tensor out);

    /**
     * Embedding bag ({@link TensorOps#embeddingBagMean}), per unit of {@code rowsPerUnit}
     * consecutive samples: {@code out[u] += sum_v ||sum_{b in u, t: tokens[b,t] = v} w_bt g[b, :]||^2}
     * with {@code w_bt = mask[b,t] / max(1, sum_t mask[b,t])}; {@code g} is {@code [units * rowsPerUnit, d]}.
     * One sample per unit costs {@code O(seq + d)} a sample ({@code ||g_b||^2 sum_v (sum_t w_bt)^2}).
     */
    void embeddingBagNorms(int units, int rowsPerUnit, int seq, int d, IntTensor tokens, Tensor mask, Tensor g,
                           Tensor out);

    /**
     * LayerNorm's parameters, direct:
     * {@code out[i] += ||sum_t gy_it * xhat_it||^2 + ||sum_t gy_it||^2}.
     */
    void layerNormNorms(int batch, int seq, int d, Tensor gy, Tensor xhat, Tensor out);

    /** Bias alone on {@code [B, T, p]}: {@code out[i] += ||sum_t g_it||^2}. */
    void biasNorms(int batch, int seq, int p, Tensor g, Tensor out);

    // ---------------------------------------------------------------- clipping

    /**
     * Clip factors from squared per-sample norms, masked rows 0:
     * {@code factor[i] = mask[i] * C / (sqrt(max(0, sqNorm[i])) + stabilizer)}, capped at 1 unless
     * {@code normalize} (automatic clipping: {@code C / (||g_i|| + gamma)} uncapped). A squared
     * norm below 0 (float cancellation) counts as 0; a NaN one gives a NaN factor. Rows with mask
     * 0 get factor 0 whatever their norm. Modifies factors only.
     *
     * @param clipNorm C, &gt; 0 and finite
     * @param stabilizer &gt;= 0 and finite
     */
    void clipFactors(int batch, Tensor sqNorms, Tensor mask, float clipNorm, float stabilizer, boolean normalize,
                     Tensor factors);

    // ---------------------------------------------------------------- noise and fused optimizer updates

    /**
     * Noise and scale, element by element: {@code x = (x + noise) * scale}, where element j gets
     * {@code noise.stddev() * z_j} (see {@link UpdateNoise}). Computed in double (the noise added
     * before any rounding) and rounded to float once. The private step's "noise" stage (scale 1)
     * and the gradient it hands back to a caller's own optimizer. Modifies x.
     */
    void addNoiseAndScale(Tensor x, UpdateNoise noise, float scale);

    /**
     * Fused noise, scale and SGD with momentum, element by element:
     * {@code g = (gradSum + noise) * gradScale + weightDecay * param};
     * {@code v = momentum * v + g}; {@code param -= lr * v}. {@code velocity} may be null when
     * {@code momentum == 0}. Computed in double (noise added before any rounding) and rounded to
     * float once. Modifies param and velocity; not gradSum.
     */
    void sgdUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr, float momentum,
                   float weightDecay, Tensor velocity);

    /**
     * Fused noise, scale and Adam (bias-corrected, decoupled weight decay as AdamW when
     * {@code weightDecay > 0}): {@code g = (gradSum + noise) * gradScale};
     * {@code m = b1 m + (1-b1) g}; {@code v = b2 v + (1-b2) g^2};
     * {@code param -= lr (mhat / (sqrt(vhat) + eps) + weightDecay param)} with step count {@code t >= 1}.
     * Computed in double and rounded to float once. Modifies param, m and v.
     */
    void adamUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr, float beta1,
                    float beta2, float eps, float weightDecay, long t, Tensor m, Tensor v);
}
