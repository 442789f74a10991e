package org.edp4j.tensor;

import java.util.List;

/**
 * The one validating base of every {@link Backend}: each public operation checks its sizes here,
 * with the same message on every backend, and then calls the backend's kernel ({@code implXxx}),
 * which may assume the sizes are consistent. A backend cannot skip a check, and no check is
 * written twice.
 *
 * <p>What is checked: size arguments {@code >= 0}; each tensor has exactly the number of elements
 * the sizes imply ({@link IllegalArgumentException} "tensor 'A' [3, 4] has 12 elements, expected
 * 15"); {@code rowsPerSample > 0} and dividing the row count; the few scalar ranges the
 * operations document. What is not: the values (token ids, labels, noise buffers), which the
 * kernels check where they read them, and which backend a tensor belongs to (the kernel's
 * accessor refuses a foreign tensor).
 */
public abstract class AbstractBackend implements Backend {

    protected AbstractBackend() {
    }

    // ---------------------------------------------------------------- memory

    @Override
    public final Tensor zeros(int... dims) {
        return implZeros(Shape.of(dims));
    }

    @Override
    public final Tensor tensor(float[] values, int... dims) {
        Shape s = Shape.of(dims);
        if (values.length != s.size()) {
            throw new IllegalArgumentException("values has " + values.length + " elements, shape " + s + " needs "
                    + s.size());
        }
        return implTensor(values, s);
    }

    @Override
    public final IntTensor intZeros(int... dims) {
        return implIntZeros(Shape.of(dims));
    }

    @Override
    public final IntTensor intTensor(int[] values, int... dims) {
        Shape s = Shape.of(dims);
        if (values.length != s.size()) {
            throw new IllegalArgumentException("values has " + values.length + " elements, shape " + s + " needs "
                    + s.size());
        }
        return implIntTensor(values, s);
    }

    @Override
    public final void fill(Tensor t, float value) {
        implFill(t, value);
    }

    @Override
    public final void copy(Tensor src, Tensor dst) {
        if (src.size() != dst.size()) {
            throw new IllegalArgumentException("copy: source " + src.shape() + " and destination " + dst.shape()
                    + " differ in size");
        }
        implCopy(src, dst);
    }

    protected abstract Tensor implZeros(Shape shape);

    /** A tensor holding a copy of {@code values}, whose length is the shape's size. */
    protected abstract Tensor implTensor(float[] values, Shape shape);

    protected abstract IntTensor implIntZeros(Shape shape);

    protected abstract IntTensor implIntTensor(int[] values, Shape shape);

    protected abstract void implFill(Tensor t, float value);

    protected abstract void implCopy(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- dense linear algebra

    @Override
    public final void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                           float beta, Tensor c) {
        sizes("gemm", "m", m, "n", n, "k", k);
        check("A", a, (long) m * k);
        check("B", b, (long) k * n);
        check("C", c, (long) m * n);
        implGemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    @Override
    public final void gemmScaledTN(int rows, int m, int n, int rowsPerSample, Tensor a, Tensor g, Tensor scale,
                                   float beta, Tensor c) {
        sizes("gemmScaledTN", "rows", rows, "m", m, "n", n);
        check("A", a, (long) rows * m);
        check("G", g, (long) rows * n);
        check("C", c, (long) m * n);
        checkScale(rows, rowsPerSample, scale);
        implGemmScaledTN(rows, m, n, rowsPerSample, a, g, scale, beta, c);
    }

    @Override
    public final void columnSumScaled(int rows, int cols, int rowsPerSample, Tensor g, Tensor scale, float beta,
                                      Tensor out) {
        sizes("columnSumScaled", "rows", rows, "cols", cols);
        check("g", g, (long) rows * cols);
        check("out", out, cols);
        checkScale(rows, rowsPerSample, scale);
        implColumnSumScaled(rows, cols, rowsPerSample, g, scale, beta, out);
    }

    @Override
    public final void addRowVector(int rows, int cols, Tensor bias, Tensor x) {
        sizes("addRowVector", "rows", rows, "cols", cols);
        check("bias", bias, cols);
        check("x", x, (long) rows * cols);
        implAddRowVector(rows, cols, bias, x);
    }

    protected abstract void implGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a,
                                     Tensor b, float beta, Tensor c);

    protected abstract void implGemmScaledTN(int rows, int m, int n, int rowsPerSample, Tensor a, Tensor g,
                                             Tensor scale, float beta, Tensor c);

    protected abstract void implColumnSumScaled(int rows, int cols, int rowsPerSample, Tensor g, Tensor scale,
                                                float beta, Tensor out);

    protected abstract void implAddRowVector(int rows, int cols, Tensor bias, Tensor x);

    // ---------------------------------------------------------------- elementwise

    @Override
    public final void activation(Activation f, Tensor x, Tensor y) {
        sameSize("x", x, "y", y);
        implActivation(f, x, y);
    }

    @Override
    public final void activationBackward(Activation f, Tensor x, Tensor y, Tensor gy, Tensor gx) {
        sameSize("x", x, "y", y);
        sameSize("x", x, "gy", gy);
        sameSize("x", x, "gx", gx);
        implActivationBackward(f, x, y, gy, gx);
    }

    @Override
    public final void axpy(float alpha, Tensor x, Tensor y) {
        sameSize("x", x, "y", y);
        implAxpy(alpha, x, y);
    }

    @Override
    public final void scale(float alpha, Tensor x) {
        implScale(alpha, x);
    }

    @Override
    public final double sum(Tensor x) {
        return implSum(x);
    }

    @Override
    public final double sumOfSquares(Tensor x) {
        return implSumOfSquares(x);
    }

    @Override
    public final boolean allFinite(Tensor x) {
        return implAllFinite(x);
    }

    @Override
    public final boolean allFinite(List<Tensor> xs) {
        return implAllFinite(xs);
    }

    protected abstract void implActivation(Activation f, Tensor x, Tensor y);

    protected abstract void implActivationBackward(Activation f, Tensor x, Tensor y, Tensor gy, Tensor gx);

    protected abstract void implAxpy(float alpha, Tensor x, Tensor y);

    protected abstract void implScale(float alpha, Tensor x);

    protected abstract double implSum(Tensor x);

    protected abstract double implSumOfSquares(Tensor x);

    protected abstract boolean implAllFinite(Tensor x);

    /** Every tensor's {@link #implAllFinite(Tensor)}; a device backend checks all with one synchronization. */
    protected boolean implAllFinite(List<Tensor> xs) {
        for (Tensor x : xs) {
            if (!implAllFinite(x)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- embedding, pooling, normalization

    @Override
    public final void embeddingLookup(int n, int d, Tensor table, IntTensor tokens, Tensor out) {
        sizes("embeddingLookup", "n", n, "d", d);
        check("tokens", tokens, n);
        check("out", out, (long) n * d);
        implEmbeddingLookup(n, d, vocab("table", table, d), table, tokens, out);
    }

    @Override
    public final void embeddingScatterAddScaled(int n, int d, int rowsPerSample, IntTensor tokens, Tensor g,
                                                Tensor scale, float beta, Tensor gradTable) {
        sizes("embeddingScatterAddScaled", "n", n, "d", d);
        check("tokens", tokens, n);
        check("g", g, (long) n * d);
        checkScale(n, rowsPerSample, scale);
        implEmbeddingScatterAddScaled(n, d, vocab("gradTable", gradTable, d), rowsPerSample, tokens, g, scale, beta,
                gradTable);
    }

    @Override
    public final void maskedMeanPool(int batch, int seq, int d, Tensor x, Tensor mask, Tensor out) {
        sizes("maskedMeanPool", "batch", batch, "seq", seq, "d", d);
        check("x", x, (long) batch * seq * d);
        check("mask", mask, (long) batch * seq);
        check("out", out, (long) batch * d);
        implMaskedMeanPool(batch, seq, d, x, mask, out);
    }

    @Override
    public final void maskedMeanPoolBackward(int batch, int seq, int d, Tensor gOut, Tensor mask, Tensor gx) {
        sizes("maskedMeanPoolBackward", "batch", batch, "seq", seq, "d", d);
        check("gOut", gOut, (long) batch * d);
        check("mask", mask, (long) batch * seq);
        check("gx", gx, (long) batch * seq * d);
        implMaskedMeanPoolBackward(batch, seq, d, gOut, mask, gx);
    }

    @Override
    public final void embeddingBagMean(int batch, int seq, int d, Tensor table, IntTensor tokens, Tensor mask,
                                       Tensor out) {
        sizes("embeddingBagMean", "batch", batch, "seq", seq, "d", d);
        check("tokens", tokens, (long) batch * seq);
        check("mask", mask, (long) batch * seq);
        check("out", out, (long) batch * d);
        implEmbeddingBagMean(batch, seq, d, vocab("table", table, d), table, tokens, mask, out);
    }

    @Override
    public final void embeddingBagScatterAddScaled(int batch, int seq, int d, int rowsPerSample, IntTensor tokens,
                                                   Tensor mask, Tensor g, Tensor scale, float beta,
                                                   Tensor gradTable) {
        sizes("embeddingBagScatterAddScaled", "batch", batch, "seq", seq, "d", d);
        check("tokens", tokens, (long) batch * seq);
        check("mask", mask, (long) batch * seq);
        check("g", g, (long) batch * d);
        checkScale(batch, rowsPerSample, scale);
        implEmbeddingBagScatterAddScaled(batch, seq, d, vocab("gradTable", gradTable, d), rowsPerSample, tokens,
                mask, g, scale, beta, gradTable);
    }

    @Override
    public final void layerNorm(int rows, int d, float eps, Tensor x, Tensor gamma, Tensor beta, Tensor y,
                                Tensor xhat, Tensor rstd) {
        sizes("layerNorm", "rows", rows, "d", d);
        check("x", x, (long) rows * d);
        check("gamma", gamma, d);
        check("beta", beta, d);
        check("y", y, (long) rows * d);
        check("xhat", xhat, (long) rows * d);
        check("rstd", rstd, rows);
        implLayerNorm(rows, d, eps, x, gamma, beta, y, xhat, rstd);
    }

    @Override
    public final void layerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd, Tensor gamma,
                                        Tensor gx) {
        sizes("layerNormBackward", "rows", rows, "d", d);
        check("gy", gy, (long) rows * d);
        check("xhat", xhat, (long) rows * d);
        check("rstd", rstd, rows);
        check("gamma", gamma, d);
        check("gx", gx, (long) rows * d);
        implLayerNormBackward(rows, d, gy, xhat, rstd, gamma, gx);
    }

    @Override
    public final void layerNormParamGradScaled(int rows, int d, int rowsPerSample, Tensor gy, Tensor xhat,
                                               Tensor scale, float beta, Tensor gGamma, Tensor gBeta) {
        sizes("layerNormParamGradScaled", "rows", rows, "d", d);
        check("gy", gy, (long) rows * d);
        check("xhat", xhat, (long) rows * d);
        check("gGamma", gGamma, d);
        check("gBeta", gBeta, d);
        checkScale(rows, rowsPerSample, scale);
        implLayerNormParamGradScaled(rows, d, rowsPerSample, gy, xhat, scale, beta, gGamma, gBeta);
    }

    /** @param vocab the table's rows: {@code table.size() / d} (0 when d is 0) */
    protected abstract void implEmbeddingLookup(int n, int d, int vocab, Tensor table, IntTensor tokens, Tensor out);

    /** @param vocab the table's rows: {@code gradTable.size() / d} (0 when d is 0) */
    protected abstract void implEmbeddingScatterAddScaled(int n, int d, int vocab, int rowsPerSample,
                                                          IntTensor tokens, Tensor g, Tensor scale, float beta,
                                                          Tensor gradTable);

    protected abstract void implMaskedMeanPool(int batch, int seq, int d, Tensor x, Tensor mask, Tensor out);

    protected abstract void implMaskedMeanPoolBackward(int batch, int seq, int d, Tensor gOut, Tensor mask,
                                                       Tensor gx);

    /** @param vocab the table's rows: {@code table.size() / d} (0 when d is 0) */
    protected abstract void implEmbeddingBagMean(int batch, int seq, int d, int vocab, Tensor table, IntTensor tokens,
                                                 Tensor mask, Tensor out);

    /** @param vocab the table's rows: {@code gradTable.size() / d} (0 when d is 0) */
    protected abstract void implEmbeddingBagScatterAddScaled(int batch, int seq, int d, int vocab, int rowsPerSample,
                                                             IntTensor tokens, Tensor mask, Tensor g, Tensor scale,
                                                             float beta, Tensor gradTable);

    protected abstract void implLayerNorm(int rows, int d, float eps, Tensor x, Tensor gamma, Tensor beta, Tensor y,
                                          Tensor xhat, Tensor rstd);

    protected abstract void implLayerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd,
                                                  Tensor gamma, Tensor gx);

    protected abstract void implLayerNormParamGradScaled(int rows, int d, int rowsPerSample, Tensor gy,
                                                         Tensor xhat, Tensor scale, float beta, Tensor gGamma,
                                                         Tensor gBeta);

    // ---------------------------------------------------------------- loss

    @Override
    public final void softmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels, Tensor mask,
                                          Tensor loss, Tensor grad) {
        sizes("softmaxCrossEntropy", "batch", batch, "classes", classes);
        check("logits", logits, (long) batch * classes);
        check("labels", labels, batch);
        check("mask", mask, batch);
        check("loss", loss, batch);
        check("grad", grad, (long) batch * classes);
        implSoftmaxCrossEntropy(batch, classes, logits, labels, mask, loss, grad);
    }

    @Override
    public final void binaryCrossEntropy(int batch, int outputs, Tensor logits, Tensor targets, Tensor mask,
                                         Tensor loss, Tensor grad) {
        checkRegressionLoss("binaryCrossEntropy", batch, outputs, logits, targets, mask, loss, grad);
        implBinaryCrossEntropy(batch, outputs, logits, targets, mask, loss, grad);
    }

    @Override
    public final void meanSquaredError(int batch, int outputs, Tensor predictions, Tensor targets, Tensor mask,
                                       Tensor loss, Tensor grad) {
        checkRegressionLoss("meanSquaredError", batch, outputs, predictions, targets, mask, loss, grad);
        implMeanSquaredError(batch, outputs, predictions, targets, mask, loss, grad);
    }

    private static void checkRegressionLoss(String op, int batch, int outputs, Tensor output, Tensor targets,
                                            Tensor mask, Tensor loss, Tensor grad) {
        sizes(op, "batch", batch, "outputs", outputs);
        check(op.equals("meanSquaredError") ? "predictions" : "logits", output, (long) batch * outputs);
        check("targets", targets, (long) batch * outputs);
        check("mask", mask, batch);
        check("loss", loss, batch);
        check("grad", grad, (long) batch * outputs);
    }

    protected abstract void implSoftmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels,
                                                    Tensor mask, Tensor loss, Tensor grad);

    protected abstract void implBinaryCrossEntropy(int batch, int outputs, Tensor logits, Tensor targets,
                                                   Tensor mask, Tensor loss, Tensor grad);

    protected abstract void implMeanSquaredError(int batch, int outputs, Tensor predictions, Tensor targets,
                                                 Tensor mask, Tensor loss, Tensor grad);

    // ---------------------------------------------------------------- attention

    @Override
    public final void attention(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor keyMask, Tensor probs,
                                Tensor out) {
        attentionSizes(batch, seq, heads, headDim);
        long rows = (long) batch * seq;
        long d = (long) heads * headDim;
        check("qkv", qkv, rows * 3 * d);
        check("keyMask", keyMask, rows);
        check("probs", probs, (long) batch * heads * seq * seq);
        check("out", out, rows * d);
        implAttention(batch, seq, heads, headDim, qkv, keyMask, probs, out);
    }

    @Override
    public final void attentionBackward(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor probs,
                                        Tensor gOut, Tensor scratch, Tensor gQkv) {
        attentionSizes(batch, seq, heads, headDim);
        long rows = (long) batch * seq;
        long d = (long) heads * headDim;
        check("qkv", qkv, rows * 3 * d);
        check("probs", probs, (long) batch * heads * seq * seq);
        check("gOut", gOut, rows * d);
        check("scratch", scratch, (long) batch * heads * seq * seq);
        check("gQkv", gQkv, rows * 3 * d);
        implAttentionBackward(batch, seq, heads, headDim, qkv, probs, gOut, scratch, gQkv);
    }

    protected abstract void implAttention(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor keyMask,
                                          Tensor probs, Tensor out);

    protected abstract void implAttentionBackward(int batch, int seq, int heads, int headDim, Tensor qkv,
                                                  Tensor probs, Tensor gOut, Tensor scratch, Tensor gQkv);

    // ---------------------------------------------------------------- per-sample squared norms

    @Override
    public final void linearNormsRowwise(int batch, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        sizes("linearNormsRowwise", "batch", batch, "d", d, "p", p);
        check("a", a, (long) batch * d);
        check("g", g, (long) batch * p);
        check("out", out, batch);
        implLinearNormsRowwise(batch, d, p, a, g, bias, out);
    }

    @Override
    public final void linearNormsGhost(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias,
                                       Tensor out) {
        sizes("linearNormsGhost", "batch", batch, "seq", seq, "d", d, "p", p);
        check("a", a, (long) batch * seq * d);
        check("g", g, (long) batch * seq * p);
        check("out", out, batch);
        implLinearNormsGhost(batch, seq, d, p, a, g, bias, out);
    }

    @Override
    public final void linearNormsDirect(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias,
                                        Tensor out) {
        sizes("linearNormsDirect", "batch", batch, "seq", seq, "d", d, "p", p);
        check("a", a, (long) batch * seq * d);
        check("g", g, (long) batch * seq * p);
        check("out", out, batch);
        implLinearNormsDirect(batch, seq, d, p, a, g, bias, out);
    }

    @Override
    public final void embeddingNorms(int batch, int seq, int d, IntTensor tokens, Tensor g, Tensor out) {
        sizes("embeddingNorms", "batch", batch, "seq", seq, "d", d);
        check("tokens", tokens, (long) batch * seq);
        check("g", g, (long) batch * seq * d);
        check("out", out, batch);
        implEmbeddingNorms(batch, seq, d, tokens, g, out);
    }

    @Override
    public final void embeddingBagNorms(int units, int rowsPerUnit, int seq, int d, IntTensor tokens, Tensor mask,
                                        Tensor g, Tensor out) {
        sizes("embeddingBagNorms", "units", units, "seq", seq, "d", d);
        if (rowsPerUnit <= 0) {
            throw new IllegalArgumentException("embeddingBagNorms: rowsPerUnit must be > 0, got " + rowsPerUnit);
        }
        long batch = (long) units * rowsPerUnit;
        check("tokens", tokens, batch * seq);
        check("mask", mask, batch * seq);
        check("g", g, batch * d);
        check("out", out, units);
        implEmbeddingBagNorms(units, rowsPerUnit, seq, d, tokens, mask, g, out);
    }

    @Override
    public final void layerNormNorms(int batch, int seq, int d, Tensor gy, Tensor xhat, Tensor out) {
        sizes("layerNormNorms", "batch", batch, "seq", seq, "d", d);
        check("gy", gy, (long) batch * seq * d);
        check("xhat", xhat, (long) batch * seq * d);
        check("out", out, batch);
        implLayerNormNorms(batch, seq, d, gy, xhat, out);
    }

    @Override
    public final void biasNorms(int batch, int seq, int p, Tensor g, Tensor out) {
        sizes("biasNorms", "batch", batch, "seq", seq, "p", p);
        check("g", g, (long) batch * seq * p);
        check("out", out, batch);
        implBiasNorms(batch, seq, p, g, out);
    }

    protected abstract void implLinearNormsRowwise(int batch, int d, int p, Tensor a, Tensor g, boolean bias,
                                                   Tensor out);

    protected abstract void implLinearNormsGhost(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias,
                                                 Tensor out);

    protected abstract void implLinearNormsDirect(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias,
                                                  Tensor out);

    protected abstract void implEmbeddingNorms(int batch, int seq, int d, IntTensor tokens, Tensor g, Tensor out);

    protected abstract void implEmbeddingBagNorms(int units, int rowsPerUnit, int seq, int d, IntTensor tokens,
                                                  Tensor mask, Tensor g, Tensor out);

    protected abstract void implLayerNormNorms(int batch, int seq, int d, Tensor gy, Tensor xhat, Tensor out);

    protected abstract void implBiasNorms(int batch, int seq, int p, Tensor g, Tensor out);

    // ---------------------------------------------------------------- clipping

    @Override
    public final void clipFactors(int batch, Tensor sqNorms, Tensor mask, float clipNorm, float stabilizer,
                                  boolean normalize, Tensor factors) {
        sizes("clipFactors", "batch", batch);
        if (!(clipNorm > 0) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be > 0 and finite, got " + clipNorm);
        }
        if (!(stabilizer >= 0) || Float.isInfinite(stabilizer)) {
            throw new IllegalArgumentException("stabilizer must be >= 0 and finite, got " + stabilizer);
        }
        check("sqNorms", sqNorms, batch);
        check("mask", mask, batch);
        check("factors", factors, batch);
        implClipFactors(batch, sqNorms, mask, clipNorm, stabilizer, normalize, factors);
    }

    protected abstract void implClipFactors(int batch, Tensor sqNorms, Tensor mask, float clipNorm,
                                            float stabilizer, boolean normalize, Tensor factors);

    // ---------------------------------------------------------------- noise and fused updates

    @Override
    public final void addNoiseAndScale(Tensor x, UpdateNoise noise, float scale) {
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite, got " + scale);
        }
        implAddNoiseAndScale(x, noise, scale);
    }

    protected abstract void implAddNoiseAndScale(Tensor x, UpdateNoise noise, float scale);

    @Override
    public final void sgdUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr,
                                float momentum, float weightDecay, Tensor velocity) {
        sameSize("param", param, "gradSum", gradSum);
        if (momentum != 0f && velocity == null) {
            throw new IllegalArgumentException("momentum " + momentum + " needs a velocity tensor");
        }
        if (velocity != null) {
            sameSize("param", param, "velocity", velocity);
        }
        implSgdUpdate(param, gradSum, noise, gradScale, lr, momentum, weightDecay, velocity);
    }

    @Override
    public final void adamUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr,
                                 float beta1, float beta2, float eps, float weightDecay, long t, Tensor m, Tensor v) {
        sameSize("param", param, "gradSum", gradSum);
        sameSize("param", param, "m", m);
        sameSize("param", param, "v", v);
        if (t < 1) {
            throw new IllegalArgumentException("Adam step count t must be >= 1, got " + t);
        }
        implAdamUpdate(param, gradSum, noise, gradScale, lr, beta1, beta2, eps, weightDecay, t, m, v);
    }

    protected abstract void implSgdUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr,
                                          float momentum, float weightDecay, Tensor velocity);

    protected abstract void implAdamUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale,
                                           float lr, float beta1, float beta2, float eps, float weightDecay, long t,
                                           Tensor m, Tensor v);

    // ---------------------------------------------------------------- the checks

    /** @throws IllegalArgumentException unless {@code t} has exactly {@code expected} elements */
    protected static void check(String name, Tensor t, long expected) {
        if (t.size() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + t.shape() + " has " + t.size()
                    + " elements, expected " + expected);
        }
    }

    /** @throws IllegalArgumentException unless {@code t} has exactly {@code expected} elements */
    protected static void check(String name, IntTensor t, long expected) {
        if (t.size() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + t.shape() + " has " + t.size()
                    + " elements, expected " + expected);
        }
    }

    /** @throws IllegalArgumentException unless {@code a} and {@code b} have the same number of elements */
    protected static void sameSize(String an, Tensor a, String bn, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("tensors '" + an + "' " + a.shape() + " and '" + bn + "' " + b.shape()
                    + " must have the same size");
        }
    }

    /** A per-sample scale of {@code rows / rowsPerSample} entries; {@code rowsPerSample} must divide {@code rows}. */
    private static void checkScale(int rows, int rowsPerSample, Tensor scale) {
        if (rowsPerSample <= 0 || rows % rowsPerSample != 0) {
            throw new IllegalArgumentException("rowsPerSample " + rowsPerSample + " must be > 0 and divide rows " + rows);
        }
        check("scale", scale, rows / rowsPerSample);
    }

    /** The rows of a {@code [vocab, d]} table. */
    private static int vocab(String name, Tensor table, int d) {
        if (table.size() % Math.max(1, d) != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' " + table.shape() + " is not a [vocab, " + d
                    + "] matrix");
        }
        return d == 0 ? 0 : table.size() / d;
    }

    private static void attentionSizes(int batch, int seq, int heads, int headDim) {
        if (batch < 0 || seq <= 0 || heads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("attention needs batch >= 0 and seq, heads, headDim > 0, got batch="
                    + batch + ", seq=" + seq + ", heads=" + heads + ", headDim=" + headDim);
        }
        if ((long) batch * heads * seq * seq > Integer.MAX_VALUE || (long) batch * seq * 3 * heads * headDim
                > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention of batch=" + batch + ", seq=" + seq + ", heads=" + heads
                    + ", headDim=" + headDim + " needs more than 2^31-1 elements in one tensor");
        }
    }

    // Size arguments >= 0; no varargs, so a check allocates nothing.

    private static void sizes(String op, String n1, int v1) {
        if (v1 < 0) {
            throw new IllegalArgumentException(op + ": " + n1 + " must be >= 0, got " + v1);
        }
    }

    private static void sizes(String op, String n1, int v1, String n2, int v2) {
        if ((v1 | v2) < 0) {
            throw new IllegalArgumentException(op + ": sizes must be >= 0, got " + n1 + "=" + v1 + ", " + n2 + "=" + v2);
        }
    }

    private static void sizes(String op, String n1, int v1, String n2, int v2, String n3, int v3) {
        if ((v1 | v2 | v3) < 0) {
            throw new IllegalArgumentException(op + ": sizes must be >= 0, got " + n1 + "=" + v1 + ", " + n2 + "=" + v2
                    + ", " + n3 + "=" + v3);
        }
    }

    private static void sizes(String op, String n1, int v1, String n2, int v2, String n3, int v3, String n4, int v4) {
        if ((v1 | v2 | v3 | v4) < 0) {
            throw new IllegalArgumentException(op + ": sizes must be >= 0, got " + n1 + "=" + v1 + ", " + n2 + "=" + v2
                    + ", " + n3 + "=" + v3 + ", " + n4 + "=" + v4);
        }
    }
}
