package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CpuGemmTest {
    static final double TOL = 1e-5;

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

    @Test
    void sizeMismatchNamesTheTensor() {
        Backend be = CpuBackend.instance();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.gemm(false, false, 2, 2, 2, 1f, be.zeros(3), be.zeros(4), 0f, be.zeros(4)));
        assertEquals("tensor 'A' [3] has 3 elements, expected 4", e.getMessage());
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
            if (Math.abs(ref[i] - got[i]) > tol) {
                throw new AssertionError("element " + i + ": expected " + ref[i] + ", got " + got[i]);
            }
        }
    }
}
