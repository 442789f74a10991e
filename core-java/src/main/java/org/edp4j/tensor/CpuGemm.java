package org.edp4j.tensor;

/**
 * Single-precision GEMM on heap arrays, row-major, blocked for cache and spread over the cores.
 *
 * <p>All variants reduce to one micro-kernel: four rows of C are updated from one row of the
 * (packed) right-hand side at a time, {@code c_r[j] += a_r * b[j]}, an inner loop over contiguous
 * {@code j} that the JIT vectorizes. Rows of C are split across threads, so no two threads write
 * the same element and the result does not depend on the thread count.
 *
 * <ul>
 *   <li>{@code NN}: A {@code [m,k]}, B {@code [k,n]}.
 *   <li>{@code TN}: A stored {@code [k,m]}; an optional per-row scale of the shared dimension
 *       ({@code A^T diag(s) B}) is fused into the read of A.
 *   <li>{@code NT}, {@code TT}: B is transposed once into a scratch panel first.
 * </ul>
 */
final class CpuGemm {
    /** Depth of a k-block: a B panel of KC x NC floats stays in L2. */
    private static final int KC = 128;
    /** Width of an n-block: four C rows of NC floats stay in L1. */
    private static final int NC = 512;
    /** Minimum multiply-adds per thread before the product is split. */
    private static final long FLOPS_PER_THREAD = 1L << 18;

    private static final ThreadLocal<float[]> TRANSPOSE_SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private CpuGemm() {
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C}.
     *
     * @param scale optional (may be null) per-k scale: {@code op(A)[i,p] * scale[p / rowsPerScale]}
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, float[] b, float beta, float[] c, float[] scale, int rowsPerScale) {
        if (m == 0 || n == 0) {
            return;
        }
        float[] bn = b;
        if (transB) {
            // B stored [n,k]; make a [k,n] copy so the micro-kernel reads contiguous rows.
            bn = TRANSPOSE_SCRATCH.get();
            if (bn.length < k * n) {
                bn = new float[k * n];
                TRANSPOSE_SCRATCH.set(bn);
            }
            transpose(b, n, k, bn);
        }
        final float[] bb = bn;
        long flops = (long) m * n * Math.max(1, k);
        int grain = (int) Math.max(4, Math.min(m, FLOPS_PER_THREAD / Math.max(1L, (long) n * Math.max(1, k))));
        if (flops < FLOPS_PER_THREAD) {
            grain = m;
        }
        Parallel.range(m, grain, 4, (i0, i1) -> {
            scaleRows(c, i0, i1, n, beta);
            if (k > 0 && alpha != 0f) {
                kernel(transA, i0, i1, n, k, m, alpha, a, bb, c, scale, rowsPerScale);
            }
        });
    }

    private static void scaleRows(float[] c, int i0, int i1, int n, float beta) {
        int from = i0 * n;
        int to = i1 * n;
        if (beta == 0f) {
            java.util.Arrays.fill(c, from, to, 0f);
        } else if (beta != 1f) {
            for (int x = from; x < to; x++) {
                c[x] *= beta;
            }
        }
    }

    /** Rows {@code [i0, i1)} of C += alpha op(A) B, B {@code [k,n]} row-major. */
    private static void kernel(boolean transA, int i0, int i1, int n, int k, int m, float alpha,
                               float[] a, float[] b, float[] c, float[] scale, int rowsPerScale) {
        for (int j0 = 0; j0 < n; j0 += NC) {
            int j1 = Math.min(n, j0 + NC);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int p1 = Math.min(k, p0 + KC);
                int i = i0;
                for (; i + 4 <= i1; i += 4) {
                    int c0 = i * n;
                    int c1 = c0 + n;
                    int c2 = c1 + n;
                    int c3 = c2 + n;
                    for (int p = p0; p < p1; p++) {
                        float s = alpha;
                        if (scale != null) {
                            s *= scale[p / rowsPerScale];
                            if (s == 0f) {
                                continue;
                            }
                        }
                        float a0;
                        float a1;
                        float a2;
                        float a3;
                        if (transA) {
                            int base = p * m + i;
                            a0 = a[base] * s;
                            a1 = a[base + 1] * s;
                            a2 = a[base + 2] * s;
                            a3 = a[base + 3] * s;
                        } else {
                            int base = i * k + p;
                            a0 = a[base] * s;
                            a1 = a[base + k] * s;
                            a2 = a[base + 2 * k] * s;
                            a3 = a[base + 3 * k] * s;
                        }
                        int bRow = p * n;
                        for (int j = j0; j < j1; j++) {
                            float bj = b[bRow + j];
                            c[c0 + j] += a0 * bj;
                            c[c1 + j] += a1 * bj;
                            c[c2 + j] += a2 * bj;
                            c[c3 + j] += a3 * bj;
                        }
                    }
                }
                for (; i < i1; i++) {
                    int c0 = i * n;
                    for (int p = p0; p < p1; p++) {
                        float s = alpha;
                        if (scale != null) {
                            s *= scale[p / rowsPerScale];
                            if (s == 0f) {
                                continue;
                            }
                        }
                        float a0 = (transA ? a[p * m + i] : a[i * k + p]) * s;
                        int bRow = p * n;
                        for (int j = j0; j < j1; j++) {
                            c[c0 + j] += a0 * b[bRow + j];
                        }
                    }
                }
            }
        }
    }

    /** {@code dst[k,n] = src[n,k]^T}, blocked for cache. */
    static void transpose(float[] src, int rows, int cols, float[] dst) {
        final int blk = 32;
        for (int r0 = 0; r0 < rows; r0 += blk) {
            int r1 = Math.min(rows, r0 + blk);
            for (int c0 = 0; c0 < cols; c0 += blk) {
                int c1 = Math.min(cols, c0 + blk);
                for (int r = r0; r < r1; r++) {
                    for (int col = c0; col < c1; col++) {
                        dst[col * rows + r] = src[r * cols + col];
                    }
                }
            }
        }
    }
}
