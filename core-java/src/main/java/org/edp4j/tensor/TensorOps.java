package org.edp4j.tensor;

import java.util.List;

/**
 * The tensor operations a model's forward and backward passes need: memory, GEMM, elementwise
 * functions, reductions, gather, pooling, normalization, losses and attention. The operations of
 * book-keeping DP-SGD (per-sample norms, clipped sums, noise, updates) are in {@link PerSampleOps};
 * a {@link Backend} has both.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>All tensors are row-major float32 (or int32 for {@link IntTensor}); matrix operations
 *       take their sizes explicitly, so a {@code [B,T,d]} activation is used as a
 *       {@code [B*T, d]} matrix without a view. Sizes are {@code >= 0}.
 *   <li>Operations that "accumulate" add into their output; others overwrite it.
 *   <li>{@code beta} arguments follow BLAS: {@code out = result + beta * out} (beta 0 ignores
 *       whatever {@code out} held, NaN included).
 *   <li>Every operation checks that tensor sizes match the sizes given and throws
 *       {@link IllegalArgumentException} naming the tensor and the expected size (the checks live
 *       once, in {@link AbstractBackend}).
 *   <li>Operations are asynchronous on device backends; reading a tensor back to the host
 *       ({@link Tensor#copyTo}) waits for them.
 * </ul>
 */
public interface TensorOps {

    // ---------------------------------------------------------------- memory

    /** A new zero-filled float tensor. */
    Tensor zeros(int... dims);

    /**
     * A new float tensor holding a copy of {@code values}.
     *
     * @throws IllegalArgumentException unless {@code values.length} equals the shape's size
     */
    Tensor tensor(float[] values, int... dims);

    /** A new zero-filled int tensor. */
    IntTensor intZeros(int... dims);

    /**
     * A new int tensor holding a copy of {@code values}.
     *
     * @throws IllegalArgumentException unless {@code values.length} equals the shape's size
     */
    IntTensor intTensor(int[] values, int... dims);

    /** Sets every element of {@code t} to {@code value}. Modifies t. */
    void fill(Tensor t, float value);

    /** {@code dst = src} (same size). Modifies dst only. */
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

    /** {@code x[r, j] += bias[j]} for every row r. Modifies x only. */
    void addRowVector(int rows, int cols, Tensor bias, Tensor x);

    // ---------------------------------------------------------------- elementwise

    /** {@code y = f(x)}. Modifies y only. */
    void activation(Activation f, Tensor x, Tensor y);

    /** {@code gx = f'(x) * gy}, given {@code y = f(x)} from the forward pass. Modifies gx only. */
    void activationBackward(Activation f, Tensor x, Tensor y, Tensor gy, Tensor gx);

    /** {@code y = alpha * x + y} over all elements. Modifies y only. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** {@code x = alpha * x}. Modifies x. */
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
    boolean allFinite(List<Tensor> xs);

    // ---------------------------------------------------------------- embedding, pooling, normalization

    /**
     * {@code out[r, :] = table[tokens[r], :]} for {@code r < n}; the table is {@code [vocab, d]}.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocab)} (a device backend
     *     reports it at its next synchronization and leaves the row unwritten)
     */
    void embeddingLookup(int n, int d, Tensor table, IntTensor tokens, Tensor out);

    /**
     * Masked mean over the sequence: {@code out[b, :] = sum_t mask[b,t] x[b,t,:] / max(1, sum_t mask[b,t])}.
     */
    void maskedMeanPool(int batch, int seq, int d, Tensor x, Tensor mask, Tensor out);

    /** Backward of {@link #maskedMeanPool}: {@code gx[b,t,:] = mask[b,t] gOut[b,:] / max(1, sum_t mask[b,t])}. */
    void maskedMeanPoolBackward(int batch, int seq, int d, Tensor gOut, Tensor mask, Tensor gx);

    /**
     * Embedding bag: {@link #maskedMeanPool} of {@link #embeddingLookup}, without their
     * {@code [batch, seq, d]} rows: {@code out[b, :] = sum_t mask[b,t] table[tokens[b,t], :] /
     * max(1, sum_t mask[b,t])}, the table {@code [vocab, d]}, tokens and mask {@code [batch, seq]}.
     * Modifies out only.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocab)}, padding's included
     *     (a device backend reports it at its next synchronization)
     */
    void embeddingBagMean(int batch, int seq, int d, Tensor table, IntTensor tokens, Tensor mask, Tensor out);

    /**
     * LayerNorm over the last dimension: {@code xhat = (x - mean) * rstd},
     * {@code y = gamma * xhat + beta}; stores {@code xhat} {@code [rows, d]} and {@code rstd} {@code [rows]}.
     */
    void layerNorm(int rows, int d, float eps, Tensor x, Tensor gamma, Tensor beta,
                   Tensor y, Tensor xhat, Tensor rstd);

    /** Input gradient of LayerNorm: {@code gx = rstd * (gamma gy - mean(gamma gy) - xhat mean(gamma gy xhat))}. */
    void layerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd, Tensor gamma, Tensor gx);

    // ---------------------------------------------------------------- losses (summed per sample, never averaged over the batch)

    /**
     * Softmax cross-entropy summed per sample, fused with its gradient:
     * {@code loss[b] = mask[b] * (logsumexp(logits[b]) - logits[b, labels[b]])},
     * {@code grad[b] = mask[b] * (softmax(logits[b]) - onehot(labels[b]))}. Rows whose mask is 0
     * get loss 0 and gradient 0 (their label is not read). Overwrites loss {@code [batch]} and
     * grad {@code [batch, classes]}.
     *
     * @throws IllegalArgumentException for a label outside {@code [0, classes)} on a row with a
     *     non-zero mask (a device backend reports it at its next synchronization)
     */
    void softmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels, Tensor mask,
                             Tensor loss, Tensor grad);

    /**
     * Binary cross-entropy on logits (sigmoid fused in), summed over the {@code outputs} of each
     * sample: {@code loss[b] = mask[b] * sum_j (max(z,0) - z t + log(1 + exp(-|z|)))} with
     * {@code z = logits[b,j]}, {@code t = targets[b,j]}, and
     * {@code grad[b,j] = mask[b] * (sigmoid(z) - t)}. Targets are probabilities in {@code [0, 1]}
     * (not checked: other values give the same formulas). Rows whose mask is 0 get loss 0 and
     * gradient 0. Overwrites loss {@code [batch]} and grad {@code [batch, outputs]}.
     */
    void binaryCrossEntropy(int batch, int outputs, Tensor logits, Tensor targets, Tensor mask, Tensor loss,
                            Tensor grad);

    /**
     * Mean squared error of each sample over its {@code outputs}:
     * {@code loss[b] = mask[b] * sum_j (y[b,j] - t[b,j])^2 / outputs},
     * {@code grad[b,j] = mask[b] * 2 (y[b,j] - t[b,j]) / outputs} (PyTorch's {@code mse_loss} of
     * one sample; the mean is over the outputs, never over the batch). Rows whose mask is 0 get
     * loss 0 and gradient 0. Overwrites loss {@code [batch]} and grad {@code [batch, outputs]}.
     */
    void meanSquaredError(int batch, int outputs, Tensor predictions, Tensor targets, Tensor mask, Tensor loss,
                          Tensor grad);

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
     * {@code [B, H, T, T]} (kept for the backward) and {@code out} {@code [B, T, d]}. Sizes:
     * batch &gt;= 0; seq, heads, headDim &gt; 0.
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
}
