package org.edp4j.tensor;

import java.util.Arrays;

/**
 * The pure-Java backend: float32 on heap arrays, loops the JIT vectorizes, GEMM blocked and
 * spread over the cores ({@link CpuGemm}), per-sample work split by sample across the common
 * fork-join pool. Scratch space is per thread and grows once, so a training step whose shapes do
 * not change allocates nothing.
 *
 * <p>Stateless and thread-safe; use {@link #instance()}.
 */
public final class CpuBackend extends AbstractBackend {
    private static final CpuBackend INSTANCE = new CpuBackend();
    /** Elements per task below which elementwise loops stay serial. */
    private static final int ELEMENT_GRAIN = 1 << 15;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<int[]> HASH_SCRATCH = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> SLOT_SCRATCH = ThreadLocal.withInitial(() -> new int[0]);

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
        Arrays.fill(d(t), value);
    }

    @Override
    protected void implCopy(Tensor src, Tensor dst) {
        float[] s = d(src);
        float[] t = d(dst);
        System.arraycopy(s, 0, t, 0, s.length);
    }

    // ---------------------------------------------------------------- dense linear algebra

    @Override
    protected void implGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                     float beta, Tensor c) {
        CpuGemm.gemm(transA, transB, m, n, k, alpha, d(a), d(b), beta, d(c), null, 1);
    }

    @Override
    protected void implGemmScaledTN(int rows, int m, int n, int rowsPerSample, Tensor a, Tensor g, Tensor scale, float beta,
                             Tensor c) {
        CpuGemm.gemm(true, false, m, n, rows, 1f, d(a), d(g), beta, d(c), d(scale), rowsPerSample);
    }

    @Override
    protected void implColumnSumScaled(int rows, int cols, int rowsPerSample, Tensor g, Tensor scale, float beta,
                                Tensor out) {
        float[] gd = d(g);
        float[] s = d(scale);
        float[] o = d(out);
        betaScale(o, beta);
        for (int r = 0; r < rows; r++) {
            float f = s[r / rowsPerSample];
            if (f == 0f) {
                continue;
            }
            int off = r * cols;
            for (int j = 0; j < cols; j++) {
                o[j] += f * gd[off + j];
            }
        }
    }

    @Override
    protected void implAddRowVector(int rows, int cols, Tensor bias, Tensor x) {
        float[] b = d(bias);
        float[] xd = d(x);
        Parallel.range(rows, Math.max(1, ELEMENT_GRAIN / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                for (int j = 0; j < cols; j++) {
                    xd[off + j] += b[j];
                }
            }
        });
    }

    // ---------------------------------------------------------------- elementwise

    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);

    @Override
    protected void implActivation(Activation f, Tensor x, Tensor y) {
        float[] xd = d(x);
        float[] yd = d(y);
        Parallel.range(xd.length, ELEMENT_GRAIN, (i0, i1) -> {
            switch (f) {
                case RELU -> {
                    for (int i = i0; i < i1; i++) {
                        yd[i] = Math.max(0f, xd[i]);
                    }
                }
                case TANH -> {
                    for (int i = i0; i < i1; i++) {
                        yd[i] = (float) Math.tanh(xd[i]);
                    }
                }
                case GELU -> {
                    for (int i = i0; i < i1; i++) {
                        float v = xd[i];
                        yd[i] = 0.5f * v * (1f + (float) Math.tanh(GELU_C * (v + 0.044715f * v * v * v)));
                    }
                }
            }
        });
    }

    @Override
    protected void implActivationBackward(Activation f, Tensor x, Tensor y, Tensor gy, Tensor gx) {
        float[] xd = d(x);
        float[] yd = d(y);
        float[] gyd = d(gy);
        float[] gxd = d(gx);
        Parallel.range(xd.length, ELEMENT_GRAIN, (i0, i1) -> {
            switch (f) {
                case RELU -> {
                    for (int i = i0; i < i1; i++) {
                        gxd[i] = xd[i] > 0f ? gyd[i] : 0f;
                    }
                }
                case TANH -> {
                    for (int i = i0; i < i1; i++) {
                        gxd[i] = (1f - yd[i] * yd[i]) * gyd[i];
                    }
                }
                case GELU -> {
                    for (int i = i0; i < i1; i++) {
                        float v = xd[i];
                        float t = (float) Math.tanh(GELU_C * (v + 0.044715f * v * v * v));
                        float dt = (1f - t * t) * GELU_C * (1f + 3f * 0.044715f * v * v);
                        gxd[i] = (0.5f * (1f + t) + 0.5f * v * dt) * gyd[i];
                    }
                }
            }
        });
    }

    @Override
    protected void implAxpy(float alpha, Tensor x, Tensor y) {
        float[] xd = d(x);
        float[] yd = d(y);
        Parallel.range(xd.length, ELEMENT_GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                yd[i] += alpha * xd[i];
            }
        });
    }

    @Override
    protected void implScale(float alpha, Tensor x) {
        float[] xd = d(x);
        Parallel.range(xd.length, ELEMENT_GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                xd[i] *= alpha;
            }
        });
    }

    @Override
    protected double implSum(Tensor x) {
        double s = 0;
        for (float v : d(x)) {
            s += v;
        }
        return s;
    }

    @Override
    protected double implSumOfSquares(Tensor x) {
        float[] xd = d(x);
        if (xd.length < 4 * ELEMENT_GRAIN) {
            return sumSquares(xd, 0, xd.length);
        }
        // Fixed chunks, partial sums added in order: the result does not depend on the threads.
        int chunks = Parallel.threads();
        int per = (xd.length + chunks - 1) / chunks;
        double[] part = new double[chunks];
        Parallel.range(chunks, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = c * per;
                part[c] = sumSquares(xd, from, Math.max(0, Math.min(per, xd.length - from)));
            }
        });
        double s = 0;
        for (double v : part) {
            s += v;
        }
        return s;
    }

    @Override
    protected boolean implAllFinite(Tensor x) {
        float[] xd = d(x);
        if (xd.length < 4 * ELEMENT_GRAIN) {
            return allFinite(xd, 0, xd.length);
        }
        boolean[] bad = new boolean[Parallel.threads()];
        int per = (xd.length + bad.length - 1) / bad.length;
        Parallel.range(xd.length, per, (i0, i1) -> {
            if (!allFinite(xd, i0, i1)) {
                bad[i0 / per] = true;
            }
        });
        for (boolean b : bad) {
            if (b) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code v * 0} is (+-)0 for finite v and NaN for NaN or infinity, so a sum of those is NaN
     * iff any was. Four independent accumulators: one dependent add per element would bound the
     * loop by the add latency (2.2 ms for 2.7 M floats measured, against 0.6 ms with four).
     */
    private static boolean allFinite(float[] x, int from, int to) {
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            a0 += x[i] * 0f;
            a1 += x[i + 1] * 0f;
            a2 += x[i + 2] * 0f;
            a3 += x[i + 3] * 0f;
        }
        for (; i < to; i++) {
            a0 += x[i] * 0f;
        }
        return (a0 + a1) + (a2 + a3) == 0f;
    }

    // ---------------------------------------------------------------- embedding, pooling, normalization

    @Override
    protected void implEmbeddingLookup(int n, int d, int vocab, Tensor table, IntTensor tokens, Tensor out) {
        float[] t = d(table);
        int[] tok = i(tokens);
        float[] o = d(out);
        for (int r = 0; r < n; r++) {
            int id = tok[r];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " at position " + r + " is outside the vocabulary [0, "
                        + vocab + ")");
            }
            System.arraycopy(t, id * d, o, r * d, d);
        }
    }

    @Override
    protected void implEmbeddingScatterAddScaled(int n, int d, int vocab, int rowsPerSample, IntTensor tokens,
                                                 Tensor g, Tensor scale, float beta, Tensor gradTable) {
        float[] gt = d(gradTable);
        float[] gd = d(g);
        float[] s = d(scale);
        int[] tok = i(tokens);
        betaScale(gt, beta);
        for (int r = 0; r < n; r++) {
            float f = s[r / rowsPerSample];
            if (f == 0f) {
                continue;
            }
            int id = tok[r];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " at position " + r + " is outside the vocabulary [0, "
                        + vocab + ")");
            }
            int to = id * d;
            int from = r * d;
            for (int j = 0; j < d; j++) {
                gt[to + j] += f * gd[from + j];
            }
        }
    }

    @Override
    protected void implMaskedMeanPool(int batch, int seq, int d, Tensor x, Tensor mask, Tensor out) {
        float[] xd = d(x);
        float[] m = d(mask);
        float[] o = d(out);
        Parallel.range(batch, 8, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int oo = b * d;
                Arrays.fill(o, oo, oo + d, 0f);
                float count = 0f;
                for (int t = 0; t < seq; t++) {
                    float w = m[b * seq + t];
                    if (w == 0f) {
                        continue;
                    }
                    count += w;
                    int xo = (b * seq + t) * d;
                    for (int j = 0; j < d; j++) {
                        o[oo + j] += w * xd[xo + j];
                    }
                }
                float inv = 1f / Math.max(1f, count);
                for (int j = 0; j < d; j++) {
                    o[oo + j] *= inv;
                }
            }
        });
    }

    @Override
    protected void implMaskedMeanPoolBackward(int batch, int seq, int d, Tensor gOut, Tensor mask, Tensor gx) {
        float[] go = d(gOut);
        float[] m = d(mask);
        float[] g = d(gx);
        Parallel.range(batch, 8, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                float count = 0f;
                for (int t = 0; t < seq; t++) {
                    count += m[b * seq + t];
                }
                float inv = 1f / Math.max(1f, count);
                for (int t = 0; t < seq; t++) {
                    float w = m[b * seq + t] * inv;
                    int xo = (b * seq + t) * d;
                    for (int j = 0; j < d; j++) {
                        g[xo + j] = w * go[b * d + j];
                    }
                }
            }
        });
    }

    @Override
    protected void implLayerNorm(int rows, int d, float eps, Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor xhat,
                          Tensor rstd) {
        float[] xd = d(x);
        float[] gm = d(gamma);
        float[] bt = d(beta);
        float[] yd = d(y);
        float[] xh = d(xhat);
        float[] rs = d(rstd);
        Parallel.range(rows, Math.max(1, ELEMENT_GRAIN / Math.max(1, d)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * d;
                double mean = 0;
                for (int j = 0; j < d; j++) {
                    mean += xd[off + j];
                }
                mean /= d;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    double c = xd[off + j] - mean;
                    var += c * c;
                }
                var /= d;
                float inv = (float) (1.0 / Math.sqrt(var + eps));
                rs[r] = inv;
                float mu = (float) mean;
                for (int j = 0; j < d; j++) {
                    float h = (xd[off + j] - mu) * inv;
                    xh[off + j] = h;
                    yd[off + j] = gm[j] * h + bt[j];
                }
            }
        });
    }

    @Override
    protected void implLayerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd, Tensor gamma, Tensor gx) {
        float[] g = d(gy);
        float[] xh = d(xhat);
        float[] rs = d(rstd);
        float[] gm = d(gamma);
        float[] out = d(gx);
        Parallel.range(rows, Math.max(1, ELEMENT_GRAIN / Math.max(1, d)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * d;
                float sumG = 0f;
                float sumGx = 0f;
                for (int j = 0; j < d; j++) {
                    float gg = gm[j] * g[off + j];
                    sumG += gg;
                    sumGx += gg * xh[off + j];
                }
                float meanG = sumG / d;
                float meanGx = sumGx / d;
                float inv = rs[r];
                for (int j = 0; j < d; j++) {
                    out[off + j] = inv * (gm[j] * g[off + j] - meanG - xh[off + j] * meanGx);
                }
            }
        });
    }

    @Override
    protected void implLayerNormParamGradScaled(int rows, int d, int rowsPerSample, Tensor gy, Tensor xhat, Tensor scale,
                                         float beta, Tensor gGamma, Tensor gBeta) {
        float[] g = d(gy);
        float[] xh = d(xhat);
        float[] s = d(scale);
        float[] gg = d(gGamma);
        float[] gb = d(gBeta);
        betaScale(gg, beta);
        betaScale(gb, beta);
        for (int r = 0; r < rows; r++) {
            float f = s[r / rowsPerSample];
            if (f == 0f) {
                continue;
            }
            int off = r * d;
            for (int j = 0; j < d; j++) {
                float v = f * g[off + j];
                gg[j] += v * xh[off + j];
                gb[j] += v;
            }
        }
    }

    @Override
    protected void implSoftmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels, Tensor mask, Tensor loss,
                                    Tensor grad) {
        float[] z = d(logits);
        int[] y = i(labels);
        float[] m = d(mask);
        float[] l = d(loss);
        float[] g = d(grad);
        for (int b = 0; b < batch; b++) {
            if (m[b] != 0f && (y[b] < 0 || y[b] >= classes)) {
                throw new IllegalArgumentException("label " + y[b] + " of row " + b + " is outside [0, " + classes + ")");
            }
        }
        for (int b = 0; b < batch; b++) {
            int off = b * classes;
            float w = m[b];
            if (w == 0f) {
                l[b] = 0f;
                Arrays.fill(g, off, off + classes, 0f);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[off + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(z[off + c] - max);
            }
            double lse = max + Math.log(sum);
            l[b] = (float) (w * (lse - z[off + y[b]]));
            for (int c = 0; c < classes; c++) {
                g[off + c] = (float) (w * Math.exp(z[off + c] - lse));
            }
            g[off + y[b]] -= w;
        }
    }

    // ---------------------------------------------------------------- per-sample squared norms

    @Override
    protected void implLinearNormsRowwise(int batch, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        float[] ad = d(a);
        float[] gd = d(g);
        float[] o = d(out);
        for (int b = 0; b < batch; b++) {
            double na = sumSquares(ad, b * d, d);
            double ng = sumSquares(gd, b * p, p);
            o[b] += (float) (na * ng + (bias ? ng : 0.0));
        }
    }

    @Override
    protected void implLinearNormsGhost(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        CpuNorms.linearGhost(batch, seq, d, p, d(a), d(g), bias, d(out));
    }

    @Override
    protected void implLinearNormsDirect(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        CpuNorms.linearDirect(batch, seq, d, p, d(a), d(g), bias, d(out));
    }

    @Override
    protected void implEmbeddingNorms(int batch, int seq, int d, IntTensor tokens, Tensor g, Tensor out) {
        int[] tok = i(tokens);
        float[] gd = d(g);
        float[] o = d(out);
        int tableSize = Integer.highestOneBit(Math.max(1, 2 * seq - 1)) << 1; // a power of two >= 2 seq
        Parallel.range(batch, 4, (b0, b1) -> {
            int[] table = hashScratch(tableSize);
            int[] slotOf = slotScratch(tableSize);
            float[] acc = scratch(seq * d);
            for (int b = b0; b < b1; b++) {
                // Equal tokens share one embedding row, so their gradients add before the norm
                // (the token-equality mask of the ghost norm): group positions by token with an
                // open-addressing table, O(T d) per sample, no sort and no [vocab, d] buffer.
                int slots = 0;
                for (int t = 0; t < seq; t++) {
                    int id = tok[b * seq + t];
                    int h = (id * 0x9E3779B9) >>> 1 & (tableSize - 1);
                    while (table[h] != -1 && table[h] != id) {
                        h = (h + 1) & (tableSize - 1);
                    }
                    int src = (b * seq + t) * d;
                    if (table[h] == -1) {
                        table[h] = id;
                        slotOf[h] = slots;
                        System.arraycopy(gd, src, acc, slots * d, d);
                        slots++;
                    } else {
                        int dst = slotOf[h] * d;
                        for (int j = 0; j < d; j++) {
                            acc[dst + j] += gd[src + j];
                        }
                    }
                }
                o[b] += (float) sumSquares(acc, 0, slots * d);
                for (int t = 0; t < seq; t++) { // clear only what this sample used
                    int id = tok[b * seq + t];
                    int h = (id * 0x9E3779B9) >>> 1 & (tableSize - 1);
                    while (table[h] != -1) {
                        table[h] = -1;
                        h = (h + 1) & (tableSize - 1);
                    }
                }
            }
        });
    }

    @Override
    protected void implLayerNormNorms(int batch, int seq, int d, Tensor gy, Tensor xhat, Tensor out) {
        float[] g = d(gy);
        float[] xh = d(xhat);
        float[] o = d(out);
        Parallel.range(batch, 8, (b0, b1) -> {
            float[] w = scratch(2 * d);
            for (int b = b0; b < b1; b++) {
                Arrays.fill(w, 0, 2 * d, 0f);
                for (int t = 0; t < seq; t++) {
                    int off = (b * seq + t) * d;
                    for (int j = 0; j < d; j++) {
                        w[j] += g[off + j] * xh[off + j];
                        w[d + j] += g[off + j];
                    }
                }
                o[b] += (float) sumSquares(w, 0, 2 * d);
            }
        });
    }

    @Override
    protected void implBiasNorms(int batch, int seq, int p, Tensor g, Tensor out) {
        float[] gd = d(g);
        float[] o = d(out);
        float[] w = scratch(p);
        for (int b = 0; b < batch; b++) {
            o[b] += (float) groupSumSquares(gd, b * seq * p, seq, p, w);
        }
    }

    // ---------------------------------------------------------------- clipping

    @Override
    protected void implClipFactors(int batch, Tensor sqNorms, Tensor mask, float clipNorm, float stabilizer, boolean normalize,
                            Tensor factors) {
        float[] n = d(sqNorms);
        float[] m = d(mask);
        float[] f = d(factors);
        for (int b = 0; b < batch; b++) {
            if (m[b] == 0f) {
                f[b] = 0f;
                continue;
            }
            double norm = Math.sqrt(CpuNorms.atLeastZero(n[b]));
            double c = clipNorm / (norm + stabilizer);
            f[b] = (float) (normalize ? c : Math.min(1.0, c));
        }
    }

    // ---------------------------------------------------------------- fused updates

    @Override
    protected void implSgdUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr, float momentum,
                          float weightDecay, Tensor velocity) {
        float[] w = d(param);
        float[] g = d(gradSum);
        float[] v = velocity == null ? null : d(velocity);
        float[] z = normals(noise, w.length);
        int zo = noise.offset();
        float std = noise.stddev();
        // In double, rounded to float once at the end: the noise is added before any rounding
        // (see org.edp4j.dp.noise, floating-point attacks).
        Parallel.range(w.length, ELEMENT_GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                double gi = g[i];
                if (z != null) {
                    gi += (double) std * z[zo + i];
                }
                gi = gi * gradScale + (double) weightDecay * w[i];
                if (v != null) {
                    gi = (double) momentum * v[i] + gi;
                    v[i] = (float) gi;
                }
                w[i] = (float) (w[i] - (double) lr * gi);
            }
        });
    }

    @Override
    protected void implAdamUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr, float beta1,
                           float beta2, float eps, float weightDecay, long t, Tensor m, Tensor v) {
        float[] w = d(param);
        float[] g = d(gradSum);
        float[] md = d(m);
        float[] vd = d(v);
        float[] z = normals(noise, w.length);
        int zo = noise.offset();
        float std = noise.stddev();
        double c1 = 1.0 / (1.0 - Math.pow(beta1, t));
        double c2 = 1.0 / (1.0 - Math.pow(beta2, t));
        Parallel.range(w.length, ELEMENT_GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                double gi = g[i];
                if (z != null) {
                    gi += (double) std * z[zo + i];
                }
                gi *= gradScale;
                double mi = beta1 * md[i] + (1.0 - beta1) * gi;
                double vi = beta2 * vd[i] + (1.0 - beta2) * gi * gi;
                md[i] = (float) mi;
                vd[i] = (float) vi;
                w[i] = (float) (w[i] - lr * (mi * c1 / (Math.sqrt(vi * c2) + eps) + (double) weightDecay * w[i]));
            }
        });
    }

    /** The standard normals of an update, or null for none. */
    private static float[] normals(UpdateNoise noise, int n) {
        if (noise.isNone()) {
            return null;
        }
        if (noise.normals() == null) {
            throw new IllegalArgumentException("the CPU backend needs prefetched normals in UpdateNoise");
        }
        if (noise.offset() < 0 || (long) noise.offset() + n > noise.normals().length) {
            throw new IllegalArgumentException("noise normals [" + noise.offset() + ", " + (noise.offset() + n)
                    + ") exceed the buffer of " + noise.normals().length);
        }
        return noise.normals();
    }

    // ---------------------------------------------------------------- helpers

    static float[] d(Tensor t) {
        if (t instanceof CpuTensor c) {
            return c.data;
        }
        throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name() + ", not cpu");
    }

    static int[] i(IntTensor t) {
        if (t instanceof CpuIntTensor c) {
            return c.data;
        }
        throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name() + ", not cpu");
    }

    private static void betaScale(float[] o, float beta) {
        if (beta == 0f) {
            Arrays.fill(o, 0f);
        } else if (beta != 1f) {
            for (int j = 0; j < o.length; j++) {
                o[j] *= beta;
            }
        }
    }

    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }

    /** A per-thread open-addressing table of {@code n} slots, all -1 (users clear what they set). */
    private static int[] hashScratch(int n) {
        int[] s = HASH_SCRATCH.get();
        if (s.length < n) {
            s = new int[n];
            Arrays.fill(s, -1);
            HASH_SCRATCH.set(s);
        }
        return s;
    }

    private static int[] slotScratch(int n) {
        int[] s = SLOT_SCRATCH.get();
        if (s.length < n) {
            s = new int[n];
            SLOT_SCRATCH.set(s);
        }
        return s;
    }

    /** Sum of squares in double, four independent accumulators for instruction-level parallelism. */
    static double sumSquares(float[] x, int off, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            float a = x[off + j];
            float b = x[off + j + 1];
            float c = x[off + j + 2];
            float e = x[off + j + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += e * e;
        }
        for (; j < n; j++) {
            float a = x[off + j];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Dot product with four float accumulators, summed in double. */
    static double dot(float[] x, int xo, float[] y, int yo, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += x[xo + j] * y[yo + j];
            s1 += x[xo + j + 1] * y[yo + j + 1];
            s2 += x[xo + j + 2] * y[yo + j + 2];
            s3 += x[xo + j + 3] * y[yo + j + 3];
        }
        for (; j < n; j++) {
            s0 += x[xo + j] * y[yo + j];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    /** {@code ||sum_t x[off + t*p .. +p]||^2} over {@code seq} rows, using {@code w} as scratch. */
    static double groupSumSquares(float[] x, int off, int seq, int p, float[] w) {
        Arrays.fill(w, 0, p, 0f);
        for (int t = 0; t < seq; t++) {
            int o = off + t * p;
            for (int j = 0; j < p; j++) {
                w[j] += x[o + j];
            }
        }
        return sumSquares(w, 0, p);
    }

    @Override
    protected void implAttention(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor keyMask, Tensor probs,
                          Tensor out) {
        CpuAttention.forward(batch, seq, heads, headDim, d(qkv), d(keyMask), d(probs), d(out));
    }

    @Override
    protected void implAttentionBackward(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor probs, Tensor gOut,
                                  Tensor scratch, Tensor gQkv) {
        CpuAttention.backward(batch, seq, heads, headDim, d(qkv), d(probs), d(gOut), d(scratch), d(gQkv));
    }
}
