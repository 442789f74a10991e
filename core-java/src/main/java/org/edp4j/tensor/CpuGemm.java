package org.edp4j.tensor;

import java.util.Arrays;

/**
 * Single-precision GEMM on heap arrays, row-major, blocked for cache and spread over the cores.
 *
 * <ul>
 *   <li>{@code NN}: A {@code [m,k]}, B {@code [k,n]}.
 *   <li>{@code TN}: A stored {@code [k,m]}; an optional per-row scale of the shared dimension
 *       ({@code A^T diag(s) B}) is fused into the packing of B; a row of the shared dimension whose
 *       scale is exactly 0 is left out of the product (so NaN in its A or B row does not reach C).
 *   <li>{@code NT}, {@code TT}: B stored {@code [n,k]}; it is transposed while it is packed.
 * </ul>
 *
 * <p>Each thread owns a range of rows of C, or of columns when C is wider than tall (each thread packs
 * the part of op(B) its columns need, so the larger operand is packed once, not once per thread), and
 * runs a {@link GemmKernel} on its tile: {@code VectorGemm}
 * (packed panels and an 8-row register-blocked micro-kernel written with Java's Vector API) when
 * {@link Vectorization#enabled()}, else {@link ScalarGemm} (a 4-row micro-kernel that C2
 * auto-vectorizes). The kernel is picked once per JVM.
 *
 * <p>Every element of C is {@code beta C} (or 0 when beta is 0, whatever C held) followed by one
 * fused multiply-add per term of the shared dimension, in increasing order, whatever the kernel,
 * the blocking or the split into threads: the result does not depend on the thread count or on
 * whether the Vector API is enabled.
 */
final class CpuGemm {
    /** The kernel of this JVM. */
    static final GemmKernel KERNEL = Vectorization.pick(GemmKernel.class, "org.edp4j.tensor.VectorGemm",
            ScalarGemm::new);

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
        gemm(KERNEL, transA, transB, m, n, k, alpha, a, 0, b, 0, beta, c, 0, scale, 0, rowsPerScale);
    }

    /**
     * {@link #gemm} on tensors that start at an offset of their arrays (views of a caller's
     * memory): A at {@code a[ao ..]}, B at {@code b[bo ..]}, C at {@code c[co ..]}, the scale at
     * {@code scale[so ..]}. Same arithmetic.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int ao,
                     float[] b, int bo, float beta, float[] c, int co, float[] scale, int so, int rowsPerScale) {
        gemm(KERNEL, transA, transB, m, n, k, alpha, a, ao, b, bo, beta, c, co, scale, so, rowsPerScale);
    }

    /** {@link #gemm} on the given kernel (tests run both). */
    static void gemm(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, float[] b, float beta, float[] c, float[] scale, int rowsPerScale) {
        gemm(kernel, transA, transB, m, n, k, alpha, a, 0, b, 0, beta, c, 0, scale, 0, rowsPerScale);
    }

    /** {@link #gemm} at offsets on the given kernel (tests run both). */
    static void gemm(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int ao, float[] b, int bo, float beta, float[] c, int co, float[] scale, int so,
                     int rowsPerScale) {
        if (m == 0 || n == 0) {
            return;
        }
        // Each thread packs the part of op(B) its tile needs and the whole of op(A) (or the other way
        // round), so a wide C (n > m) is split by columns: op(B), the larger operand, is packed once.
        // The mlp's forward and input-gradient products are such (256 x 784 x 512, 256 x 512 x 784).
        long minWork = kernel.minMultiplyAddsPerThread();
        long work = (long) m * n * Math.max(1, k);
        boolean byColumns = n > m && work >= 2 * minWork;
        int extent = byColumns ? n : m;
        int block = byColumns ? kernel.columnBlock() : kernel.rowBlock();
        long perIndex = Math.max(1L, (long) (byColumns ? m : n) * Math.max(1, k));
        int grain = work < 2 * minWork ? extent : (int) Math.max(block, Math.min(extent, minWork / perIndex));
        Parallel.range(extent, grain, block, (x0, x1) -> {
            int i0 = byColumns ? 0 : x0;
            int i1 = byColumns ? m : x1;
            int j0 = byColumns ? x0 : 0;
            int j1 = byColumns ? x1 : n;
            scaleBlock(c, co, i0, i1, j0, j1, n, beta);
            if (k > 0 && alpha != 0f) {
                kernel.tile(transA, transB, i0, i1, j0, j1, k, alpha, a, ao, transA ? m : k, b, bo,
                        transB ? k : n, c, co, n, scale, so, rowsPerScale);
            }
        });
    }

    /** {@code C[i, j] *= beta} on rows {@code [i0, i1)}, columns {@code [j0, j1)} (0 when beta is 0). */
    private static void scaleBlock(float[] c, int co, int i0, int i1, int j0, int j1, int n, float beta) {
        if (beta == 1f) {
            return;
        }
        for (int i = i0; i < i1; i++) {
            int from = co + i * n + j0;
            int to = co + i * n + j1;
            if (beta == 0f) {
                Arrays.fill(c, from, to, 0f);
            } else {
                for (int x = from; x < to; x++) {
                    c[x] *= beta;
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
        gemmTN(KERNEL, m, n, k, a, ao, b, bo, c);
    }

    /** {@link #gemmTN} on the given kernel. */
    static void gemmTN(GemmKernel kernel, int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c) {
        single(kernel, true, false, m, n, k, 1f, a, ao, b, bo, c, 0, null);
    }

    /**
     * {@code C = alpha op(A) op(B)} on the calling thread (for callers that split work themselves),
     * operands at offsets: A at {@code a[ao ..]}, B at {@code b[bo ..]}, C {@code [m, n]} at
     * {@code c[co ..]} (overwritten, whatever it held). {@code scale}: optional per-term factor as in
     * {@link #gemm} (one per term from {@code scale[0]}, a zero term skipped). Same arithmetic as
     * {@link #gemm}. A, B, scale: not modified; c: modified.
     */
    static void single(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int ao,
                       float[] b, int bo, float[] c, int co, float[] scale) {
        single(KERNEL, transA, transB, m, n, k, alpha, a, ao, b, bo, c, co, scale);
    }

    /** {@link #single} on the given kernel. */
    static void single(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int ao, float[] b, int bo, float[] c, int co, float[] scale) {
        single(kernel, transA, transB, m, n, k, alpha, a, ao, transA ? m : k, b, bo, transB ? k : n, c, co, n,
                scale);
    }

    /**
     * {@link #single} on operands inside larger row-major matrices (attention reads a head's Q, K, V
     * out of the rows of qkv, and writes its output into the head's columns): A's stored row r at
     * {@code a[ao + r lda ..]} ({@code [m, k]}, or {@code [k, m]} when transposed), B's at
     * {@code b[bo + r ldb ..]} ({@code [k, n]}, or {@code [n, k]}), C's row i at {@code c[co + i ldc ..]},
     * its n floats overwritten; the floats between C's rows are not written. Same arithmetic as
     * {@link #gemm}.
     */
    static void single(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int ao, int lda,
                       float[] b, int bo, int ldb, float[] c, int co, int ldc, float[] scale) {
        single(KERNEL, transA, transB, m, n, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, scale);
    }

    /** {@link #single} with leading dimensions, on the given kernel. */
    static void single(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
                       float[] scale) {
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, co + i * ldc, co + i * ldc + n, 0f);
        }
        if (m > 0 && n > 0 && k > 0 && alpha != 0f) {
            kernel.tile(transA, transB, 0, m, 0, n, k, alpha, a, ao, lda, b, bo, ldb, c, co, ldc, scale, 0, 1);
        }
    }

    /**
     * The lower part of the Gram matrix {@code X X^T} of the {@code n} rows of X (length k, stored
     * contiguously from {@code x[xo]}), on one thread: {@code c[i][j] = x_i . x_j} for
     * {@code j < min(n, i - i % 4 + 4)} (the rest of each row is not touched). Same arithmetic as
     * {@link #gemm}: one fused multiply-add per term, ascending (so {@code c[i][j]} has the bits of
     * {@code x_j . x_i}). x: not modified. The lower part, not the upper: the kernels' column panels
     * are wider than their row panels, and a short last panel of columns then meets only the last rows.
     *
     * @param c at least n rows of at least n floats each; modified
     */
    static void gramLower(float[] x, int xo, int n, int k, float[][] c) {
        KERNEL.gramLower(x, xo, n, k, c);
    }

    /**
     * Whether the first kk factors listed by {@link #activeTerms} are all 1: a kernel then packs B's
     * values as they are, without the multiply.
     */
    static boolean unitFactors(int kk, float[] ss) {
        for (int q = 0; q < kk; q++) {
            if (ss[q] != 1f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lists the terms of {@code [p0, p1)} whose factor {@code alpha * scale[so + p / rowsPerScale]}
     * is not 0 into {@code ps} (their indices p) and {@code ss} (their factors); returns their count.
     */
    static int activeTerms(int p0, int p1, float alpha, float[] scale, int so, int rowsPerScale, int[] ps,
                           float[] ss) {
        int kk = 0;
        for (int p = p0; p < p1; p++) {
            float s = alpha;
            if (scale != null) {
                s *= scale[so + p / rowsPerScale];
                if (s == 0f) {
                    continue;
                }
            }
            ps[kk] = p;
            ss[kk] = s;
            kk++;
        }
        return kk;
    }
}
