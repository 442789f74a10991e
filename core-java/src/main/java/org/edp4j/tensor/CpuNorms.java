package org.edp4j.tensor;

/**
 * Per-sample squared gradient norms of a linear layer on sequences {@code [B, T, d] -> [B, T, p]},
 * at GEMM speed, without materializing a per-sample gradient.
 *
 * <p>Both methods reduce to one micro-kernel, {@link #dot4x4}: the sixteen dot products of four
 * rows of X with four rows of Y, held in sixteen scalar accumulators (registers) and updated with
 * {@link Math#fma}, so each loaded element feeds four multiply-adds. On the JDK 17 C2 compiler this
 * register-blocked dot form runs about twice as fast per multiply-add as {@link CpuGemm}'s
 * vectorized axpy micro-kernel (measured: BENCHMARKS.md, "Per-sample norms of Linear on
 * sequences").
 *
 * <ul>
 *   <li><b>Ghost</b>, {@code ||A_i^T G_i||_F^2 = sum_{t,s} (a_t . a_s)(g_t . g_s)}: the two Gram
 *       matrices are formed tile by tile (4 x 4 of each) and multiplied elementwise at once, so no
 *       {@code T x T} buffer exists; only tiles with {@code s >= t} are formed (off-diagonal tiles
 *       count twice, a diagonal tile is symmetric and counts once). About {@code T^2 (d + p) / 2}
 *       multiply-adds per sample; the rows are read in place (no copy).
 *   <li><b>Direct</b>, {@code ||A_i^T G_i||_F^2} entry by entry: the sample's {@code A_i} and
 *       {@code G_i} are transposed once into per-thread scratch ({@code [d, T]}, {@code [p, T]}),
 *       then each 4 x 4 tile of {@code A_i^T G_i} is a {@code dot4x4} of length T whose squares
 *       are summed at once: no {@code d x p} buffer. About {@code T d p} multiply-adds plus
 *       {@code T (d + p)} copies per sample.
 * </ul>
 *
 * <p>Trailing rows of a sample whose output gradient is exactly zero (padding) are dropped
 * before either method: they contribute nothing for finite activations. Dot products accumulate
 * in float (one accumulator per tile entry, in a fixed order); tile sums and the per-sample total
 * accumulate in double. Samples are split across threads, each sample computed by one thread in
 * a fixed order, so results do not depend on the thread count. Scratch is per thread and grows
 * once.
 */
final class CpuNorms {
    /** Rows of {@code G^T} per block of the direct method: 32 rows of T floats stay in L1. */
    private static final int DIRECT_ROW_BLOCK = 32;

    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[32]);
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private CpuNorms() {
    }

    /**
     * {@code out[i] += sum_{t,s} (a_it . a_is)(g_it . g_is)} (+ {@code ||sum_t g_it||^2} with a
     * bias). a {@code [batch*seq, d]}, g {@code [batch*seq, p]}: not modified. out: modified.
     */
    static void linearGhost(int batch, int seq, int d, int p, float[] a, float[] g, boolean bias, float[] out) {
        Parallel.range(batch, 1, (b0, b1) -> {
            float[] c = TILE.get();
            for (int b = b0; b < b1; b++) {
                int rows = activeRows(g, b * seq * p, seq, p);
                double acc = ghost(a, b * seq * d, g, b * seq * p, rows, d, p, c);
                if (bias) {
                    acc += CpuBackend.groupSumSquares(g, b * seq * p, rows, p, scratch(p));
                }
                out[b] += (float) acc;
            }
        });
    }

    /**
     * {@code out[i] += ||A_i^T G_i||_F^2} (+ {@code ||sum_t g_it||^2} with a bias), each entry of
     * the per-sample gradient formed as a dot product of length T. Arguments as
     * {@link #linearGhost}.
     */
    static void linearDirect(int batch, int seq, int d, int p, float[] a, float[] g, boolean bias, float[] out) {
        Parallel.range(batch, 1, (b0, b1) -> {
            float[] c = TILE.get();
            for (int b = b0; b < b1; b++) {
                int rows = activeRows(g, b * seq * p, seq, p);
                float[] w = scratch((d + p) * rows);
                double acc = direct(a, b * seq * d, g, b * seq * p, rows, d, p, w, c);
                if (bias) {
                    // The transposed G rows are contiguous: the bias gradient is their row sums.
                    acc += rowSumSquares(w, d * rows, p, rows);
                }
                out[b] += (float) acc;
            }
        });
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
    static double ghost(float[] a, int ao, float[] g, int go, int rows, int d, int p, float[] c) {
        int r4 = rows & ~3;
        double acc = 0;
        for (int t0 = 0; t0 < r4; t0 += 4) {
            for (int s0 = t0; s0 < r4; s0 += 4) {
                dot4x4(a, ao + t0 * d, d, a, ao + s0 * d, d, d, c, 0);
                dot4x4(g, go + t0 * p, p, g, go + s0 * p, p, p, c, 16);
                double tile = 0;
                for (int k = 0; k < 16; k++) {
                    tile += (double) c[k] * c[16 + k];
                }
                acc += s0 == t0 ? tile : 2 * tile;
            }
        }
        // Rows past the last full tile, against every row up to themselves.
        for (int s = r4; s < rows; s++) {
            for (int t = 0; t <= s; t++) {
                double ga = CpuBackend.dot(g, go + t * p, g, go + s * p, p);
                double term = CpuBackend.dot(a, ao + t * d, a, ao + s * d, d) * ga;
                acc += t == s ? term : 2 * term;
            }
        }
        return acc;
    }

    /**
     * {@code ||A^T G||_F^2} for one sample of {@code rows} rows; {@code w} (at least
     * {@code (d + p) rows} floats) receives {@code A^T} then {@code G^T}.
     */
    static double direct(float[] a, int ao, float[] g, int go, int rows, int d, int p, float[] w, float[] c) {
        if (rows == 0) {
            return 0;
        }
        transpose(a, ao, rows, d, w, 0);
        int gt = d * rows;
        transpose(g, go, rows, p, w, gt);
        int d4 = d & ~3;
        int p4 = p & ~3;
        double acc = 0;
        for (int j0 = 0; j0 < p4; j0 += DIRECT_ROW_BLOCK) {
            int j1 = Math.min(p4, j0 + DIRECT_ROW_BLOCK);
            for (int x0 = 0; x0 < d4; x0 += 4) {
                for (int j = j0; j < j1; j += 4) {
                    dot4x4(w, x0 * rows, rows, w, gt + j * rows, rows, rows, c, 0);
                    double tile = 0;
                    for (int k = 0; k < 16; k++) {
                        tile += (double) c[k] * c[k];
                    }
                    acc += tile;
                }
            }
        }
        // Entries in the last (d mod 4) rows or (p mod 4) columns.
        for (int x = 0; x < d; x++) {
            for (int j = x < d4 ? p4 : 0; j < p; j++) {
                double v = CpuBackend.dot(w, x * rows, w, gt + j * rows, rows);
                acc += v * v;
            }
        }
        return acc;
    }

    /**
     * The micro-kernel: {@code c[co + 4i + j] = sum_{k<n} x[xo + i*xs + k] * y[yo + j*ys + k]} for
     * {@code i, j < 4}, in float with fused multiply-adds, k ascending.
     */
    static void dot4x4(float[] x, int xo, int xs, float[] y, int yo, int ys, int n, float[] c, int co) {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        int x1 = xo + xs;
        int x2 = x1 + xs;
        int x3 = x2 + xs;
        int y1 = yo + ys;
        int y2 = y1 + ys;
        int y3 = y2 + ys;
        for (int k = 0; k < n; k++) {
            float a0 = x[xo + k];
            float a1 = x[x1 + k];
            float a2 = x[x2 + k];
            float a3 = x[x3 + k];
            float b0 = y[yo + k];
            float b1 = y[y1 + k];
            float b2 = y[y2 + k];
            float b3 = y[y3 + k];
            c00 = Math.fma(a0, b0, c00);
            c01 = Math.fma(a0, b1, c01);
            c02 = Math.fma(a0, b2, c02);
            c03 = Math.fma(a0, b3, c03);
            c10 = Math.fma(a1, b0, c10);
            c11 = Math.fma(a1, b1, c11);
            c12 = Math.fma(a1, b2, c12);
            c13 = Math.fma(a1, b3, c13);
            c20 = Math.fma(a2, b0, c20);
            c21 = Math.fma(a2, b1, c21);
            c22 = Math.fma(a2, b2, c22);
            c23 = Math.fma(a2, b3, c23);
            c30 = Math.fma(a3, b0, c30);
            c31 = Math.fma(a3, b1, c31);
            c32 = Math.fma(a3, b2, c32);
            c33 = Math.fma(a3, b3, c33);
        }
        c[co] = c00;
        c[co + 1] = c01;
        c[co + 2] = c02;
        c[co + 3] = c03;
        c[co + 4] = c10;
        c[co + 5] = c11;
        c[co + 6] = c12;
        c[co + 7] = c13;
        c[co + 8] = c20;
        c[co + 9] = c21;
        c[co + 10] = c22;
        c[co + 11] = c23;
        c[co + 12] = c30;
        c[co + 13] = c31;
        c[co + 14] = c32;
        c[co + 15] = c33;
    }

    /** {@code dst[wo + col*rows + r] = src[so + r*cols + col]}, blocked for cache. */
    private static void transpose(float[] src, int so, int rows, int cols, float[] dst, int wo) {
        final int blk = 32;
        for (int r0 = 0; r0 < rows; r0 += blk) {
            int r1 = Math.min(rows, r0 + blk);
            for (int c0 = 0; c0 < cols; c0 += blk) {
                int c1 = Math.min(cols, c0 + blk);
                for (int r = r0; r < r1; r++) {
                    int s = so + r * cols;
                    for (int col = c0; col < c1; col++) {
                        dst[wo + col * rows + r] = src[s + col];
                    }
                }
            }
        }
    }

    /** {@code sum_j (sum_{k<n} w[off + j*n + k])^2} over {@code m} rows, in double. */
    private static double rowSumSquares(float[] w, int off, int m, int n) {
        double acc = 0;
        for (int j = 0; j < m; j++) {
            int o = off + j * n;
            float s = 0f;
            for (int k = 0; k < n; k++) {
                s += w[o + k];
            }
            acc += (double) s * s;
        }
        return acc;
    }

    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }
}
