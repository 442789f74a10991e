package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CpuGemmTest {
    static final double TOL = 1e-5;

    /**
     * Both kernels: the scalar one always, the Vector API one whenever the module is readable (the
     * build's surefire argLine adds it, so both run there; a count guard fails if it went missing).
     */
    static List<GemmKernel> kernels() {
        return KernelPair.of(GemmKernel.class, new ScalarGemm(), "org.edp4j.tensor.VectorGemm");
    }

    @Test
    void bothKernelsAreTestedWhenTheVectorApiIsReadable() {
        assertEquals(Vectorization.moduleReadable() ? 2 : 1, kernels().size());
        assertEquals(Vectorization.enabled() ? "VectorGemm" : "ScalarGemm", CpuGemm.KERNEL.getClass().getSimpleName());
    }

    @Property(tries = 60)
    void gemmMatchesFloat64Reference(@ForAll @IntRange(min = 0, max = 37) int m,
                                     @ForAll @IntRange(min = 0, max = 41) int n,
                                     @ForAll @IntRange(min = 0, max = 300) int k,
                                     @ForAll boolean transA, @ForAll boolean transB,
                                     @ForAll @IntRange(min = 0, max = 2) int betaCase,
                                     @ForAll long seed) {
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            float[] c = random(rng, m * n);
            float alpha = 0.75f;
            float beta = new float[] {0f, 1f, -0.5f}[betaCase];
            double[] ref = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = transA ? a[p * m + i] : a[i * k + p];
                        double bv = transB ? b[j * k + p] : b[p * n + j];
                        s += av * bv;
                    }
                    ref[i * n + j] = alpha * s + (beta == 0f ? 0 : beta * c[i * n + j]);
                }
            }
            Tensor ta = be.tensor(a, a.length);
            Tensor tb = be.tensor(b, b.length);
            Tensor tc = be.tensor(c, c.length);
            be.gemm(transA, transB, m, n, k, alpha, ta, tb, beta, tc);
            assertClose(ref, tc.toArray(), k);
            if (be == CpuBackend.instance()) {
                for (GemmKernel kernel : kernels()) {
                    float[] cc = c.clone();
                    CpuGemm.gemm(kernel, transA, transB, m, n, k, alpha, a, b, beta, cc, null, 1);
                    assertClose(ref, cc, k);
                }
            }
        }
    }

    @Property(tries = 40)
    void scaledTransposedProductMatchesReference(@ForAll @IntRange(min = 1, max = 9) int samples,
                                                 @ForAll @IntRange(min = 1, max = 6) int rowsPerSample,
                                                 @ForAll @IntRange(min = 1, max = 40) int m,
                                                 @ForAll @IntRange(min = 1, max = 40) int n,
                                                 @ForAll long seed) {
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            int rows = samples * rowsPerSample;
            float[] a = random(rng, rows * m);
            float[] g = random(rng, rows * n);
            float[] s = random(rng, samples);
            s[0] = 0f; // a masked sample
            float[] c = random(rng, m * n);
            double[] ref = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int r = 0; r < rows; r++) {
                        acc += (double) a[r * m + i] * s[r / rowsPerSample] * g[r * n + j];
                    }
                    ref[i * n + j] = acc + c[i * n + j];
                }
            }
            Tensor tc = be.tensor(c, m, n);
            be.gemmScaledTN(rows, m, n, rowsPerSample, be.tensor(a, rows, m), be.tensor(g, rows, n),
                    be.tensor(s, samples), 1f, tc);
            assertClose(ref, tc.toArray(), rows);
        }
    }

    @Test
    void largeProductUsesAllThreadsAndStaysExact() {
        SplittableRandom rng = new SplittableRandom(7);
        int m = 300;
        int n = 530;
        int k = 270;
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        Backend be = CpuBackend.instance();
        Tensor c = be.zeros(m, n);
        be.gemm(false, false, m, n, k, 1f, be.tensor(a, m, k), be.tensor(b, k, n), 0f, c);
        float[] out = c.toArray();
        for (int trial = 0; trial < 200; trial++) {
            int i = rng.nextInt(m);
            int j = rng.nextInt(n);
            double s = 0;
            for (int p = 0; p < k; p++) {
                s += (double) a[i * k + p] * b[p * n + j];
            }
            assertEquals(s, out[i * n + j], TOL * k);
        }
    }

    /**
     * Odd shapes on both sides of the blocking (scalar: MR 4, KC 128, NC 512; vector: MR 8, NR 32
     * with 512-bit vectors, KC 256, MC 192, NC 512) in all four variants, on both kernels, with
     * beta 0 (C full of NaN: must be ignored), 1 and -0.5, against a float64 reference on fresh
     * random inputs.
     */
    @Test
    void oddShapesAcrossBlockBoundariesMatchFloat64() {
        int[][] shapes = {
            {1, 1, 1}, {1, 3, 5}, {3, 1, 5}, {5, 5, 1}, {3, 5, 127}, {5, 3, 129}, {127, 5, 3},
            {129, 3, 5}, {5, 127, 129}, {3, 513, 5}, {1, 513, 129}, {129, 129, 127}, {4, 512, 128},
            {5, 513, 257}, {513, 5, 129}, {127, 129, 513}, {2, 1, 0}, {0, 3, 4}, {3, 0, 4},
            {8, 32, 256}, {9, 33, 257}, {7, 31, 255}, {193, 65, 513}, {200, 40, 300}, {16, 544, 17},
        };
        SplittableRandom rng = new SplittableRandom(20261124);
        int checked = 0;
        for (GemmKernel kernel : kernels()) {
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean transA = (variant & 1) != 0;
                boolean transB = (variant & 2) != 0;
                for (float beta : new float[] {0f, 1f, -0.5f}) {
                    float[] a = random(rng, m * k);
                    float[] b = random(rng, k * n);
                    float[] c = random(rng, m * n);
                    if (beta == 0f) {
                        java.util.Arrays.fill(c, Float.NaN);
                    }
                    float alpha = 1.25f;
                    double[] ref = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double acc = 0;
                            for (int p = 0; p < k; p++) {
                                double av = transA ? a[p * m + i] : a[i * k + p];
                                double bv = transB ? b[j * k + p] : b[p * n + j];
                                acc += av * bv;
                            }
                            ref[i * n + j] = alpha * acc + (beta == 0f ? 0 : beta * (double) c[i * n + j]);
                        }
                    }
                    CpuGemm.gemm(kernel, transA, transB, m, n, k, alpha, a, b, beta, c, null, 1);
                    assertClose(ref, c, k);
                }
                checked++;
            }
        }
        }
        assertEquals(shapes.length * 4 * kernels().size(), checked);
    }

    /**
     * {@code A^T diag(s) G} at odd shapes across the blocks: samples whose scale is exactly 0 hold NaN
     * in A and G and must contribute nothing; beta 0 ignores NaN in C.
     */
    @Test
    void scaledOddShapesSkipZeroScaleRowsHoldingNaN() {
        int[][] shapes = { // rows, m, n, rowsPerSample
            {1, 1, 1, 1}, {3, 5, 1, 1}, {5, 3, 127, 5}, {129, 5, 3, 3}, {127, 129, 5, 1}, {513, 3, 129, 19},
            {257, 129, 513, 1}, {384, 127, 129, 128}, {260, 4, 512, 2}, {600, 200, 40, 3}, {256, 784, 33, 1},
        };
        SplittableRandom rng = new SplittableRandom(11);
        for (GemmKernel kernel : kernels()) {
        for (int[] sh : shapes) {
            int rows = sh[0];
            int m = sh[1];
            int n = sh[2];
            int per = sh[3];
            int samples = rows / per;
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                float[] a = random(rng, rows * m);
                float[] g = random(rng, rows * n);
                float[] s = random(rng, samples);
                for (int q = 0; q < samples; q += 3) {
                    s[q] = 0f; // every third sample masked, its rows poisoned
                    for (int r = q * per; r < (q + 1) * per; r++) {
                        a[r * m + rng.nextInt(m)] = Float.NaN;
                        g[r * n + rng.nextInt(n)] = Float.NaN;
                    }
                }
                float[] c = random(rng, m * n);
                if (beta == 0f) {
                    java.util.Arrays.fill(c, Float.NaN);
                }
                double[] ref = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double acc = 0;
                        for (int r = 0; r < rows; r++) {
                            if (s[r / per] != 0f) {
                                acc += (double) a[r * m + i] * s[r / per] * g[r * n + j];
                            }
                        }
                        ref[i * n + j] = acc + (beta == 0f ? 0 : beta * (double) c[i * n + j]);
                    }
                }
                CpuGemm.gemm(kernel, true, false, m, n, rows, 1f, a, g, beta, c, s, per);
                assertClose(ref, c, rows);
            }
        }
        }
    }

    /**
     * Each row of C is bit for bit the product of that row alone (m = 1): the result does not depend
     * on how the rows are grouped into micro-kernel blocks or split across threads.
     */
    @Test
    void rowsDoNotDependOnTheSplit() {
        SplittableRandom rng = new SplittableRandom(3);
        int m = 43;
        int n = 600;
        int k = 301;
        for (GemmKernel kernel : kernels()) {
        for (int variant = 0; variant < 4; variant++) {
            boolean transA = (variant & 1) != 0;
            boolean transB = (variant & 2) != 0;
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            float[] got = new float[m * n];
            CpuGemm.gemm(kernel, transA, transB, m, n, k, 0.5f, a, b, 0f, got, null, 1);
            for (int i = 0; i < m; i++) {
                float[] row = new float[k];
                for (int p = 0; p < k; p++) {
                    row[p] = transA ? a[p * m + i] : a[i * k + p];
                }
                float[] one = new float[n];
                CpuGemm.gemm(kernel, false, transB, 1, n, k, 0.5f, row, b, 0f, one, null, 1);
                org.junit.jupiter.api.Assertions.assertArrayEquals(one,
                        java.util.Arrays.copyOfRange(got, i * n, (i + 1) * n), "row " + i + ", variant " + variant);
            }
        }
        }
    }

    /**
     * A product wider than tall is split across threads by columns: the same floats, bit for bit, as
     * the whole product on one thread, in every variant, with and without a scale (zero-scale terms
     * holding NaN), C starting full of NaN (beta 0) and at shapes whose split falls inside a panel.
     */
    @Test
    void wideProductsSplitByColumnsEqualTheOneThreadProduct() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] shapes = {{8, 784, 400}, {43, 600, 301}, {256, 512, 17}, {5, 2003, 260}, {200, 233, 300}};
        for (GemmKernel kernel : kernels()) {
            for (int[] shape : shapes) {
                int m = shape[0];
                int n = shape[1];
                int k = shape[2];
                assertTrue((long) m * n * k >= 2 * kernel.minMultiplyAddsPerThread() || Parallel.threads() == 1,
                        "shape too small to be split: " + java.util.Arrays.toString(shape));
                for (int variant = 0; variant < 8; variant++) {
                    boolean transA = (variant & 1) != 0;
                    boolean transB = (variant & 2) != 0;
                    float[] scale = null;
                    float[] a = random(rng, m * k);
                    float[] b = random(rng, k * n);
                    if ((variant & 4) != 0) {
                        scale = random(rng, k);
                        for (int p = 0; p < k; p += 7) {
                            scale[p] = 0f;
                            for (int i = 0; i < m; i++) {
                                a[transA ? p * m + i : i * k + p] = Float.NaN;
                            }
                        }
                    }
                    float[] split = new float[m * n];
                    java.util.Arrays.fill(split, Float.NaN);
                    CpuGemm.gemm(kernel, transA, transB, m, n, k, 0.75f, a, 0, b, 0, 0f, split, 0, scale, 0, 1);
                    float[] one = new float[m * n];
                    CpuGemm.single(kernel, transA, transB, m, n, k, 0.75f, a, 0, b, 0, one, 0, scale);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(one, split,
                            java.util.Arrays.toString(shape) + ", variant " + variant);
                }
            }
        }
    }

    /**
     * The Vector API kernel and the scalar one give the same floats, bit for bit, in every variant,
     * with and without a scale (zero-scale rows holding NaN), at shapes across both blockings.
     */
    @Property(tries = 40)
    void vectorAndScalarKernelsAgreeBitForBit(@ForAll @IntRange(min = 1, max = 90) int m,
                                              @ForAll @IntRange(min = 1, max = 140) int n,
                                              @ForAll @IntRange(min = 1, max = 600) int k,
                                              @ForAll @IntRange(min = 0, max = 4) int variant,
                                              @ForAll @IntRange(min = 1, max = 7) int per,
                                              @ForAll boolean unitAlpha, @ForAll long seed) {
        List<GemmKernel> ks = kernels();
        if (ks.size() < 2) {
            return; // no Vector API in this JVM: nothing to compare (the guard test says so)
        }
        // whole row panels: the vector kernel reads a transposed A in place instead of packing it (whatever
        // alpha, whose factor goes into B; unitAlpha also takes B's packing without the multiply)
        float alpha = unitAlpha ? 1f : 0.75f;
        if (unitAlpha) {
            m = (m + 7) / 8 * 8;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        boolean transA = (variant & 1) != 0 || variant == 4;
        boolean transB = (variant & 2) != 0 && variant != 4;
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] scale = null;
        if (variant == 4) { // the clipped sum: A^T diag(s) B, masked samples poisoned with NaN
            scale = random(rng, (k + per - 1) / per);
            for (int q = 0; q < scale.length; q += 2) {
                scale[q] = 0f;
                for (int r = q * per; r < Math.min(k, (q + 1) * per); r++) {
                    a[r * m + rng.nextInt(m)] = Float.NaN;
                    b[r * n + rng.nextInt(n)] = Float.NaN;
                }
            }
        }
        float[] c0 = random(rng, m * n);
        float[] c1 = c0.clone();
        CpuGemm.gemm(ks.get(0), transA, transB, m, n, k, alpha, a, b, -0.5f, c0, scale, per);
        CpuGemm.gemm(ks.get(1), transA, transB, m, n, k, alpha, a, b, -0.5f, c1, scale, per);
        org.junit.jupiter.api.Assertions.assertArrayEquals(c0, c1);
    }

    @Test
    void sizeMismatchNamesTheTensor() {
        Backend be = CpuBackend.instance();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.gemm(false, false, 2, 2, 2, 1f, be.zeros(3), be.zeros(4), 0f, be.zeros(4)));
        assertEquals("tensor 'A' [3] has 3 elements, expected 4", e.getMessage());
    }

    /**
     * The single-threaded entry points the per-sample norms run on: {@code gemmTN} with A and B at
     * offsets into larger arrays (C overwritten over NaN), and {@code gramLower} on and below the
     * diagonal (entries past the group of four left untouched), against float64, for n across the
     * row groups and panels and k across the k-blocks; both bit-identical to {@code gemm} on copies.
     */
    @Property(tries = 40)
    void singleThreadEntryPointsMatchFloat64(@ForAll @IntRange(min = 1, max = 140) int m,
                                             @ForAll @IntRange(min = 1, max = 45) int n,
                                             @ForAll @IntRange(min = 1, max = 300) int k,
                                             @ForAll @IntRange(min = 0, max = 9) int off,
                                             @ForAll long seed) {
        for (GemmKernel kernel : kernels()) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = random(rng, off + k * m + 3);
        float[] b = random(rng, 2 * off + k * n);
        float[] c = new float[m * n + 5];
        java.util.Arrays.fill(c, Float.NaN);
        CpuGemm.gemmTN(kernel, m, n, k, a, off, b, 2 * off, c);
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[off + p * m + i] * b[2 * off + p * n + j];
                }
                ref[i * n + j] = s;
            }
        }
        assertClose(ref, java.util.Arrays.copyOf(c, m * n), k);
        float[] viaGemm = new float[m * n];
        CpuGemm.gemm(kernel, true, false, m, n, k, 1f, java.util.Arrays.copyOfRange(a, off, off + k * m),
                java.util.Arrays.copyOfRange(b, 2 * off, 2 * off + k * n), 0f, viaGemm, null, 1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(viaGemm, java.util.Arrays.copyOf(c, m * n));

        // Gram of the m rows of length k stored from a[off].
        assertGramLower(kernel, a, off, m, k);
        }
    }

    /**
     * {@code gramLower} past one column block of the vector kernel (more than 512 rows: packed A, the
     * general blocking with edge tiles), against float64 and bit for bit against {@code gemm} NT.
     */
    @Test
    void gramLowerOfMoreRowsThanOneColumnBlock() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int n : new int[] {513, 1030}) {
            float[] x = random(rng, n * 37);
            for (GemmKernel kernel : kernels()) {
                assertGramLower(kernel, x, 0, n, 37);
            }
        }
    }

    /**
     * {@code kernel.gramLower} of the n rows of length k stored from {@code a[off]}: on and below the
     * diagonal up to the end of each row's group of four, against float64 and bit for bit against
     * {@code gemm} NT; the rest of each row (and a column past n) untouched.
     */
    private static void assertGramLower(GemmKernel kernel, float[] a, int off, int n, int k) {
        float[][] g = new float[n + 2][n + 3];
        for (float[] row : g) {
            java.util.Arrays.fill(row, -7f);
        }
        kernel.gramLower(a, off, n, k, g);
        float[] full = new float[n * n];
        float[] x = java.util.Arrays.copyOfRange(a, off, off + n * k);
        CpuGemm.gemm(kernel, false, true, n, n, k, 1f, x, x, 0f, full, null, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n + 3; j++) {
                if (j >= Math.min(n, (i & -4) + 4)) {
                    assertEquals(-7f, g[i][j], "untouched " + i + "," + j);
                    continue;
                }
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) x[i * k + p] * x[j * k + p];
                }
                assertClose(new double[] {s}, new float[] {g[i][j]}, k);
                assertEquals(full[i * n + j], g[i][j], "gram " + i + "," + j + " against gemm NT");
            }
        }
    }

    /**
     * {@code CpuGemm.single} (attention's entry point: one thread, operands at offsets, C overwritten
     * whatever it held, an optional per-term scale with zero terms skipped) gives {@code gemm}'s floats
     * bit for bit on both kernels, and writes nothing outside its C.
     */
    @Property(tries = 40)
    void singleAtOffsetsIsGemmBitForBit(@ForAll @IntRange(min = 1, max = 40) int m,
                                        @ForAll @IntRange(min = 1, max = 200) int n,
                                        @ForAll @IntRange(min = 1, max = 300) int k,
                                        @ForAll @IntRange(min = 0, max = 3) int variant,
                                        @ForAll boolean scaled, @ForAll long seed) {
        boolean transA = (variant & 1) != 0;
        boolean transB = (variant & 2) != 0;
        for (GemmKernel kernel : kernels()) {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] a = random(rng, 3 + m * k);
            float[] b = random(rng, 5 + k * n);
            float[] scale = scaled ? random(rng, k) : null;
            if (scaled) {
                for (int p = 0; p < k; p += 3) {
                    scale[p] = 0f;
                }
            }
            float[] c = new float[7 + m * n + 4];
            java.util.Arrays.fill(c, Float.NaN);
            CpuGemm.single(kernel, transA, transB, m, n, k, 0.5f, a, 3, b, 5, c, 7, scale);
            float[] want = new float[m * n];
            CpuGemm.gemm(kernel, transA, transB, m, n, k, 0.5f, java.util.Arrays.copyOfRange(a, 3, a.length),
                    java.util.Arrays.copyOfRange(b, 5, b.length), 0f, want, scale, 1);
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, java.util.Arrays.copyOfRange(c, 7, 7 + m * n));
            for (int x : new int[] {0, 6, 7 + m * n, c.length - 1}) {
                assertTrue(Float.isNaN(c[x]), "wrote outside C at " + x);
            }
        }
    }

    /**
     * {@code CpuGemm.single} with leading dimensions (attention's operands inside the rows of qkv, its
     * output inside the rows of out) on both kernels: against float64 on fresh random inputs, element by
     * element, and bit for bit the call on compact copies and the scalar kernel; the floats between the
     * operands' rows hold NaN, which must not reach C, and the floats between C's rows must stay
     * untouched. Shapes off the register blocks and edge panels; whole row panels (with unitAlpha) take
     * the vector kernel's in-place transposed A, and {@code rowTiles} (A [m, k] with m a multiple of 4,
     * C 64 or 128 wide, no scale or one run of attended keys) its in-place A rows.
     */
    @Property(tries = 60)
    void singleWithLeadingDimensionsMatchesFloat64(@ForAll @IntRange(min = 1, max = 45) int m,
                                                   @ForAll @IntRange(min = 1, max = 70) int n,
                                                   @ForAll @IntRange(min = 1, max = 300) int k,
                                                   @ForAll @IntRange(min = 0, max = 3) int variant,
                                                   @ForAll @IntRange(min = 0, max = 40) int padA,
                                                   @ForAll @IntRange(min = 0, max = 40) int padB,
                                                   @ForAll @IntRange(min = 0, max = 40) int padC,
                                                   @ForAll boolean keys, @ForAll boolean unitAlpha,
                                                   @ForAll boolean rowTiles, @ForAll long seed) {
        boolean transA = (variant & 1) != 0 && !rowTiles;
        boolean transB = (variant & 2) != 0;
        if (rowTiles) {
            unitAlpha = true;
            n = 64 * (1 + n % 2);
            m = (m + 3) / 4 * 4;
            k = Math.min(k, 200);
        }
        float alpha = unitAlpha ? 1f : 0.375f;
        if (unitAlpha && !rowTiles) {
            m = (m + 7) / 8 * 8;
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + padA;
        int ldb = bCols + padB;
        int ldc = n + padC;
        for (GemmKernel kernel : kernels()) {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] a = strided(rng, 5, aRows, aCols, lda);
            float[] b = strided(rng, 2, bRows, bCols, ldb);
            float[] scale = null;
            if (keys) { // attention's attended keys: 0 or 1 per term, a zero term's A and B values NaN
                scale = new float[k];
                // with unitAlpha a padded sequence: the keys [lo, hi) attended (padding at either end), one
                // run, which the vector kernel reads in place (transposed A, or rowTiles)
                int lo = rng.nextInt(k);
                int hi = lo + 1 + rng.nextInt(k - lo);
                for (int p = 0; p < k; p++) {
                    scale[p] = unitAlpha ? (p >= lo && p < hi ? 1f : 0f) : rng.nextInt(4) == 0 ? 0f : 1f;
                    if (scale[p] == 0f) {
                        for (int i = 0; i < m; i++) {
                            a[5 + (transA ? p * lda + i : i * lda + p)] = Float.NaN;
                        }
                        for (int j = 0; j < n; j++) {
                            b[2 + (transB ? j * ldb + p : p * ldb + j)] = Float.NaN;
                        }
                    }
                }
            }
            float[] c = new float[3 + (m - 1) * ldc + n + padC];
            java.util.Arrays.fill(c, Float.NaN);
            CpuGemm.single(kernel, transA, transB, m, n, k, alpha, a, 5, lda, b, 2, ldb, c, 3, ldc, scale);
            double[] ref = new double[m * n];
            float[] got = new float[m * n];
            float[] ac = new float[m * k];
            float[] bc = new float[k * n];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    ac[transA ? p * m + i : i * k + p] = a[5 + (transA ? p * lda + i : i * lda + p)];
                }
            }
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    bc[transB ? j * k + p : p * n + j] = b[2 + (transB ? j * ldb + p : p * ldb + j)];
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        if (scale == null || scale[p] != 0f) {
                            s += (double) ac[transA ? p * m + i : i * k + p] * bc[transB ? j * k + p : p * n + j];
                        }
                    }
                    ref[i * n + j] = alpha * s;
                    got[i * n + j] = c[3 + i * ldc + j];
                }
            }
            assertClose(ref, got, k);
            float[] compact = new float[m * n];
            CpuGemm.single(kernel, transA, transB, m, n, k, alpha, ac, 0, bc, 0, compact, 0, scale);
            org.junit.jupiter.api.Assertions.assertArrayEquals(compact, got, "leading dimensions vs compact");
            float[] scalar = new float[m * n];
            CpuGemm.single(new ScalarGemm(), transA, transB, m, n, k, alpha, ac, 0, bc, 0, scalar, 0, scale);
            org.junit.jupiter.api.Assertions.assertArrayEquals(scalar, got, "against the scalar kernel");
            for (int x = 0; x < c.length; x++) {
                int r = (x - 3) / ldc;
                int col = (x - 3) % ldc;
                boolean inside = x >= 3 && r < m && col < n;
                if (!inside) {
                    assertTrue(Float.isNaN(c[x]), "wrote outside C at " + x);
                }
            }
        }
    }

    /**
     * A rows x cols matrix with leading dimension ld from {@code off}: random values, NaN in the pads
     * before, between and after the rows.
     */
    private static float[] strided(SplittableRandom rng, int off, int rows, int cols, int ld) {
        float[] x = new float[off + rows * ld + 8];
        java.util.Arrays.fill(x, Float.NaN);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                x[off + r * ld + j] = (float) (rng.nextDouble() * 2 - 1);
            }
        }
        return x;
    }

    /**
     * The threaded entry on views (main's offsets for A, B, C and the scale) on both kernels: against
     * float64 on fresh random inputs, element by element, with beta 0 over NaN, 1 and -0.5, a scale
     * per group of {@code per} terms with zero groups holding NaN in A and B, M/N/K off the register
     * and cache blocks, M large enough to be split across threads; nothing written outside C, and
     * the same floats as the call on copies at offset 0.
     */
    @Property(tries = 40)
    void gemmAtOffsetsMatchesFloat64OnBothKernels(@ForAll @IntRange(min = 0, max = 300) int m,
                                                  @ForAll @IntRange(min = 1, max = 70) int n,
                                                  @ForAll @IntRange(min = 1, max = 90) int groups,
                                                  @ForAll @IntRange(min = 1, max = 4) int per,
                                                  @ForAll @IntRange(min = 0, max = 3) int variant,
                                                  @ForAll @IntRange(min = 0, max = 2) int betaCase,
                                                  @ForAll @IntRange(min = 0, max = 17) int off,
                                                  @ForAll long seed) {
        boolean transA = (variant & 1) != 0;
        boolean transB = (variant & 2) != 0;
        int k = groups * per;
        float beta = new float[] {0f, 1f, -0.5f}[betaCase];
        int ao = off;
        int bo = 2 * off + 1;
        int co = 3 * off + 2;
        int so = off + 3;
        for (GemmKernel kernel : kernels()) {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] a = random(rng, ao + m * k + 4);
            float[] b = random(rng, bo + k * n + 4);
            float[] scale = random(rng, so + groups + 4);
            for (int q = 0; q < groups; q += 4) {
                scale[so + q] = 0f;
                for (int p = q * per; p < (q + 1) * per; p++) {
                    for (int i = 0; i < m; i++) {
                        a[ao + (transA ? p * m + i : i * k + p)] = Float.NaN;
                    }
                    for (int j = 0; j < n; j++) {
                        b[bo + (transB ? j * k + p : p * n + j)] = Float.NaN;
                    }
                }
            }
            float[] c = random(rng, co + m * n + 5);
            if (beta == 0f) {
                java.util.Arrays.fill(c, co, co + m * n, Float.NaN);
            }
            float[] c0 = c.clone();
            double[] ref = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        double sp = scale[so + p / per];
                        if (sp == 0) {
                            continue;
                        }
                        double av = a[ao + (transA ? p * m + i : i * k + p)];
                        double bv = b[bo + (transB ? j * k + p : p * n + j)];
                        acc += 0.75 * sp * av * bv;
                    }
                    ref[i * n + j] = acc + (beta == 0f ? 0 : beta * (double) c0[co + i * n + j]);
                }
            }
            CpuGemm.gemm(kernel, transA, transB, m, n, k, 0.75f, a, ao, b, bo, beta, c, co, scale, so, per);
            assertClose(ref, java.util.Arrays.copyOfRange(c, co, co + m * n), k);
            for (int x = 0; x < c.length; x++) {
                if (x < co || x >= co + m * n) {
                    assertEquals(Float.floatToRawIntBits(c0[x]), Float.floatToRawIntBits(c[x]), "wrote outside C at " + x);
                }
            }
            float[] atZero = java.util.Arrays.copyOfRange(c0, co, co + m * n);
            CpuGemm.gemm(kernel, transA, transB, m, n, k, 0.75f, java.util.Arrays.copyOfRange(a, ao, a.length),
                    java.util.Arrays.copyOfRange(b, bo, b.length), beta, atZero,
                    java.util.Arrays.copyOfRange(scale, so, scale.length), per);
            org.junit.jupiter.api.Assertions.assertArrayEquals(atZero, java.util.Arrays.copyOfRange(c, co, co + m * n));
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    static void assertClose(double[] ref, float[] got, int k) {
        for (int i = 0; i < ref.length; i++) {
            double tol = TOL * Math.max(1, k) * 0.1 + 1e-6;
            if (!(Math.abs(ref[i] - got[i]) <= tol)) { // NaN fails too
                throw new AssertionError("element " + i + ": expected " + ref[i] + ", got " + got[i]);
            }
        }
    }
}
