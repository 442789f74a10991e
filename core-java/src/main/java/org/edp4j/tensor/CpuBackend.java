package org.edp4j.tensor;

/**
 * The pure-Java backend: float32 on heap arrays, loops the JIT vectorizes, GEMM blocked and
 * spread over the cores, per-sample work split by sample across the common fork-join pool.
 * Scratch space is per thread and grows once, so a training step whose shapes do not change
 * allocates nothing.
 *
 * <p>This class only dispatches: {@link AbstractBackend} has checked the sizes, and each kernel
 * family lives in its own class, on arrays with offsets — {@link CpuGemm} (GEMM and the fused
 * clipped sum of a linear layer), {@link CpuNorms} (per-sample norms of linear layers and
 * biases), {@link CpuEmbedding}, {@link CpuLayerNorm}, {@link CpuPooling}, {@link CpuLosses},
 * {@link CpuAttention}, {@link CpuClipping} (clip factors, the bias clipped sum),
 * {@link CpuUpdates} (fused noise + optimizer) and {@link CpuElementwise}.
 *
 * <p>Stateless and thread-safe; use {@link #instance()}.
 */
public final class CpuBackend extends AbstractBackend {
    private static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {
    }

    public static CpuBackend instance() {
        return INSTANCE;
    }

    @Override
    public String name() {
        return "cpu";
    }

    // ---------------------------------------------------------------- memory

    /**
     * A tensor that is a view of the caller's array, with nothing copied: element {@code i} of
     * the tensor is {@code array[offset + i]}, so writes through the tensor (every operation that
     * modifies it) land in the array and writes to the array are seen by the next operation. The
     * array is not copied, pinned or retained beyond the tensor's life; the caller must not
     * resize it (Java arrays cannot be) and must not modify it while an operation on the view is
     * running on another thread. {@link Tensor#close()} does nothing to the array.
     *
     * <p>Every operation takes views, except {@link #attention} and {@link #attentionBackward},
     * whose kernels index their arrays from 0: there a view must have offset 0.
     *
     * @param array the caller's memory; not copied
     * @param offset where element 0 is, {@code >= 0}
     * @param dims the shape; {@code offset + size <= array.length}
     * @throws IllegalArgumentException for a negative offset or a shape that does not fit the array from the offset
     */
    public Tensor wrap(float[] array, int offset, int... dims) {
        Shape s = Shape.of(dims);
        checkRange(array.length, offset, s);
        return new CpuTensor(s, array, offset);
    }

    /**
     * An int tensor that is a view of the caller's array (token ids, labels), as
     * {@link #wrap(float[], int, int...)}.
     *
     * @throws IllegalArgumentException for a negative offset or a shape that does not fit the array from the offset
     */
    public IntTensor wrapInts(int[] array, int offset, int... dims) {
        Shape s = Shape.of(dims);
        checkRange(array.length, offset, s);
        return new CpuIntTensor(s, array, offset);
    }

    private static void checkRange(int length, int offset, Shape s) {
        if (offset < 0 || (long) offset + s.size() > length) {
            throw new IllegalArgumentException("a view of shape " + s + " (" + s.size() + " elements) at offset "
                    + offset + " does not fit an array of " + length + "; the offset must be >= 0 and offset + size "
                    + "<= the array's length");
        }
    }

    @Override
    protected Tensor implZeros(Shape shape) {
        return new CpuTensor(shape);
    }

    @Override
    protected Tensor implTensor(float[] values, Shape shape) {
        CpuTensor t = new CpuTensor(shape);
        System.arraycopy(values, 0, t.data, 0, values.length);
        return t;
    }

    @Override
    protected IntTensor implIntZeros(Shape shape) {
        return new CpuIntTensor(shape);
    }

    @Override
    protected IntTensor implIntTensor(int[] values, Shape shape) {
        CpuIntTensor t = new CpuIntTensor(shape);
        System.arraycopy(values, 0, t.data, 0, values.length);
        return t;
    }

    @Override
    protected void implFill(Tensor t, float value) {
        CpuElementwise.fill(d(t), o(t), t.size(), value);
    }

    @Override
    protected void implCopy(Tensor src, Tensor dst) {
        System.arraycopy(d(src), o(src), d(dst), o(dst), src.size());
    }

    // ---------------------------------------------------------------- dense linear algebra

    @Override
    protected void implGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                            float beta, Tensor c) {
        CpuGemm.gemm(transA, transB, m, n, k, alpha, d(a), o(a), d(b), o(b), beta, d(c), o(c), null, 0, 1);
    }

    @Override
    protected void implGemmScaledTN(int rows, int m, int n, int rowsPerSample, Tensor a, Tensor g, Tensor scale,
                                    float beta, Tensor c) {
        CpuGemm.gemm(true, false, m, n, rows, 1f, d(a), o(a), d(g), o(g), beta, d(c), o(c), d(scale), o(scale),
                rowsPerSample);
    }

    @Override
    protected void implColumnSumScaled(int rows, int cols, int rowsPerSample, Tensor g, Tensor scale, float beta,
                                       Tensor out) {
        CpuClipping.columnSumScaled(rows, cols, rowsPerSample, d(g), o(g), d(scale), o(scale), beta, d(out), o(out));
    }

    @Override
    protected void implAddRowVector(int rows, int cols, Tensor bias, Tensor x) {
        CpuElementwise.addRowVector(rows, cols, d(bias), o(bias), d(x), o(x));
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    protected void implActivation(Activation f, Tensor x, Tensor y) {
        CpuElementwise.activation(f, x.size(), d(x), o(x), d(y), o(y));
    }

    @Override
    protected void implActivationBackward(Activation f, Tensor x, Tensor y, Tensor gy, Tensor gx) {
        CpuElementwise.activationBackward(f, x.size(), d(x), o(x), d(y), o(y), d(gy), o(gy), d(gx), o(gx));
    }

    @Override
    protected void implAxpy(float alpha, Tensor x, Tensor y) {
        CpuElementwise.axpy(x.size(), alpha, d(x), o(x), d(y), o(y));
    }

    @Override
    protected void implScale(float alpha, Tensor x) {
        CpuElementwise.scale(x.size(), alpha, d(x), o(x));
    }

    @Override
    protected double implSum(Tensor x) {
        return CpuElementwise.sum(d(x), o(x), x.size());
    }

    @Override
    protected double implSumOfSquares(Tensor x) {
        return CpuElementwise.sumOfSquares(d(x), o(x), x.size());
    }

    @Override
    protected boolean implAllFinite(Tensor x) {
        return CpuElementwise.allFinite(d(x), o(x), x.size());
    }

    // ---------------------------------------------------------------- embedding, pooling, normalization

    @Override
    protected void implEmbeddingLookup(int n, int d, int vocab, Tensor table, IntTensor tokens, Tensor out) {
        CpuEmbedding.lookup(n, d, vocab, d(table), o(table), i(tokens), o(tokens), d(out), o(out));
    }

    @Override
    protected void implEmbeddingScatterAddScaled(int n, int d, int vocab, int rowsPerSample, IntTensor tokens,
                                                 Tensor g, Tensor scale, float beta, Tensor gradTable) {
        CpuEmbedding.scatterAddScaled(n, d, vocab, rowsPerSample, i(tokens), o(tokens), d(g), o(g), d(scale),
                o(scale), beta, d(gradTable), o(gradTable));
    }

    @Override
    protected void implEmbeddingBagMean(int batch, int seq, int d, int vocab, Tensor table, IntTensor tokens,
                                        Tensor mask, Tensor out) {
        CpuEmbedding.bagMean(batch, seq, d, vocab, d(table), o(table), i(tokens), o(tokens), d(mask), o(mask), d(out),
                o(out));
    }

    @Override
    protected void implEmbeddingBagScatterAddScaled(int batch, int seq, int d, int vocab, int rowsPerSample,
                                                    IntTensor tokens, Tensor mask, Tensor g, Tensor scale, float beta,
                                                    Tensor gradTable) {
        CpuEmbedding.bagScatterAddScaled(batch, seq, d, vocab, rowsPerSample, i(tokens), o(tokens), d(mask), o(mask),
                d(g), o(g), d(scale), o(scale), beta, d(gradTable), o(gradTable));
    }

    @Override
    protected void implMaskedMeanPool(int batch, int seq, int d, Tensor x, Tensor mask, Tensor out) {
        CpuPooling.maskedMeanPool(batch, seq, d, d(x), o(x), d(mask), o(mask), d(out), o(out));
    }

    @Override
    protected void implMaskedMeanPoolBackward(int batch, int seq, int d, Tensor gOut, Tensor mask, Tensor gx) {
        CpuPooling.maskedMeanPoolBackward(batch, seq, d, d(gOut), o(gOut), d(mask), o(mask), d(gx), o(gx));
    }

    @Override
    protected void implLayerNorm(int rows, int d, float eps, Tensor x, Tensor gamma, Tensor beta, Tensor y,
                                 Tensor xhat, Tensor rstd) {
        CpuLayerNorm.forward(rows, d, eps, d(x), o(x), d(gamma), o(gamma), d(beta), o(beta), d(y), o(y), d(xhat),
                o(xhat), d(rstd), o(rstd));
    }

    @Override
    protected void implLayerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd, Tensor gamma,
                                         Tensor gx) {
        CpuLayerNorm.backward(rows, d, d(gy), o(gy), d(xhat), o(xhat), d(rstd), o(rstd), d(gamma), o(gamma), d(gx),
                o(gx));
    }

    @Override
    protected void implLayerNormParamGradScaled(int rows, int d, int rowsPerSample, Tensor gy, Tensor xhat,
                                                Tensor scale, float beta, Tensor gGamma, Tensor gBeta) {
        CpuLayerNorm.paramGradScaled(rows, d, rowsPerSample, d(gy), o(gy), d(xhat), o(xhat), d(scale), o(scale), beta,
                d(gGamma), o(gGamma), d(gBeta), o(gBeta));
    }

    // ---------------------------------------------------------------- loss

    @Override
    protected void implSoftmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels, Tensor mask,
                                           Tensor loss, Tensor grad) {
        CpuLosses.softmaxCrossEntropy(batch, classes, d(logits), o(logits), i(labels), o(labels), d(mask), o(mask),
                d(loss), o(loss), d(grad), o(grad));
    }

    @Override
    protected void implBinaryCrossEntropy(int batch, int outputs, Tensor logits, Tensor targets, Tensor mask,
                                          Tensor loss, Tensor grad) {
        CpuLosses.binaryCrossEntropy(batch, outputs, d(logits), o(logits), d(targets), o(targets), d(mask), o(mask),
                d(loss), o(loss), d(grad), o(grad));
    }

    @Override
    protected void implMeanSquaredError(int batch, int outputs, Tensor predictions, Tensor targets, Tensor mask,
                                        Tensor loss, Tensor grad) {
        CpuLosses.meanSquaredError(batch, outputs, d(predictions), o(predictions), d(targets), o(targets), d(mask),
                o(mask), d(loss), o(loss), d(grad), o(grad));
    }

    // ---------------------------------------------------------------- attention

    @Override
    protected void implAttention(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor keyMask,
                                 Tensor probs, Tensor out) {
        CpuAttention.forward(batch, seq, heads, headDim, whole("qkv", qkv), whole("keyMask", keyMask),
                whole("probs", probs), whole("out", out));
    }

    @Override
    protected void implAttentionBackward(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor probs,
                                         Tensor gOut, Tensor scratch, Tensor gQkv) {
        CpuAttention.backward(batch, seq, heads, headDim, whole("qkv", qkv), whole("probs", probs),
                whole("gOut", gOut), whole("scratch", scratch), whole("gQkv", gQkv));
    }

    // ---------------------------------------------------------------- per-sample squared norms

    @Override
    protected void implLinearNormsRowwise(int batch, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        CpuNorms.linearRowwise(batch, d, p, d(a), o(a), d(g), o(g), bias, d(out), o(out));
    }

    @Override
    protected void implLinearNormsGhost(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias,
                                        Tensor out) {
        CpuNorms.linearGhost(batch, seq, d, p, d(a), o(a), d(g), o(g), bias, d(out), o(out));
    }

    @Override
    protected void implLinearNormsDirect(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias,
                                         Tensor out) {
        CpuNorms.linearDirect(batch, seq, d, p, d(a), o(a), d(g), o(g), bias, d(out), o(out));
    }

    @Override
    protected void implEmbeddingNorms(int batch, int seq, int d, IntTensor tokens, Tensor g, Tensor out) {
        CpuEmbedding.norms(batch, seq, d, i(tokens), o(tokens), d(g), o(g), d(out), o(out));
    }

    @Override
    protected void implEmbeddingBagNorms(int units, int rowsPerUnit, int seq, int d, IntTensor tokens, Tensor mask,
                                         Tensor g, Tensor out) {
        CpuEmbedding.bagNorms(units, rowsPerUnit, seq, d, i(tokens), o(tokens), d(mask), o(mask), d(g), o(g), d(out),
                o(out));
    }

    @Override
    protected void implLayerNormNorms(int batch, int seq, int d, Tensor gy, Tensor xhat, Tensor out) {
        CpuLayerNorm.norms(batch, seq, d, d(gy), o(gy), d(xhat), o(xhat), d(out), o(out));
    }

    @Override
    protected void implBiasNorms(int batch, int seq, int p, Tensor g, Tensor out) {
        CpuNorms.bias(batch, seq, p, d(g), o(g), d(out), o(out));
    }

    // ---------------------------------------------------------------- clipping

    @Override
    protected void implClipFactors(int batch, Tensor sqNorms, Tensor mask, float clipNorm, float stabilizer,
                                   boolean normalize, Tensor factors) {
        CpuClipping.factors(batch, d(sqNorms), o(sqNorms), d(mask), o(mask), clipNorm, stabilizer, normalize,
                d(factors), o(factors));
    }

    // ---------------------------------------------------------------- noise and fused updates

    @Override
    protected void implAddNoiseAndScale(Tensor x, UpdateNoise noise, float scale) {
        CpuUpdates.addNoiseAndScale(x.size(), d(x), o(x), noise, scale);
    }

    @Override
    protected void implSgdUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr,
                                 float momentum, float weightDecay, Tensor velocity) {
        CpuUpdates.sgd(param.size(), d(param), o(param), d(gradSum), o(gradSum), noise, gradScale, lr, momentum,
                weightDecay, velocity == null ? null : d(velocity), velocity == null ? 0 : o(velocity));
    }

    @Override
    protected void implAdamUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr,
                                  float beta1, float beta2, float eps, float weightDecay, long t, Tensor m, Tensor v) {
        CpuUpdates.adam(param.size(), d(param), o(param), d(gradSum), o(gradSum), noise, gradScale, lr, beta1, beta2,
                eps, weightDecay, t, d(m), o(m), d(v), o(v));
    }

    // ---------------------------------------------------------------- helpers

    /** The array behind a CPU tensor. */
    static float[] d(Tensor t) {
        if (t instanceof CpuTensor c) {
            return c.data;
        }
        throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name() + ", not cpu");
    }

    /** The array of a tensor that starts at its element 0 (the kernels that index from 0). */
    private static float[] whole(String name, Tensor t) {
        float[] a = d(t);
        if (o(t) != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' " + t.shape() + " is a view at offset " + o(t)
                    + "; the CPU attention kernels need tensors that start at element 0 of their array");
        }
        return a;
    }

    /** Where a CPU tensor starts in its array. */
    private static int o(Tensor t) {
        return ((CpuTensor) t).offset;
    }

    static int[] i(IntTensor t) {
        if (t instanceof CpuIntTensor c) {
            return c.data;
        }
        throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name() + ", not cpu");
    }

    private static int o(IntTensor t) {
        return ((CpuIntTensor) t).offset;
    }
}
