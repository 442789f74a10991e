package org.edp4j.tensor;

import java.util.Arrays;

/**
 * The scalar {@link GemmKernel}: plain Java whose inner loops C2 (JDK 17) auto-vectorizes. The
 * fallback when Java's Vector API is not enabled ({@link Vectorization}).
 *
 * <p>For every block of KC rows of the shared dimension and NC columns of C, the block of op(B) is
 * packed into row arrays indexed from 0 (one array per row of the block); then, four rows of C at a
 * time, those C rows are copied into 0-based row arrays, the micro-kernel runs and they are copied
 * back. The micro-kernel updates the four C rows from two rows of the B block,
 * {@code c_r[j] = fma(a_r1, b1[j], fma(a_r0, b0[j], c_r[j]))}: an inner loop over {@code j} that C2
 * vectorizes. It does so only when every array is indexed from 0 (with two unknown offsets into
 * possibly one array it cannot prove the loads independent of the stores) and only for small
 * bodies. Measured on one core of the 2-core AMD EPYC (AVX-512) build VM, C rows and B rows in
 * L1/L2: 4 x 2 about 50 GFLOP/s, 3 x 2 and 2 x 2 about 45, 4 x 1 about 25; 4 x 4, 2 x 4, 2 x 3,
 * 3 x 3, 6 x 2 and 8 x 1 ran at 5-13 (apparently not vectorized), and 4 x 2 with {@code a * b + c}
 * (two roundings, no FMA) at 12.
 */
final class ScalarGemm implements GemmKernel {
    /** Depth of a k-block: the packed B block of KC x NC floats stays in L2. */
    private static final int KC = 128;
    /** Width of an n-block: four C rows of NC floats stay in L1. */
    private static final int NC = 512;
    /** Rows of C per micro-kernel call. */
    private static final int MR = 4;

    /** Per-thread packing buffers; every row array is indexed from 0 (see the class comment). */
    private static final class Scratch {
        final float[][] b = new float[KC][NC];
        final float[][] c = new float[MR][NC];
        /** Packed A, {@code [MR][KC]}: {@code op(A)[i + r, p]} of the active p (the factors are in B's rows). */
        final float[] a = new float[MR * KC];
        /** Indices p of the active terms of the current k-block (scale not 0). */
        final int[] p = new int[KC];
        /** {@code alpha * scale[p / rowsPerScale]} of the active terms. */
        final float[] s = new float[KC];
        /** Packed {@code X^T} of {@link #gramLower}, {@code [KC][n]}; grows. */
        private float[][] g = new float[KC][0];

        float[][] gram(int n) {
            if (g[0].length < n) {
                g = new float[KC][n];
            }
            return g;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Any width works for the scalar loops; 16 floats keep a thread's columns on their own cache lines. */
    @Override
    public int columnBlock() {
        return 16;
    }

    @Override
    public int rowBlock() {
        return MR;
    }

    @Override
    public long minMultiplyAddsPerThread() {
        return 1L << 18;
    }

    @Override
    public void tile(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                     float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
                     float[] scale, int so, int rowsPerScale) {
        Scratch w = SCRATCH.get();
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            int kk = CpuGemm.activeTerms(p0, p1, alpha, scale, so, rowsPerScale, w.p, w.s);
            if (kk == 0) {
                continue;
            }
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(j1, jc + NC) - jc;
                packB(transB, b, bo, ldb, jc, nc, kk, w);
                int i = i0;
                for (; i + MR <= i1; i += MR) {
                    packA(transA, a, ao, lda, i, MR, kk, w);
                    float[][] cr = w.c;
                    for (int r = 0; r < MR; r++) {
                        System.arraycopy(c, co + (i + r) * ldc + jc, cr[r], 0, nc);
                    }
                    block4(cr[0], cr[1], cr[2], cr[3], w.b, w.a, kk, 0, nc);
                    for (int r = 0; r < MR; r++) {
                        System.arraycopy(cr[r], 0, c, co + (i + r) * ldc + jc, nc);
                    }
                }
                for (; i < i1; i++) {
                    packA(transA, a, ao, lda, i, 1, kk, w);
                    float[] cr = w.c[0];
                    System.arraycopy(c, co + i * ldc + jc, cr, 0, nc);
                    block1(cr, w.b, w.a, kk, 0, nc);
                    System.arraycopy(cr, 0, c, co + i * ldc + jc, nc);
                }
            }
        }
    }

    /**
     * Every row of {@code X^T} of a k-block is packed once, whole (n floats, no n-blocking), and each
     * group of four C rows runs over the columns up to its last row.
     */
    @Override
    public void gramLower(float[] x, int xo, int n, int k, float[][] c) {
        for (int i = 0; i < n; i++) {
            Arrays.fill(c[i], 0, Math.min(n, (i & -MR) + MR), 0f);
        }
        Scratch w = SCRATCH.get();
        float[][] bp = w.gram(n);
        float[] ap = w.a;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kk = Math.min(k, p0 + KC) - p0;
            for (int j = 0; j < n; j++) {
                int base = xo + j * k + p0;
                for (int q = 0; q < kk; q++) {
                    bp[q][j] = x[base + q];
                }
            }
            int i = 0;
            for (; i + MR <= n; i += MR) {
                for (int r = 0; r < MR; r++) {
                    System.arraycopy(x, xo + (i + r) * k + p0, ap, r * KC, kk);
                }
                block4(c[i], c[i + 1], c[i + 2], c[i + 3], bp, ap, kk, 0, Math.min(n, i + MR));
            }
            for (; i < n; i++) {
                System.arraycopy(x, xo + i * k + p0, ap, 0, kk);
                block1(c[i], bp, ap, kk, 0, Math.min(n, (i & -MR) + MR));
            }
        }
    }

    /**
     * {@code w.b[q][0, nc) = s_q op(B)[p_q, j0 + (0, nc)]} for the active terms (s_q their factors,
     * rounded products as {@code VectorGemm}'s panels); B's rows ldb floats apart.
     */
    private static void packB(boolean transB, float[] b, int bo, int ldb, int j0, int nc, int kk, Scratch w) {
        float[][] bp = w.b;
        int[] ps = w.p;
        float[] ss = w.s;
        if (!transB) {
            // copy, then scale in place: a loop reading b at an offset and writing the row is not
            // vectorized by C2 (it cannot tell the two arrays apart), one over the row alone is
            for (int q = 0; q < kk; q++) {
                float[] row = bp[q];
                System.arraycopy(b, bo + ps[q] * ldb + j0, row, 0, nc);
                float s = ss[q];
                if (s != 1f) {
                    for (int j = 0; j < nc; j++) {
                        row[j] *= s;
                    }
                }
            }
        } else if (CpuGemm.unitFactors(kk, ss)) {
            // B stored [n,k]: row j of storage holds column j of op(B).
            for (int j = 0; j < nc; j++) {
                int base = bo + (j0 + j) * ldb;
                for (int q = 0; q < kk; q++) {
                    bp[q][j] = b[base + ps[q]];
                }
            }
        } else {
            for (int j = 0; j < nc; j++) {
                int base = bo + (j0 + j) * ldb;
                for (int q = 0; q < kk; q++) {
                    bp[q][j] = b[base + ps[q]] * ss[q];
                }
            }
        }
    }

    /** {@code w.a[r * KC + q] = op(A)[i + r, p_q]} for {@code r < rows}; A's rows lda floats apart. */
    private static void packA(boolean transA, float[] a, int ao, int lda, int i, int rows, int kk, Scratch w) {
        float[] ap = w.a;
        int[] ps = w.p;
        for (int r = 0; r < rows; r++) {
            int o = r * KC;
            if (transA) {
                for (int q = 0; q < kk; q++) {
                    ap[o + q] = a[ao + ps[q] * lda + i + r];
                }
            } else {
                int base = ao + (i + r) * lda;
                for (int q = 0; q < kk; q++) {
                    ap[o + q] = a[base + ps[q]];
                }
            }
        }
    }

    /** Columns {@code [from, nc)} of four C rows += packed A {@code [4][kk]} times packed B {@code [kk][nc]}, two terms at a time. */
    private static void block4(float[] c0, float[] c1, float[] c2, float[] c3, float[][] bp, float[] ap, int kk,
                               int from, int nc) {
        int q = 0;
        for (; q + 2 <= kk; q += 2) {
            kernel4x2(c0, c1, c2, c3, bp[q], bp[q + 1],
                    ap[q], ap[q + 1], ap[KC + q], ap[KC + q + 1],
                    ap[2 * KC + q], ap[2 * KC + q + 1], ap[3 * KC + q], ap[3 * KC + q + 1], from, nc);
        }
        if (q < kk) {
            kernel4x1(c0, c1, c2, c3, bp[q], ap[q], ap[KC + q], ap[2 * KC + q], ap[3 * KC + q], from, nc);
        }
    }

    /** Columns {@code [from, nc)} of one C row += packed A {@code [1][kk]} times packed B {@code [kk][nc]}. */
    private static void block1(float[] c0, float[][] bp, float[] ap, int kk, int from, int nc) {
        int q = 0;
        for (; q + 2 <= kk; q += 2) {
            kernel1x2(c0, bp[q], bp[q + 1], ap[q], ap[q + 1], from, nc);
        }
        if (q < kk) {
            kernel1x1(c0, bp[q], ap[q], from, nc);
        }
    }

    // The kernels: every array indexed from 0, one fused multiply-add per term in increasing order.

    private static void kernel4x2(float[] c0, float[] c1, float[] c2, float[] c3, float[] b0, float[] b1,
                                  float a00, float a01, float a10, float a11,
                                  float a20, float a21, float a30, float a31, int from, int nc) {
        for (int j = from; j < nc; j++) {
            float x0 = b0[j];
            float x1 = b1[j];
            c0[j] = Math.fma(a01, x1, Math.fma(a00, x0, c0[j]));
            c1[j] = Math.fma(a11, x1, Math.fma(a10, x0, c1[j]));
            c2[j] = Math.fma(a21, x1, Math.fma(a20, x0, c2[j]));
            c3[j] = Math.fma(a31, x1, Math.fma(a30, x0, c3[j]));
        }
    }

    private static void kernel4x1(float[] c0, float[] c1, float[] c2, float[] c3, float[] b0,
                                  float a0, float a1, float a2, float a3, int from, int nc) {
        for (int j = from; j < nc; j++) {
            float x0 = b0[j];
            c0[j] = Math.fma(a0, x0, c0[j]);
            c1[j] = Math.fma(a1, x0, c1[j]);
            c2[j] = Math.fma(a2, x0, c2[j]);
            c3[j] = Math.fma(a3, x0, c3[j]);
        }
    }

    private static void kernel1x2(float[] c0, float[] b0, float[] b1, float a0, float a1, int from, int nc) {
        for (int j = from; j < nc; j++) {
            c0[j] = Math.fma(a1, b1[j], Math.fma(a0, b0[j], c0[j]));
        }
    }

    private static void kernel1x1(float[] c0, float[] b0, float a0, int from, int nc) {
        for (int j = from; j < nc; j++) {
            c0[j] = Math.fma(a0, b0[j], c0[j]);
        }
    }
}
