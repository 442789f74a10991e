package org.edp4j.tensor;

/**
 * Per-sample squared gradient norms of a linear layer (and of a bias alone), on arrays with
 * offsets. On rows {@code [B, d] -> [B, p]} the gradient of sample i is the outer product
 * {@code a_i g_i^T}, whose squared norm is {@code ||a_i||^2 ||g_i||^2}. On sequences
 * {@code [B, T, d] -> [B, T, p]}, at GEMM speed, without materializing the batch of per-sample
 * gradients:
 *
 * <p>Both methods run {@link CpuGemm}'s vectorized micro-kernel (packed rows indexed from 0,
 * four C rows by two terms, {@link Math#fma}) on one sample at a time, into per-thread scratch:
 * <ul>
 *   <li><b>Ghost</b>, {@code ||A_i^T G_i||_F^2 = sum_{t,s} (a_t . a_s)(g_t . g_s)}: the two Gram
 *       matrices {@code A_i A_i^T} (depth d) and {@code G_i G_i^T} (depth p), {@code T x T} each,
 *       are formed by {@link CpuGemm#gramLower} on and below the diagonal only (rows in groups of
 *       four, each group up to its last row), then multiplied elementwise and summed in double,
 *       the entries below the diagonal counted twice. About {@code T^2 (d + p) / 2} multiply-adds
 *       per sample and {@code 2 T^2} floats of scratch per thread.
 *   <li><b>Direct</b>: the sample's gradient {@code A_i^T G_i} ({@code d x p}) by
 *       {@link CpuGemm#gemmTN}, then its squared Frobenius norm in double. {@code T d p}
 *       multiply-adds and {@code d p} floats of scratch per thread.
 * </ul>
 *
 * <p>The ghost sum adds terms of both signs, so float cancellation can take a sample's value
 * slightly below 0 when its true norm is near 0 (positions whose contributions cancel); such a
 * value is clamped to 0 ({@link #atLeastZero}), never passed on (its square root would be NaN).
 *
 * <p>Trailing rows of a sample whose output gradient is exactly zero (padding) are dropped
 * before either method: they contribute nothing for finite activations. Products accumulate in
 * float in a fixed order (one fused multiply-add per term); the elementwise sums and the bias
 * term accumulate in double. Samples are split across threads ({@link Parallel#items}), each
 * sample computed by one thread in a fixed order, so results do not depend on the thread count.
 * Scratch is per thread and grows once to the largest shape seen.
 */
final class CpuNorms {
    /** Per-thread scratch: the two Gram matrices (rows indexed from 0), the direct gradient, a bias row. */
    private static final class Scratch {
        float[][] ga = new float[0][];
        float[][] gg = new float[0][];
        float[] flat = new float[0];
        float[] row = new float[0];

        void grams(int n) {
            if (ga.length < n || ga[0].length < n) {
                ga = new float[n][n];
                gg = new float[n][n];
            }
        }

        float[] flat(int n) {
            if (flat.length < n) {
                flat = new float[n];
            }
            return flat;
        }

        float[] row(int n) {
            if (row.length < n) {
                row = new float[n];
            }
            return row;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private CpuNorms() {
    }

    /** {@code out[i] += ||a_i||^2 ||g_i||^2} (+ {@code ||g_i||^2} with a bias); a {@code [batch, d]}, g {@code [batch, p]}. */
    static void linearRowwise(int batch, int d, int p, float[] a, int ao, float[] g, int go, boolean bias,
                              float[] out, int oo) {
        for (int b = 0; b < batch; b++) {
            double na = CpuElementwise.sumSquares(a, ao + b * d, d);
            double ng = CpuElementwise.sumSquares(g, go + b * p, p);
            out[oo + b] += (float) (na * ng + (bias ? ng : 0.0));
        }
    }

    /** {@code out[i] += ||sum_t g_it||^2}, g {@code [batch, seq, p]}. */
    static void bias(int batch, int seq, int p, float[] g, int go, float[] out, int oo) {
        float[] w = CpuScratch.floats(p);
        for (int b = 0; b < batch; b++) {
            out[oo + b] += (float) CpuElementwise.groupSumSquares(g, go + b * seq * p, seq, p, w);
        }
    }

    /**
     * {@code out[i] += sum_{t,s} (a_it . a_is)(g_it . g_is)} (+ {@code ||sum_t g_it||^2} with a
     * bias). a {@code [batch*seq, d]} from {@code ao}, g {@code [batch*seq, p]} from {@code go}:
     * not modified. out: modified.
     */
    static void linearGhost(int batch, int seq, int d, int p, float[] a, int ao, float[] g, int go, boolean bias,
                            float[] out, int oo) {
        perSample(batch, seq, d, p, a, ao, g, go, bias, out, oo, true);
    }

    /**
     * {@code out[i] += ||A_i^T G_i||_F^2} (+ {@code ||sum_t g_it||^2} with a bias), the per-sample
     * gradient formed whole. Arguments as {@link #linearGhost}.
     */
    static void linearDirect(int batch, int seq, int d, int p, float[] a, int ao, float[] g, int go, boolean bias,
                             float[] out, int oo) {
        perSample(batch, seq, d, p, a, ao, g, go, bias, out, oo, false);
    }

    /** Both methods: samples split across threads, padding rows dropped, the bias term added. */
    private static void perSample(int batch, int seq, int d, int p, float[] a, int ao, float[] g, int go,
                                  boolean bias, float[] out, int oo, boolean useGhost) {
        Parallel.items(batch, (b0, b1) -> {
            Scratch w = SCRATCH.get();
            for (int b = b0; b < b1; b++) {
                int as = ao + b * seq * d;
                int gs = go + b * seq * p;
                int rows = activeRows(g, gs, seq, p);
                // The ghost sum is a difference of float terms: cancellation can take it below 0.
                double acc = useGhost ? atLeastZero(ghost(a, as, g, gs, rows, d, p, w))
                        : direct(a, as, g, gs, rows, d, p, w.flat(d * p));
                if (bias) {
                    acc += CpuElementwise.groupSumSquares(g, gs, rows, p, w.row(p));
                }
                out[oo + b] += (float) acc;
            }
        });
    }

    /**
     * {@code x}, or 0 when {@code x < 0}: a squared norm that float cancellation took below 0 is
     * 0 (its true value is within rounding of 0). NaN stays NaN, for the non-finite checks.
     */
    static double atLeastZero(double x) {
        return x < 0 ? 0 : x;
    }

    /** One plus the last row of {@code g[off ..]} ({@code seq} rows of {@code p}) that is not all zero; 0 if none. */
    static int activeRows(float[] g, int off, int seq, int p) {
        for (int t = seq - 1; t >= 0; t--) {
            int o = off + t * p;
            for (int j = 0; j < p; j++) {
                if (g[o + j] != 0f) {
                    return t + 1;
                }
            }
        }
        return 0;
    }

    /** {@code sum_{t,s < rows} (a_t . a_s)(g_t . g_s)} for one sample, rows at {@code ao}, {@code go}. */
    private static double ghost(float[] a, int ao, float[] g, int go, int rows, int d, int p, Scratch w) {
        if (rows == 0) {
            return 0;
        }
        w.grams(rows);
        float[][] ga = w.ga;
        float[][] gg = w.gg;
        CpuGemm.gramLower(a, ao, rows, d, ga);
        CpuGemm.gramLower(g, go, rows, p, gg);
        double acc = 0;
        for (int t = 0; t < rows; t++) {
            float[] x = ga[t];
            float[] y = gg[t];
            double off = 0;
            for (int s = 0; s < t; s++) {
                off += (double) x[s] * y[s];
            }
            acc += (double) x[t] * y[t] + 2 * off;
        }
        return acc;
    }

    /** {@code ||A^T G||_F^2} for one sample of {@code rows} rows; {@code c} (d p floats) receives {@code A^T G}. */
    private static double direct(float[] a, int ao, float[] g, int go, int rows, int d, int p, float[] c) {
        if (rows == 0) {
            return 0;
        }
        CpuGemm.gemmTN(d, p, rows, a, ao, g, go, c);
        double acc = 0;
        for (int x = 0; x < d; x++) {
            int o = x * p;
            double s = 0;
            for (int j = 0; j < p; j++) {
                double v = c[o + j];
                s += v * v;
            }
            acc += s;
        }
        return acc;
    }
}
