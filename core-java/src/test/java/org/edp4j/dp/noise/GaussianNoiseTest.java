package org.edp4j.dp.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GaussianNoiseTest {

    /** Tolerance against a reference that uses another libm (Math or C) on the same double formula. */
    static final double LIBM_TOL = 1e-13;
    /** Sample size of the distribution tests. */
    static final int N = 200_000;
    /** Kolmogorov's asymptotic critical value at alpha = 0.001: sqrt(-ln(alpha / 2) / 2) / sqrt(n). */
    static final double KS_CRITICAL = Math.sqrt(-Math.log(0.001 / 2) / 2) / Math.sqrt(N);

    // ------------------------------------------------------------------------------------------------
    // Independent references

    /**
     * Float64 Box–Muller computed from the raw ChaCha20 words with exact big-number arithmetic for the
     * 64-bit value and the uniform, and java.lang.Math for the transcendental functions.
     */
    static double referenceNormal(int[] key, int stream, long step, long element) {
        int[] w = new int[16];
        ChaCha20.block(key, (int) (element / 8), new int[] {stream, (int) step, (int) (step >>> 32)}, w);
        int pair = (int) (element % 8) / 2;
        double u1 = referenceUniform(w, 2 * pair);
        double u2 = referenceUniform(w, 2 * pair + 1);
        double r = Math.sqrt(-2 * Math.log(u1));
        double theta = 2 * Math.PI * u2;
        return element % 2 == 0 ? r * Math.cos(theta) : r * Math.sin(theta);
    }

    /** (floor(x / 2^12) + 1/2) / 2^52 with x = lo + 2^32 hi as an exact unsigned integer. */
    static double referenceUniform(int[] w, int k) {
        BigInteger lo = BigInteger.valueOf(Integer.toUnsignedLong(w[2 * k]));
        BigInteger hi = BigInteger.valueOf(Integer.toUnsignedLong(w[2 * k + 1]));
        BigInteger x = hi.shiftLeft(32).add(lo);
        BigDecimal m = new BigDecimal(x.shiftRight(12));
        BigDecimal u = m.add(new BigDecimal("0.5")).divide(new BigDecimal(BigInteger.ONE.shiftLeft(52)));
        return u.doubleValue(); // exact: u has at most 53 significant bits
    }

    /** Standard normal CDF via erfc (Numerical Recipes erfcc, fractional error < 1.2e-7). */
    static double phi(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /** Kolmogorov–Smirnov statistic D_n = sup |F_n(x) - F(x)| of a sample against the N(0, s^2) CDF. */
    static double ksNormal(double[] sample, double s) {
        double[] x = sample.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = phi(x[i] / s);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    // ------------------------------------------------------------------------------------------------
    // Layout: independent references

    @Property(tries = 200)
    void matchesFloat64ReferenceFromRawChaChaWords(@ForAll long seed, @ForAll @IntRange(min = 0, max = 20) int stream,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long step,
            @ForAll @LongRange(min = 0, max = GaussianNoise.MAX_ELEMENTS - 1) long element) {
        GaussianNoise g = GaussianNoise.insecureSeeded(seed);
        double ref = referenceNormal(g.key(), stream, step, element);
        double[] got = new double[1];
        g.fillNormals(stream, step, element, got, 0, 1, 1.0);
        assertEquals(ref, got[0], LIBM_TOL * (1 + Math.abs(ref)));
        assertEquals(got[0], g.normal(stream, step, element));
    }

    @Property(tries = 200)
    void uniformMatchesExactReference(@ForAll long seed, @ForAll @IntRange(min = 0, max = 20) int stream,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long step,
            @ForAll @LongRange(min = 0, max = GaussianNoise.MAX_ELEMENTS - 1) long element) {
        GaussianNoise g = GaussianNoise.insecureSeeded(seed);
        int[] w = new int[16];
        ChaCha20.block(g.key(), (int) (element >>> 3), new int[] {stream, (int) step, (int) (step >>> 32)}, w);
        assertEquals(referenceUniform(w, (int) (element % 8)), g.uniform(stream, step, element));
    }

    /** Values from golden_noise.py (Python, the `cryptography` package's ChaCha20, C libm). */
    @Test
    void pythonReferenceGoldenValues() {
        GaussianNoise g = GaussianNoise.insecureSeeded(42);
        assertArrayEquals(new int[] {0x2feb6e95, 0xbdd73226, 0xb266f103, 0x28efe333, 0x130f9f52, 0x47526757,
            0x0e4ae394, 0x581ce1ff}, g.key());
        assertClose(new double[] {-2.026144074040077, -0.4513531167974918, 0.2839432826460516, 0.7021903746634,
            1.314782810451251, 0.14939022519325393, -0.2538456776593308, 0.14185415973192098, 0.16745369408371075,
            -0.8063376523472068, -1.2026713103141258, 0.3076867805856776}, normals(g, 0, 7, 0, 12));
        assertClose(new double[] {-0.4260031092876002, 0.8603054953828453, 0.19910565883223416, 0.8299305918779072,
            0.4120762350145966, 0.7568768456782116, -0.2628381845202456, 1.9482654367345238, -0.4224131567292943,
            -0.41635824309716296, 1.1325518397253151, 0.2316632860669694}, normals(g, 0, (1L << 32) + 5, 0, 12));
        assertClose(new double[] {1.079309952865966, -0.08586673223503591, 0.07856982964503448,
            0.07295421089559115, 0.37540438454900543}, normals(g, 1, 3, 1000003, 5));
        double[] u = new double[10];
        g.fillUniforms(2, 9, 0, u, 0, 10);
        assertArrayEquals(new double[] {0.2345675161839046, 0.7947986929171974, 0.2016032020446653,
            0.7172136646704811, 0.6221105591339801, 0.8910716102891728, 0.2720291938441429, 0.8442341937856087,
            0.25174558955311965, 0.30015892775372255}, u);
    }

    static double[] normals(GaussianNoise g, int stream, long step, long first, int n) {
        double[] z = new double[n];
        g.fillNormals(stream, step, first, z, 0, n, 1.0);
        return z;
    }

    static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], LIBM_TOL * (1 + Math.abs(expected[i])), "index " + i);
        }
    }

    @Test
    void insecureSeededKeyIsSplitMix64AsDocumented() {
        SplittableRandom r = new SplittableRandom(-123456789L);
        int[] expected = new int[8];
        for (int i = 0; i < 4; i++) {
            long s = r.nextLong();
            expected[2 * i] = (int) s;
            expected[2 * i + 1] = (int) (s >>> 32);
        }
        assertArrayEquals(expected, GaussianNoise.insecureSeeded(-123456789L).key());
    }

    // ------------------------------------------------------------------------------------------------
    // Uniform transform

    @Property
    void uniformIsStrictlyInsideTheUnitIntervalAndExact(@ForAll long x) {
        double u = GaussianNoise.toUniform(x);
        assertTrue(u > 0 && u < 1, "u = " + u);
        assertEquals((double) (x >>> 12), u * 0x1p52 - 0.5); // no rounding anywhere
    }

    @Test
    void uniformExtremes() {
        assertEquals(0x1p-53, GaussianNoise.toUniform(0L));
        assertEquals(0x1p-53, GaussianNoise.toUniform(0xFFFL));
        assertEquals(1 - 0x1p-53, GaussianNoise.toUniform(-1L));
        assertTrue(GaussianNoise.toUniform(-1L) < 1.0);
        // The 53-bit midpoint formula would round to 1.0 here; the 52-bit one cannot.
        assertEquals(1.0, ((double) (-1L >>> 11) + 0.5) * 0x1p-53);
    }

    @Test
    void normalsAreBoundedByTheSmallestUniform() {
        double bound = Math.sqrt(-2 * Math.log(0x1p-53));
        int[] w = new int[16]; // all-zero words: u1 = u2 = 2^-53, the largest radius
        double[] z = new double[8];
        GaussianNoise.normals(w, z);
        assertEquals(bound, z[0], 1e-12);
        assertTrue(bound < 8.58);
    }

    // ------------------------------------------------------------------------------------------------
    // Distribution

    @Test
    void meanVarianceAndKolmogorovSmirnovAtStddev2point5() {
        final float s = 2.5f;
        GaussianNoise g = GaussianNoise.insecureSeeded(20240607L);
        float[] f = new float[N];
        g.fillNormals(GaussianNoise.GRADIENT_NOISE, 11, 0, f, 0, N, s);
        double[] x = new double[N];
        double sum = 0;
        for (int i = 0; i < N; i++) {
            x[i] = f[i];
            sum += x[i];
        }
        double mean = sum / N;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double var = ss / (N - 1);
        // 5 standard errors: |mean| < 5 s / sqrt(N), |var / s^2 - 1| < 5 sqrt(2 / N).
        assertTrue(Math.abs(mean) < 5 * s / Math.sqrt(N), "mean " + mean);
        assertTrue(Math.abs(var / (s * s) - 1) < 5 * Math.sqrt(2.0 / N), "variance " + var);
        double d = ksNormal(x, s);
        assertTrue(d < KS_CRITICAL, "KS D = " + d + " >= " + KS_CRITICAL);
    }

    @Test
    void kolmogorovSmirnovAcrossBlockPositionsAndStreams() {
        // Each of the 8 positions in a block (cos and sin outputs, 4 pairs) is N(0,1) on its own.
        GaussianNoise g = GaussianNoise.insecureSeeded(7);
        double[] all = new double[8 * 25_000];
        g.fillNormals(GaussianNoise.CLIP_QUANTILE_NOISE, 1L << 40, 123, all, 0, all.length, 1.0);
        double crit = Math.sqrt(-Math.log(0.001 / 2) / 2) / Math.sqrt(25_000);
        for (int p = 0; p < 8; p++) {
            double[] sub = new double[25_000];
            for (int i = 0; i < sub.length; i++) {
                sub[i] = all[8 * i + p];
            }
            double d = ksNormal(sub, 1.0);
            assertTrue(d < crit, "position " + p + ": KS D = " + d);
        }
    }

    @Test
    void uniformsPassKolmogorovSmirnov() {
        GaussianNoise g = GaussianNoise.insecureSeeded(99);
        double[] u = new double[N];
        g.fillUniforms(GaussianNoise.SAMPLING, 3, 5, u, 0, N);
        Arrays.sort(u);
        double d = 0;
        for (int i = 0; i < N; i++) {
            d = Math.max(d, Math.max((i + 1.0) / N - u[i], u[i] - (double) i / N));
        }
        assertTrue(d < KS_CRITICAL, "KS D = " + d);
    }

    // ------------------------------------------------------------------------------------------------
    // Independence of keys, steps and streams; reproducibility

    @Test
    void differentKeysStepsAndStreamsGiveDifferentStreams() {
        GaussianNoise a = GaussianNoise.insecureSeeded(1);
        GaussianNoise b = GaussianNoise.insecureSeeded(2);
        double[] base = normals(a, 0, 5, 0, 64);
        assertNoCommonValue(base, normals(b, 0, 5, 0, 64));
        assertNoCommonValue(base, normals(a, 0, 6, 0, 64));
        assertNoCommonValue(base, normals(a, 0, 5 + (1L << 32), 0, 64)); // high nonce word is used
        assertNoCommonValue(base, normals(a, 1, 5, 0, 64));
        assertNoCommonValue(base, normals(a, 0, 5, 64, 64));
    }

    static void assertNoCommonValue(double[] x, double[] y) {
        for (double v : x) {
            for (double w : y) {
                assertNotEquals(v, w);
            }
        }
    }

    @Property(tries = 20)
    void fixedSeedReproducesBitForBit(@ForAll long seed, @ForAll @LongRange(min = 0, max = 1L << 40) long step) {
        float[] x = new float[1000];
        float[] y = new float[1000];
        GaussianNoise.insecureSeeded(seed).fillNormals(0, step, 17, x, 0, 1000, 1.5f);
        GaussianNoise.insecureSeeded(seed).fillNormals(0, step, 17, y, 0, 1000, 1.5f);
        assertArrayEquals(x, y);
        float[] z = new float[1000];
        GaussianNoise.fromKey(GaussianNoise.insecureSeeded(seed).key()).fillNormals(0, step, 17, z, 0, 1000, 1.5f);
        assertArrayEquals(x, z);
    }

    @Test
    void secureKeysDifferBetweenInstances() {
        GaussianNoise a = GaussianNoise.secure();
        GaussianNoise b = GaussianNoise.secure();
        assertTrue(a.isSecure() && b.isSecure());
        assertFalse(Arrays.equals(a.key(), b.key()));
        assertNoCommonValue(normals(a, 0, 0, 0, 32), normals(b, 0, 0, 0, 32));
    }

    @Test
    void keyIsACopyAndToStringHidesIt() {
        GaussianNoise g = GaussianNoise.insecureSeeded(3);
        assertFalse(g.isSecure());
        int[] k = g.key();
        k[0] ^= 1;
        assertFalse(Arrays.equals(k, g.key()));
        int[] original = g.key();
        GaussianNoise restored = GaussianNoise.fromKey(original);
        original[0] ^= 1; // fromKey copied
        assertArrayEquals(normals(g, 0, 1, 0, 16), normals(restored, 0, 1, 0, 16));
        for (int word : g.key()) {
            assertFalse(g.toString().contains(Integer.toHexString(word)));
            assertFalse(g.toString().contains(Integer.toString(word)));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Partial fills

    @Property(tries = 300)
    void partialFillsEqualTheFullFill(@ForAll @IntRange(min = 0, max = 200) int first,
            @ForAll @IntRange(min = 0, max = 100) int length, @ForAll @IntRange(min = 0, max = 9) int offset) {
        GaussianNoise g = GaussianNoise.insecureSeeded(5);
        float[] full = new float[300];
        g.fillNormals(0, 8, 0, full, 0, full.length, 2.5f);
        float[] part = new float[offset + length + 3];
        Arrays.fill(part, Float.NaN);
        g.fillNormals(0, 8, first, part, offset, length, 2.5f);
        for (int i = 0; i < part.length; i++) {
            if (i < offset || i >= offset + length) {
                assertTrue(Float.isNaN(part[i]), "wrote outside [offset, offset + length) at " + i);
            } else {
                assertEquals(full[first + i - offset], part[i]);
            }
        }
        double[] fullU = new double[300];
        g.fillUniforms(2, 8, 0, fullU, 0, fullU.length);
        double[] partU = new double[offset + length];
        g.fillUniforms(2, 8, first, partU, offset, length);
        for (int i = 0; i < length; i++) {
            assertEquals(fullU[first + i], partU[offset + i]);
            assertEquals(fullU[first + i], g.uniform(2, 8, first + i));
        }
    }

    @Property(tries = 30)
    void longFillsThroughTheBulkPathEqualElementByElement(@ForAll @IntRange(min = 0, max = 600) int first,
            @ForAll @IntRange(min = 0, max = 2000) int length) {
        // Fills of 512+ aligned elements take the 64-block SIMD path; every value must be the one
        // the single-element definition gives (bit for bit: same blocks, same StrictMath transform).
        GaussianNoise g = GaussianNoise.insecureSeeded(12);
        float[] f = new float[length + 1];
        double[] d = new double[length];
        g.fillNormals(0, 3, first, f, 1, length, 1.5f);
        g.fillNormals(0, 3, first, d, 0, length, 1.5);
        for (int i = 0; i < length; i++) {
            double z = g.normal(0, 3, first + i);
            assertEquals(1.5 * z, d[i]);
            assertEquals((float) (1.5 * z), f[i + 1], "element " + (first + i));
        }
    }

    @Test
    void bulkPathAcrossTheLastBlocksOfAStream() {
        GaussianNoise g = GaussianNoise.insecureSeeded(13);
        int n = 4096;
        long first = GaussianNoise.MAX_ELEMENTS - n;
        float[] f = new float[n];
        g.fillNormals(0, 1, first, f, 0, n, 1f);
        for (int i = 0; i < n; i += 7) {
            assertEquals((float) g.normal(0, 1, first + i), f[i]);
        }
    }

    @Property(tries = 50)
    void floatFillIsTheRoundedDoubleFill(@ForAll @IntRange(min = 0, max = 1000) int first,
            @ForAll @IntRange(min = 0, max = 1000) int stddevThousandths) {
        GaussianNoise g = GaussianNoise.insecureSeeded(6);
        float s = stddevThousandths / 1000f;
        float[] f = new float[37];
        double[] d = new double[37];
        g.fillNormals(0, 2, first, f, 0, 37, s);
        g.fillNormals(0, 2, first, d, 0, 37, (double) s);
        for (int i = 0; i < 37; i++) {
            assertEquals((float) d[i], f[i]);
        }
    }

    @Test
    void lastElementsOfAStreamUseCounter0xFFFFFFFF() {
        GaussianNoise g = GaussianNoise.insecureSeeded(8);
        long first = GaussianNoise.MAX_ELEMENTS - 10;
        double[] z = normals(g, 0, 1, first, 10);
        for (int i = 0; i < 10; i++) {
            assertEquals(referenceNormal(g.key(), 0, 1, first + i), z[i], LIBM_TOL * (1 + Math.abs(z[i])));
        }
    }

    @Test
    void zeroStddevGivesZerosAndZeroLengthWritesNothing() {
        GaussianNoise g = GaussianNoise.insecureSeeded(9);
        float[] f = new float[20];
        Arrays.fill(f, 1f);
        g.fillNormals(0, 0, 3, f, 2, 10, 0f);
        for (int i = 0; i < 20; i++) {
            assertEquals(i >= 2 && i < 12 ? 0f : 1f, Math.abs(f[i]));
        }
        g.fillNormals(0, 0, GaussianNoise.MAX_ELEMENTS, f, 20, 0, 1f);
    }

    // ------------------------------------------------------------------------------------------------
    // Validation

    @Test
    void invalidArgumentsAreRejectedWithTheirName() {
        GaussianNoise g = GaussianNoise.insecureSeeded(0);
        float[] f = new float[10];
        double[] d = new double[10];
        assertNamed("stddev", () -> g.fillNormals(0, 0, 0, f, 0, 10, -1f));
        assertNamed("stddev", () -> g.fillNormals(0, 0, 0, f, 0, 10, Float.NaN));
        assertNamed("stddev", () -> g.fillNormals(0, 0, 0, f, 0, 10, Float.POSITIVE_INFINITY));
        assertNamed("stddev", () -> g.fillNormals(0, 0, 0, d, 0, 10, Double.NaN));
        assertNamed("streamId", () -> g.fillNormals(-1, 0, 0, f, 0, 10, 1f));
        assertNamed("step", () -> g.fillNormals(0, -1, 0, f, 0, 10, 1f));
        assertNamed("firstElement", () -> g.fillNormals(0, 0, -1, f, 0, 10, 1f));
        assertNamed("firstElement", () -> g.fillNormals(0, 0, GaussianNoise.MAX_ELEMENTS - 9, f, 0, 10, 1f));
        assertNamed("length", () -> g.fillNormals(0, 0, 0, f, 0, -1, 1f));
        assertNamed("offset", () -> g.fillNormals(0, 0, 0, f, 1, 10, 1f));
        assertNamed("offset", () -> g.fillNormals(0, 0, 0, f, -1, 1, 1f));
        assertNamed("offset", () -> g.fillUniforms(0, 0, 0, d, Integer.MAX_VALUE, 10));
        assertNamed("element", () -> g.uniform(0, 0, GaussianNoise.MAX_ELEMENTS));
        assertNamed("element", () -> g.normal(0, 0, -1));
        assertNamed("key", () -> GaussianNoise.fromKey(new int[7]));
        assertThrows(NullPointerException.class, () -> g.fillNormals(0, 0, 0, (float[]) null, 0, 0, 1f));
    }

    static void assertNamed(String name, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains("'" + name), e.getMessage());
    }
}
