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

    /** Within 2 float ulps of the exact value down to float's normal range, and to the subnormals' grid below. */
    @Test
    void theExponentialIsWithinTwoUlpsAndExactAtZero() {
        assertEquals(1f, ScalarSoftmax.exp(0f));
        assertEquals(1f, ScalarSoftmax.exp(-0f));
        assertTrue(Float.isNaN(ScalarSoftmax.exp(Float.NaN)));
        assertEquals(0f, ScalarSoftmax.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, ScalarSoftmax.exp(-200f));
        SplittableRandom rng = new SplittableRandom(1);
        int checked = 0;
        for (int i = 0; i < 400_000; i++) {
            float d = (float) (-rng.nextDouble() * (i % 2 == 0 ? 1 : 104));
            double want = Math.exp(d);
            float got = ScalarSoftmax.exp(d);
            double tol = want >= Float.MIN_NORMAL ? 2 * Math.ulp((float) want) : Float.MIN_VALUE;
            assertEquals(want, got, tol, "exp(" + d + ")");
            checked++;
        }
        assertEquals(400_000, checked);
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
