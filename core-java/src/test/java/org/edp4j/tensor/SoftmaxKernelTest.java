package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Both {@link SoftmaxKernel}s against a float64 softmax and softmax backward, against each other (bit for
 * bit), and the exponential.
 */
class SoftmaxKernelTest {

    static List<SoftmaxKernel> kernels() {
        return KernelPair.of(SoftmaxKernel.class, new ScalarSoftmax(), "org.edp4j.tensor.VectorSoftmax");
    }

    /**
     * Within 1 float ulp of the exact value (of the exact value's binade; the subnormal spacing 2^-149
     * below float's normal range), at every 1009th float in [-110, -0] and at random arguments.
     * Measured over every float there: 0.9371 ulp at most (1.2122 with the definition before it used
     * FMAs, which this test rejects).
     */
    @Test
    void theExponentialIsWithinOneUlpAndExactAtZero() {
        assertEquals(1f, ScalarSoftmax.exp(0f));
        assertEquals(1f, ScalarSoftmax.exp(-0f));
        assertTrue(Float.isNaN(ScalarSoftmax.exp(Float.NaN)));
        assertEquals(0f, ScalarSoftmax.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, ScalarSoftmax.exp(-200f));
        assertEquals(0f, ScalarSoftmax.exp(ScalarSoftmax.FLOOR));
        assertEquals(0f, ScalarSoftmax.exp(-103.972084f)); // e^d < 2^-150
        assertEquals(Float.MIN_VALUE, ScalarSoftmax.exp(-103.97208f)); // the smallest subnormal is reached
        double worst = 0;
        int checked = 0;
        for (int bits = 0x80000000; bits < 0 && bits <= Float.floatToRawIntBits(-110f); bits += 1009) {
            worst = Math.max(worst, checkExp(Float.intBitsToFloat(bits)));
            checked++;
        }
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 400_000; i++) {
            worst = Math.max(worst, checkExp((float) (-rng.nextDouble() * (i % 2 == 0 ? 1 : 104))));
            checked++;
        }
        assertEquals(1_511_709, checked);
        assertTrue(worst > 0.5, "the sweep reaches the larger errors: " + worst);
    }

    /** Asserts exp(d) within 1 ulp of e^d, returns the error in ulps. */
    private static double checkExp(float d) {
        double want = Math.exp(d);
        double ulp = Math.scalb(1.0, Math.max(Math.getExponent(want), -126) - 23);
        double err = Math.abs(ScalarSoftmax.exp(d) - want) / ulp;
        if (!(err <= 1)) {
            assertEquals(want, ScalarSoftmax.exp(d), ulp, "exp(" + d + ")");
        }
        return err;
    }

    /**
     * The vector kernel's exponential lanes against {@link ScalarSoftmax#exp}, bit for bit, over the
     * whole argument range: rows with one score 0 (the maximum) and the others at -0, near the floor,
     * below it, near where the result leaves float's normal range and where it reaches 0, where a
     * product and a sum instead of one of the FMAs would change the result (found by an exhaustive
     * search; each such argument is in 32 rows, each row with its own factor 1 / sum), at every
     * 45007th float in [-110, -0] and uniform in [-110, 0]. Where every other score is below -40 the
     * sum rounds to 1 and its inverse is 1f, so the outputs are the exponentials themselves.
     */
    @Test
    void theKernelsAgreeBitForBitOverTheExponentialsWholeRange() {
        float[] special = {-0f, 0f, ScalarSoftmax.FLOOR, Math.nextUp(ScalarSoftmax.FLOOR),
            Math.nextDown(ScalarSoftmax.FLOOR), -1000f, Float.NEGATIVE_INFINITY, -103.97208f, -103.972084f,
            -87.33655f, -87.3366f, -0.34657359f, -Float.MIN_VALUE, -1e-8f, -40f,
            // found by trying every float in [-104, -0]: the only 12 whose result changes if t is a product
            // and a sum instead of an FMA
            -6.584898f, -7.9711924f, -12.130075f, -13.51637f, -14.902664f, -50.253174f, -55.79835f, -65.50241f,
            -70.35444f, -80.75165f, -81.44479f, -83.52424f,
            // ... and some whose result changes with a product and a sum for the second reduction step
            // (98 floats), and for the Horner steps adding C5 (6), C4 (281), C3 (5,289), C2 (75,784), the
            // first 1 (973,984) and the second (8,880,964); for the first reduction step (n LN2_HI is exact)
            // and the step adding C6 there are none
            -6.238901f, -57.537857f, -91.9119f, -92.530594f,
            -0.24509083f, -0.33438027f, -1.7206746f, -48.854683f,
            -0.09553621f, -1.0149876f, -9.384855f, -84.30312f,
            -0.07875394f, -0.9567255f, -7.2689986f, -89.66596f,
            -0.011791605f, -0.9003567f, -7.444838f, -92.38342f,
            -7.325411E-4f, -0.79857916f, -7.3277903f, -97.37493f,
            -1.4901163E-7f, -0.40799174f, -6.298822f};
        int n = 16 * 64 + 7; // whole chunks and a tail
        int hiBits = Float.floatToRawIntBits(-110f);
        int bits = 0x80000000;
        SplittableRandom rng = new SplittableRandom(3);
        for (int row = 0; row < 64; row++) {
            boolean small = row % 4 == 3; // only the maximum near 1: the outputs are the exponentials
            float[] x = new float[n];
            for (int s = 0; s < n; s++) {
                if (small) {
                    x[s] = (float) (-40 - rng.nextDouble() * 70);
                } else if (row % 2 == 0 && s < special.length) {
                    x[s] = special[(s + row) % special.length];
                } else if (s % 2 == 0) {
                    x[s] = Float.intBitsToFloat(bits);
                    bits = bits + 45_007 > hiBits ? 0x80000000 + row : bits + 45_007;
                } else {
                    x[s] = (float) (-rng.nextDouble() * 110);
                }
            }
            if (small) {
                for (int s = 0; s < special.length; s++) {
                    if (special[s] <= -40f) {
                        x[(s * 37 + row) % n] = special[s];
                    }
                }
            }
            x[special.length + rng.nextInt(n - special.length)] = 0f; // the maximum
            float[] mask = new float[n];
            Arrays.fill(mask, 1f);
            float[] first = null;
            for (SoftmaxKernel k : kernels()) {
                float[] y = x.clone();
                k.maskedSoftmax(y, 0, n, mask, 0);
                if (small) {
                    for (int s = 0; s < n; s++) {
                        assertEquals(Float.floatToRawIntBits(ScalarSoftmax.exp(x[s])), Float.floatToRawIntBits(y[s]),
                                k.getClass().getSimpleName() + ": exp(" + x[s] + ")");
                    }
                }
                if (first == null) {
                    first = y;
                } else {
                    for (int s = 0; s < n; s++) {
                        assertEquals(Float.floatToRawIntBits(first[s]), Float.floatToRawIntBits(y[s]),
                                k.getClass().getSimpleName() + " differs from ScalarSoftmax at x = " + x[s]);
                    }
                }
            }
        }
    }

    @Property(tries = 200)
    void rowsMatchFloat64AndTheKernelsAgreeBitForBit(@ForAll @IntRange(min = 1, max = 300) int n,
                                                     @ForAll @IntRange(min = 0, max = 9) int off,
                                                     @ForAll @IntRange(min = 0, max = 3) int maskKind,
                                                     @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[off + n + 3];
        float[] mask = new float[n + 1];
        for (int s = 0; s < n; s++) {
            x[off + s] = (float) ((rng.nextDouble() * 2 - 1) * (maskKind == 3 ? 200 : 8));
            mask[1 + s] = maskKind == 0 || rng.nextInt(3) != 0 ? 1f : 0f;
            if (maskKind == 2 && mask[1 + s] == 0f) {
                x[off + s] = Float.NaN; // a masked key's score never matters
            }
        }
        int forced = rng.nextInt(n); // at least one key unmasked
        mask[1 + forced] = 1f;
        x[off + forced] = 0.5f;
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < n; s++) {
            if (mask[1 + s] != 0f) {
                max = Math.max(max, x[off + s]);
            }
        }
        double sum = 0;
        for (int s = 0; s < n; s++) {
            if (mask[1 + s] != 0f) {
                sum += Math.exp(x[off + s] - max);
            }
        }
        float[] first = null;
        for (SoftmaxKernel k : kernels()) {
            float[] y = x.clone();
            k.maskedSoftmax(y, off, n, mask, 1);
            for (int s = 0; s < n; s++) {
                double want = mask[1 + s] != 0f ? Math.exp(x[off + s] - max) / sum : 0;
                // float rounding of the result and of the sum's inverse (2^-23), plus the definition's
                // float subtraction x - max (half an ulp of it, times the exponential's slope)
                double diffUlp = mask[1 + s] != 0f ? Math.ulp((float) (x[off + s] - max)) : 0;
                double tol = want * (4e-7 + diffUlp) + 1e-37;
                assertEquals(want, y[off + s], tol, "element " + s);
                if (mask[1 + s] == 0f) {
                    assertEquals(0, Float.floatToRawIntBits(y[off + s]), "masked keys are +0");
                }
            }
            assertArrayEquals(Arrays.copyOfRange(x, 0, off), Arrays.copyOfRange(y, 0, off));
            assertArrayEquals(Arrays.copyOfRange(x, off + n, x.length), Arrays.copyOfRange(y, off + n, y.length));
            if (first == null) {
                first = y;
            } else {
                assertArrayEquals(first, y, k.getClass().getSimpleName() + " differs from ScalarSoftmax");
            }
        }
    }

    /**
     * The backward row {@code ds = p (dp - p . dp) scale} against float64, both kernels bit for bit,
     * rows of every length around the vector widths, at offsets, with zero probabilities (masked keys),
     * rows whose dot product cancels, and the keys marked exactly where {@code p != 0}.
     */
    @Property(tries = 300)
    void backwardRowsMatchFloat64AndTheKernelsAgreeBitForBit(@ForAll @IntRange(min = 0, max = 300) int n,
                                                             @ForAll @IntRange(min = 0, max = 9) int off,
                                                             @ForAll @IntRange(min = 0, max = 3) int kind,
                                                             @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] p = new float[off + n + 5];
        float[] dp = new float[off + n + 2];
        for (int s = 0; s < n; s++) {
            // kind 1: a third of the keys masked (p exactly 0); kind 2: dp constant up to a little noise,
            // so that dp - p . dp cancels (p sums to about 1); kind 3: magnitudes from 1e-20 to 1e20
            p[off + s] = kind == 1 && rng.nextInt(3) == 0 ? 0f : (float) rng.nextDouble() / Math.max(1, n / 4);
            dp[off + s] = switch (kind) {
                case 2 -> 3f + (float) (rng.nextDouble() * 1e-4);
                case 3 -> (float) ((rng.nextDouble() * 2 - 1) * Math.pow(10, rng.nextInt(41) - 20));
                default -> (float) (rng.nextDouble() * 2 - 1);
            };
        }
        if (kind == 2 && n > 0) {
            double total = 0;
            for (int s = 0; s < n; s++) {
                total += p[off + s];
            }
            for (int s = 0; s < n; s++) {
                p[off + s] = (float) (p[off + s] / total);
            }
        }
        float scale = 0.125f;
        double dot = 0;
        double abs = 0;
        for (int s = 0; s < n; s++) {
            dot += (double) p[off + s] * dp[off + s];
            abs += Math.abs((double) p[off + s] * dp[off + s]);
        }
        float[] first = null;
        float[] firstKeys = null;
        for (SoftmaxKernel k : kernels()) {
            float[] ds = new float[3 + n + 4];
            Arrays.fill(ds, 7f);
            float[] keys = new float[n + 16];
            Arrays.fill(keys, 0, n + 16, 0f);
            keys[n + 15] = 5f;
            k.backward(p, off, dp, off, n, scale, ds, 3, keys);
            for (int s = 0; s < n; s++) {
                double diff = dp[off + s] - dot;
                double want = p[off + s] == 0f ? 0 : p[off + s] * diff * scale;
                // the dot's float products and its rounding to float (2^-23 of sum |p dp| plus an ulp of it),
                // the float subtraction and the two float products
                double dotErr = abs * 0x1p-22 + Math.ulp((float) dot);
                double tol = p[off + s] * scale * (dotErr + Math.abs(diff) * 0x1p-22) + Math.abs(want) * 0x1p-22 + 1e-38;
                assertEquals(want, ds[3 + s], tol, "element " + s);
                assertEquals(p[off + s] != 0f ? 1f : 0f, keys[s], "key " + s);
                if (p[off + s] == 0f) {
                    assertEquals(0, Float.floatToRawIntBits(ds[3 + s]), "+0 where p = 0");
                }
            }
            assertEquals(7f, ds[2]);
            assertEquals(7f, ds[3 + n]);
            assertEquals(5f, keys[n + 15], "keys past n untouched");
            if (first == null) {
                first = ds;
                firstKeys = keys;
            } else {
                assertArrayEquals(first, ds, k.getClass().getSimpleName() + " differs from ScalarSoftmax");
                assertArrayEquals(firstKeys, keys);
            }
        }
    }

    /**
     * Keys already marked by an earlier row stay marked; a masked key's (p = 0) non-finite dp takes no
     * part; a NaN probability marks its key and spreads NaN.
     */
    @Test
    void backwardKeepsEarlierMarksAndPropagatesNaN() {
        for (SoftmaxKernel k : kernels()) {
            int n = 37;
            float[] p = new float[n];
            float[] dp = new float[n];
            Arrays.fill(dp, 1f);
            p[20] = 1f;
            float[] keys = new float[n];
            keys[3] = 1f;
            float[] ds = new float[n];
            k.backward(p, 0, dp, 0, n, 1f, ds, 0, keys);
            for (int s = 0; s < n; s++) {
                assertEquals(s == 3 || s == 20 ? 1f : 0f, keys[s], k.getClass().getSimpleName() + " key " + s);
                assertEquals(0f, ds[s], "p (dp - p . dp) = 0 here");
            }
            // a masked key's (p = 0) non-finite dp takes no part
            dp[5] = Float.NaN;
            dp[33] = Float.POSITIVE_INFINITY;
            k.backward(p, 0, dp, 0, n, 1f, ds, 0, keys);
            for (int s = 0; s < n; s++) {
                assertEquals(0f, ds[s], k.getClass().getSimpleName() + " masked non-finite dp, key " + s);
            }
            p[30] = Float.NaN;
            k.backward(p, 0, dp, 0, n, 1f, ds, 0, keys);
            assertEquals(1f, keys[30]);
            assertTrue(Float.isNaN(ds[20]) && Float.isNaN(ds[30]), k.getClass().getSimpleName());
        }
    }

    @Test
    void aNaNScoreOfAnUnmaskedKeyGivesNaNEverywhereOnBothKernels() {
        for (SoftmaxKernel k : kernels()) {
            float[] x = new float[40];
            Arrays.fill(x, 1f);
            x[17] = Float.NaN;
            float[] mask = new float[40];
            Arrays.fill(mask, 1f);
            k.maskedSoftmax(x, 0, 40, mask, 0);
            assertTrue(Float.isNaN(x[3]) && Float.isNaN(x[17]), k.getClass().getSimpleName());
        }
    }
}
