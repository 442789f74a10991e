package org.edp4j.tensor;

/**
 * The single-threaded arithmetic behind {@link CpuGemm}: {@link ScalarGemm} (plain Java that C2
 * auto-vectorizes) or {@code VectorGemm} (Java's Vector API), picked once by {@link Vectorization}.
 *
 * <p>Contract shared by both, so that they agree bit for bit: every element of C receives one fused
 * multiply-add {@code c = fma(op(A)[i,p], s_p op(B)[p,j], c)} per active term p of the shared
 * dimension, in increasing p, starting from the value C holds, where {@code s_p = alpha * scale_p}
 * (rounded to float) and {@code s_p op(B)[p,j]} is rounded to float before the fused multiply-add; a
 * term whose factor {@code s_p} is exactly 0 is not active (NaN in its rows of A or B never reaches C).
 * The factor goes with B so that A, free of it, can be read where it is stored.
 */
interface GemmKernel {
    /**
     * The tile of rows {@code [i0, i1)} and columns {@code [j0, j1)} of {@code C += alpha op(A) op(B)}
     * (with the optional scale, see {@link CpuGemm#gemm}), k terms; row-major with leading dimensions:
     * A's stored row r at {@code a[ao + r lda ..]} (A stored {@code [m, k]}, or {@code [k, m]} when
     * transposed), B's at {@code b[bo + r ldb ..]} ({@code [k, n]}, or {@code [n, k]}), C's row i at
     * {@code c[co + i ldc ..]}, the scale at {@code scale[so ..]}. A, B, scale: not modified; c: that
     * tile modified, nothing else (not the floats between C's rows). Each element's
     * arithmetic is the same whatever tile it is computed in, so splitting C by rows or by columns across
     * threads gives the same bits.
     */
    void tile(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
              float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
              float[] scale, int so, int rowsPerScale);

    /** See {@link CpuGemm#gramLower}. */
    void gramLower(float[] x, int xo, int n, int k, float[][] c);

    /** Rows of C per micro-kernel call: a thread's share of the rows starts at a multiple of it. */
    int rowBlock();

    /** Columns of C per packed panel of B: a thread's share of the columns starts at a multiple of it. */
    int columnBlock();

    /** Multiply-adds below which a product is not split across threads (handing work over costs microseconds). */
    long minMultiplyAddsPerThread();
}
