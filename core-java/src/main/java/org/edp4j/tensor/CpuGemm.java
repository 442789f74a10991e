package org.edp4j.tensor;

import java.util.Arrays;

/**
 * Single-precision GEMM on heap arrays, row-major, blocked for cache and spread over the cores.
 *
 * <ul>
 *   <li>{@code NN}: A {@code [m,k]}, B {@code [k,n]}.
 *   <li>{@code TN}: A stored {@code [k,m]}; an optional per-row scale of the shared dimension
 *       ({@code A^T diag(s) B}) is fused into the packing of A; a row of the shared dimension whose
 *       scale is exactly 0 is left out of the product (so NaN in its A or B row does not reach C).
 *   <li>{@code NT}, {@code TT}: B stored {@code [n,k]}; it is transposed while it is packed.
 * </ul>
 *
 * <p>Each thread owns a range of rows of C. For every block of KC rows of the shared dimension and
 * NC columns of C it packs that block of B into its own row arrays indexed from 0 (one array per
 * row of the block), then, four rows of C at a time, copies those C rows into 0-based row arrays,
 * runs the micro-kernel and copies them back. The micro-kernel updates the four C rows from two
 * rows of the B block, {@code c_r[j] = fma(a_r1, b1[j], fma(a_r0, b0[j], c_r[j]))}: an inner loop
 * over {@code j} that C2 (JDK 17) vectorizes. It does so only when every array is indexed from 0
 * (with two unknown offsets into possibly one array it cannot prove the loads independent of the
 * stores) and only for small bodies. Measured on one core of the 2-core AMD EPYC (AVX-512) build
 * VM, C rows and B rows in L1/L2: 4 x 2 about 50 GFLOP/s, 3 x 2 and 2 x 2 about 45, 4 x 1 about 25;
 * 4 x 4, 2 x 4, 2 x 3, 3 x 3, 6 x 2 and 8 x 1 ran at 5-13 (apparently not vectorized), and 4 x 2
 * with {@code a * b + c} (two roundings, no FMA) at 12.
 *
 * <p>Every element of C is {@code beta C} (or 0 when beta is 0, whatever C held) followed by one
 * fused multiply-add per term of the shared dimension, in increasing order, whatever the blocking,
 * the micro-kernel shape or the split into threads: the result does not depend on the thread count.
 */
final class CpuGemm {
    /** Depth of a k-block: the packed B block of KC x NC floats stays in L2. */
    private static final int KC = 128;
    /** Width of an n-block: four C rows of NC floats stay in L1. */
    private static final int NC = 512;
    /** Rows of C per micro-kernel call. */
    private static final int MR = 4;
    /** Minimum multiply-adds per thread before the product is split. */
    private static final long FLOPS_PER_THREAD = 1L << 18;

    /** Per-thread packing buffers; every row array is indexed from 0 (see the class comment). */
    private static final class Scratch {
        final float[][] b = new float[KC][NC];
        final float[][] c = new float[MR][NC];
        /** Packed A, {@code [MR][KC]}: {@code alpha * scale * op(A)[i + r, p]} of the active p. */
        final float[] a = new float[MR * KC];
        /** Indices p of the active terms of the current k-block (scale not 0). */
        final int[] p = new int[KC];
        /** {@code alpha * scale[p / rowsPerScale]} of the active terms. */
        final float[] s = new float[KC];
        /** Packed {@code X^T} of {@link #gramUpper}, {@code [KC][n]}; grows. */
        private float[][] g = new float[KC][0];

        float[][] gram(int n) {
            if (g[0].length < n) {
                g = new float[KC][n];
            }
            return g;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private CpuGemm() {
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C}.
     *
     * @param scale optional (may be null) per-k scale: {@code op(A)[i,p] * scale[p / rowsPerScale]};
     *              a term whose {@code alpha * scale} is exactly 0 is skipped
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, float[] b, float beta, float[] c, float[] scale, int rowsPerScale) {
        gemm(transA, transB, m, n, k, alpha, a, 0, b, 0, beta, c, 0, scale, 0, rowsPerScale);
    }

    /**
     * {@link #gemm} on tensors that start at an offset of their arrays (views of a caller's
     * memory): A at {@code a[ao ..]}, B at {@code b[bo ..]}, C at {@code c[co ..]}, the scale at
     * {@code scale[so ..]}. Same arithmetic.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int ao,
                     float[] b, int bo, float beta, float[] c, int co, float[] scale, int so, int rowsPerScale) {
        if (m == 0 || n == 0) {
            return;
        }
        long flops = (long) m * n * Math.max(1, k);
        int grain = (int) Math.max(MR, Math.min(m, FLOPS_PER_THREAD / Math.max(1L, (long) n * Math.max(1, k))));
        if (flops < FLOPS_PER_THREAD) {
            grain = m;
        }
        Parallel.range(m, grain, MR, (i0, i1) -> {
            scaleRows(c, co, i0, i1, n, beta);
            if (k > 0 && alpha != 0f) {
                rows(transA, transB, i0, i1, m, n, k, alpha, a, ao, b, bo, c, co, scale, so, rowsPerScale,
                        SCRATCH.get());
            }
        });
    }

    private static void scaleRows(float[] c, int co, int i0, int i1, int n, float beta) {
        int from = co + i0 * n;
        int to = co + i1 * n;
        if (beta == 0f) {
            Arrays.fill(c, from, to, 0f);
        } else if (beta != 1f) {
            for (int x = from; x < to; x++) {
                c[x] *= beta;
            }
        }
    }

    /** Rows {@code [i0, i1)} of C += alpha op(A) op(B). */
    private static void rows(boolean transA, boolean transB, int i0, int i1, int m, int n, int k, float alpha,
                             float[] a, int ao, float[] b, int bo, float[] c, int co, float[] scale, int so,
                             int rowsPerScale, Scratch w) {
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            int kk = activeTerms(p0, p1, alpha, scale, so, rowsPerScale, w);
            if (kk == 0) {
                continue;
            }
            for (int j0 = 0; j0 < n; j0 += NC) {
                int nc = Math.min(n, j0 + NC) - j0;
                packB(transB, b, bo, n, k, j0, nc, kk, w);
                int i = i0;
                for (; i + MR <= i1; i += MR) {
                    packA(transA, a, ao, m, k, i, MR, kk, w);
                    float[][] cr = w.c;
                    for (int r = 0; r < MR; r++) {
                        System.arraycopy(c, co + (i + r) * n + j0, cr[r], 0, nc);
                    }
                    block4(cr[0], cr[1], cr[2], cr[3], w.b, w.a, kk, 0, nc);
                    for (int r = 0; r < MR; r++) {
                        System.arraycopy(cr[r], 0, c, co + (i + r) * n + j0, nc);
                    }
                }
                for (; i < i1; i++) {
                    packA(transA, a, ao, m, k, i, 1, kk, w);
                    float[] cr = w.c[0];
                    System.arraycopy(c, co + i * n + j0, cr, 0, nc);
                    block1(cr, w.b, w.a, kk, 0, nc);
                    System.arraycopy(cr, 0, c, co + i * n + j0, nc);
                }
            }
        }
    }

    /**
     * {@code C = A^T B} on one thread, A stored {@code [k, m]} at {@code a[ao ..]}, B {@code [k, n]}
     * at {@code b[bo ..]}, C {@code [m, n]} at {@code c[0 ..]} (overwritten, whatever it held).
     * Same arithmetic as {@link #gemm}: one fused multiply-add per term, p ascending. A and B: not
     * modified; c: modified.
     */
    static void gemmTN(int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        if (m > 0 && n > 0 && k > 0) {
            rows(true, false, 0, m, m, n, k, 1f, a, ao, b, bo, c, 0, null, 0, 1, SCRATCH.get());
        }
    }

    /**
     * The upper part of the Gram matrix {@code X X^T} of the {@code n} rows of X (length k, stored
     * contiguously from {@code x[xo]}), on one thread: {@code c[i][j] = x_i . x_j} for
     * {@code j >= i - i % 4} (the rest of each row is not touched), with the vectorized
     * micro-kernel: every row of {@code X^T} of a k-block is packed once, whole (n floats, no
     * n-blocking), and each group of four C rows runs over the columns from its first row on.
     * Same arithmetic as {@link #gemm}: one fused multiply-add per term, ascending. x: not modified.
     *
     * @param c at least n rows of at least n floats each; modified
     */
    static void gramUpper(float[] x, int xo, int n, int k, float[][] c) {
        for (int i = 0; i < n; i++) {
            Arrays.fill(c[i], i & -MR, n, 0f);
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
                block4(c[i], c[i + 1], c[i + 2], c[i + 3], bp, ap, kk, i, n);
            }
            for (; i < n; i++) {
                System.arraycopy(x, xo + i * k + p0, ap, 0, kk);
                block1(c[i], bp, ap, kk, i & -MR, n);
            }
        }
    }

    /** Lists the terms of {@code [p0, p1)} whose factor {@code alpha * scale} is not 0; returns their count. */
    private static int activeTerms(int p0, int p1, float alpha, float[] scale, int so, int rowsPerScale,
                                   Scratch w) {
        int kk = 0;
        for (int p = p0; p < p1; p++) {
            float s = alpha;
            if (scale != null) {
                s *= scale[so + p / rowsPerScale];
                if (s == 0f) {
                    continue;
                }
            }
            w.p[kk] = p;
            w.s[kk] = s;
            kk++;
        }
        return kk;
    }

    /** {@code w.b[q][0, nc) = op(B)[p_q, j0 + (0, nc)]} for the active terms. */
    private static void packB(boolean transB, float[] b, int bo, int n, int k, int j0, int nc, int kk, Scratch w) {
        float[][] bp = w.b;
        int[] ps = w.p;
        if (!transB) {
            for (int q = 0; q < kk; q++) {
                System.arraycopy(b, bo + ps[q] * n + j0, bp[q], 0, nc);
            }
        } else {
            // B stored [n,k]: row j of storage holds column j of op(B).
            for (int j = 0; j < nc; j++) {
                int base = bo + (j0 + j) * k;
                for (int q = 0; q < kk; q++) {
                    bp[q][j] = b[base + ps[q]];
                }
            }
        }
    }

    /** {@code w.a[r * KC + q] = s_q op(A)[i + r, p_q]} for {@code r < rows}. */
    private static void packA(boolean transA, float[] a, int ao, int m, int k, int i, int rows, int kk, Scratch w) {
        float[] ap = w.a;
        int[] ps = w.p;
        float[] ss = w.s;
        for (int r = 0; r < rows; r++) {
            int o = r * KC;
            if (transA) {
                for (int q = 0; q < kk; q++) {
                    ap[o + q] = a[ao + ps[q] * m + i + r] * ss[q];
                }
            } else {
                int base = ao + (i + r) * k;
                for (int q = 0; q < kk; q++) {
                    ap[o + q] = a[base + ps[q]] * ss[q];
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
