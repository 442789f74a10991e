package org.edp4j.tensor;

import java.util.List;

/**
 * The kernels a model needs, on one kind of hardware. Layers never touch tensor storage; they
 * call these operations, so a model moves between backends without changing a line.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>All tensors are row-major float32 (or int32 for {@link IntTensor}); matrix operations
 *       take their sizes explicitly, so a {@code [B,T,d]} activation is used as a
 *       {@code [B*T, d]} matrix without a view.
 *   <li>"Per-sample" vectors have one entry per batch row {@code i < B}; a matrix with
 *       {@code B*T} rows gives row {@code r} to sample {@code r / T} ({@code rowsPerSample = T}).
 *   <li>Operations that "accumulate" add into their output; others overwrite it.
 *   <li>{@code beta} arguments follow BLAS: {@code out = result + beta * out} (beta 0 ignores
 *       whatever {@code out} held, NaN included).
 *   <li>Every operation checks that tensor sizes match the sizes given and throws
 *       {@link IllegalArgumentException} naming the tensor and the expected size.
 *   <li>In the scaled (clipped-sum) operations a row whose scale is exactly 0 contributes
 *       nothing, even when its activations or gradients are NaN: such rows are skipped, not
 *       multiplied by 0 (this is how a padding row or a dropped non-finite example stays out).
 *   <li>Operations are asynchronous on device backends; reading a tensor back to the host
 *       ({@link Tensor#copyTo}) waits for them.
 * </ul>
 */
public interface Backend {

    /** A short name: "cpu", "cuda". */
    String name();

    /**
     * True when the fused updates draw their Gaussian noise themselves from
     * {@link UpdateNoise#key()} (a device backend); false when they read prefetched normals from
     * {@link UpdateNoise#normals()} (the CPU, which fills them off the critical path).
     */
    default boolean drawsNoise() {
        return false;
    }

    // ---------------------------------------------------------------- memory

    /** A new zero-filled float tensor. */
    Tensor zeros(int... dims);

    /** A new float tensor holding a copy of {@code values} (length must equal the shape's size). */
    Tensor tensor(float[] values, int... dims);

    /** A new zero-filled int tensor. */
    IntTensor intZeros(int... dims);

    /** A new int tensor holding a copy of {@code values}. */
    IntTensor intTensor(int[] values, int... dims);

    /** Sets every element of {@code t} to {@code value}. */
    void fill(Tensor t, float value);

    /** {@code dst = src} (same size). */
    void copy(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- dense linear algebra

    /**
     * {@code C = alpha * op(A) op(B) + beta * C} with {@code op(A)} of shape {@code [m,k]},
     * {@code op(B)} of shape {@code [k,n]}, {@code C} of shape {@code [m,n]}; {@code op(X)} is
     * {@code X} or its transpose. A is stored {@code [m,k]} (or {@code [k,m]} when transposed),
     * B {@code [k,n]} (or {@code [n,k]}). Modifies C only.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Tensor a, Tensor b, float beta, Tensor c);

    /**
     * The clipped sum of a linear layer's weight gradient:
     * {@code C = A^T diag(s) G + beta * C}, with A {@code [rows, m]}, G {@code [rows, n]},
     * C {@code [m, n]} and {@code s[r] = scale[r / rowsPerSample]}. {@code scale} has
     * {@code rows / rowsPerSample} entries. The row scaling is fused into the product.
     */
    void gemmScaledTN(int rows, int m, int n, int rowsPerSample,
                      Tensor a, Tensor g, Tensor scale, float beta, Tensor c);

    /**
     * The clipped sum of a bias gradient: {@code out[j] = sum_r s[r] g[r,j] + beta * out[j]},
     * {@code s[r] = scale[r / rowsPerSample]}.
     */
    void columnSumScaled(int rows, int cols, int rowsPerSample, Tensor g, Tensor scale, float beta, Tensor out);

    /** {@code x[r, j] += bias[j]} for every row r. */
    void addRowVector(int rows, int cols, Tensor bias, Tensor x);

    // ---------------------------------------------------------------- elementwise

    /** {@code y = f(x)}. */
    void activation(Activation f, Tensor x, Tensor y);

    /** {@code gx = f'(x) * gy}, given {@code y = f(x)} from the forward pass. */
    void activationBackward(Activation f, Tensor x, Tensor y, Tensor gy, Tensor gx);

    /** {@code y = alpha * x + y} over all elements. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** {@code x = alpha * x}. */
    void scale(float alpha, Tensor x);

    /** Sum of all elements, accumulated in double. Waits for pending work. */
    double sum(Tensor x);

    /**
     * {@code sum_i x_i^2}: squares in float, summed in double (the per-sample norm kernels' own
     * rule). Waits for pending work. Not modified: x.
     */
    double sumOfSquares(Tensor x);

    /** True when every element is finite. Waits for pending work. */
    boolean allFinite(Tensor x);

    /**
     * True when every element of every tensor is finite. Waits for pending work (a device backend
     * checks all of them with one synchronization). Not modified: the tensors.
     */
    default boolean allFinite(List<Tensor> xs) {
        for (Tensor x : xs) {
            if (!allFinite(x)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- embedding, pooling, normalization

    /** {@code out[r, :] = table[tokens[r], :]} for {@code r < n}; ids must be in {@code [0, vocab)}. */
    void embeddingLookup(int n, int d, Tensor table, IntTensor tokens, Tensor out);

    /**
     * Clipped sum of an embedding gradient (scatter-add with factors):
     * {@code gradTable = beta * gradTable; gradTable[tokens[r], :] += scale[r / rowsPerSample] * g[r, :]}.
     */
    void embeddingScatterAddScaled(int n, int d, int rowsPerSample, IntTensor tokens, Tensor g,
                                   Tensor scale, float beta, Tensor gradTable);

    /**
     * Masked mean over the sequence: {@code out[b, :] = sum_t mask[b,t] x[b,t,:] / max(1, sum_t mask[b,t])}.
     */
    void maskedMeanPool(int batch, int seq, int d, Tensor x, Tensor mask, Tensor out);

    /** Backward of {@link #maskedMeanPool}: {@code gx[b,t,:] = mask[b,t] gOut[b,:] / max(1, sum_t mask[b,t])}. */
    void maskedMeanPoolBackward(int batch, int seq, int d, Tensor gOut, Tensor mask, Tensor gx);

    /**
     * LayerNorm over the last dimension: {@code xhat = (x - mean) * rstd},
     * {@code y = gamma * xhat + beta}; stores {@code xhat} {@code [rows, d]} and {@code rstd} {@code [rows]}.
     */
    void layerNorm(int rows, int d, float eps, Tensor x, Tensor gamma, Tensor beta,
                   Tensor y, Tensor xhat, Tensor rstd);

    /** Input gradient of LayerNorm: {@code gx = rstd * (gamma gy - mean(gamma gy) - xhat mean(gamma gy xhat))}. */
    void layerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd, Tensor gamma, Tensor gx);

    /**
     * Clipped sums of LayerNorm's parameters:
     * {@code gGamma = sum_r s_r gy[r] * xhat[r] + beta * gGamma}, {@code gBeta = sum_r s_r gy[r] + beta * gBeta}.
     */
    void layerNormParamGradScaled(int rows, int d, int rowsPerSample, Tensor gy, Tensor xhat, Tensor scale,
                                  float beta, Tensor gGamma, Tensor gBeta);

    /**
     * Softmax cross-entropy summed per sample, fused with its gradient:
     * {@code loss[b] = mask[b] * (logsumexp(logits[b]) - logits[b, labels[b]])},
     * {@code grad[b] = mask[b] * (softmax(logits[b]) - onehot(labels[b]))}. Labels must be in
     * {@code [0, classes)} for rows with a non-zero mask.
     */
    void softmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels, Tensor mask,
                             Tensor loss, Tensor grad);

    // ---------------------------------------------------------------- attention

    /**
     * Multi-head scaled dot-product self-attention with a key padding mask. With
     * {@code d = heads * headDim}, row {@code (b, t)} of {@code qkv} {@code [B, T, 3d]} holds the
     * query in columns {@code [0, d)}, the key in {@code [d, 2d)} and the value in
     * {@code [2d, 3d)}; head {@code h} uses columns {@code h*headDim .. (h+1)*headDim - 1} of each.
     * <pre>
     * probs[b,h,t,s] = softmax over s of (q_bth . k_bsh / sqrt(headDim)), keys with keyMask[b,s] == 0 excluded (probability 0)
     * out[b,t,h*headDim + j] = sum_s probs[b,h,t,s] v[b,s,h*headDim + j]
     * </pre>
     * A sample with no unmasked key gets all-zero probabilities and output (never NaN). Query
     * rows at padded positions are computed like any other. Overwrites {@code probs}
     * {@code [B, H, T, T]} (kept for the backward) and {@code out} {@code [B, T, d]}.
     */
    void attention(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor keyMask, Tensor probs,
                   Tensor out);

    /**
     * Backward of {@link #attention}: overwrites {@code gQkv} {@code [B, T, 3d]} with
     * {@code dL/d qkv} given {@code gOut = dL/d out}, the forward's {@code qkv} and {@code probs}.
     * {@code scratch} {@code [B, H, T, T]} is overwritten (it holds {@code dL/d probs}).
     */
    void attentionBackward(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor probs, Tensor gOut,
                           Tensor scratch, Tensor gQkv);

    // ---------------------------------------------------------------- per-sample squared gradient norms (accumulate)
    // Each adds a value >= 0 per sample: a sum whose float cancellation went below 0 is clamped
    // at 0 (NaN and infinity pass through, for the optimizer's non-finite check).

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
     * norm below 0 (float cancellation) counts as 0; a NaN one gives a NaN factor.
     */
    void clipFactors(int batch, Tensor sqNorms, Tensor mask, float clipNorm, float stabilizer, boolean normalize,
                     Tensor factors);

    // ---------------------------------------------------------------- fused noise + optimizer update

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
     * Computed in double and rounded to float once.
     */
    void adamUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr, float beta1,
                    float beta2, float eps, float weightDecay, long t, Tensor m, Tensor v);
}
