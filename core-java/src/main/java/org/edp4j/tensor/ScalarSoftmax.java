package org.edp4j.tensor;

/**
 * The masked softmax's definition, and its scalar {@link SoftmaxKernel}. Every step is plain IEEE
 * arithmetic in a fixed order, so a lane-wise version reproduces it bit for bit:
 * <ol>
 *   <li>{@code max}: the largest unmasked {@code x_s} (float compares; NaN never wins);</li>
 *   <li>{@code e_s = exp(x_s - max)} in float for unmasked s, with {@link #exp} below (not
 *       {@link Math#exp}, whose last bit is not specified across JVMs and CPUs), 0 for the others;</li>
 *   <li>the sum in double as eight partial sums, {@code P_j += e_s} for {@code s % 8 == j} in increasing
 *       s, then {@code ((P_0 + P_1) + (P_2 + P_3)) + ((P_4 + P_5) + (P_6 + P_7))};</li>
 *   <li>{@code x_s = e_s * (float) (1 / sum)}, a float product.</li>
 * </ol>
 * The backward ({@link #backward}) sums its dot product {@code sum_s p_s dp_s} the same way: the
 * float products {@code p_s * dp_s} of the keys with {@code p_s != 0} into the eight partial sums in
 * double, combined in the same order.
 */
final class ScalarSoftmax implements SoftmaxKernel {
    /** log2(e), the float nearest. */
    static final float LOG2E = 1.44269504f;
    /** ln 2's high part with 15 significant bits: {@code n * LN2_HI} is exact for |n| < 2^9. */
    static final float LN2_HI = 0.693145751953125f;
    /** ln 2 - LN2_HI. */
    static final float LN2_LO = 1.42860677e-06f;
    /** 1.5 2^23: {@code (y + MAGIC) - MAGIC} rounds a float y to the nearest integer (ties to even). */
    static final float MAGIC = 12582912f;
    /** Arguments below are raised to it: exp(-104) is below half of float's smallest subnormal, it rounds to 0. */
    static final float FLOOR = -104f;
    /** 1/k!, the Taylor coefficients of exp: degree 7 on |r| <= ln2 / 2 errs by under 6e-9 relative. */
    static final float C2 = 1f / 2;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;

    /**
     * {@code e^d} in float for {@code d <= 0} (NaN gives NaN), within about 2 ulps, by fixed float
     * operations: {@code d' = max(d, -104)} (a compare), {@code t = d' log2e + MAGIC},
     * {@code n = t - MAGIC}, {@code r = (d' - n LN2_HI) - n LN2_LO},
     * {@code p = r (r (... (r C7 + C6) ...) + 1) + 1} (Horner, a product then a sum per step), and
     * {@code e^d = (p 2^k1) 2^k2} with {@code k = bits(t) - bits(MAGIC) = n}, {@code k1 = k >> 1},
     * {@code k2 = k - k1} (two factors, so that subnormal results are reached).
     */
    static float exp(float d) {
        float x = d < FLOOR ? FLOOR : d;
        float t = x * LOG2E + MAGIC;
        float n = t - MAGIC;
        float r = (x - n * LN2_HI) - n * LN2_LO;
        float p = r * C7 + C6;
        p = r * p + C5;
        p = r * p + C4;
        p = r * p + C3;
        p = r * p + C2;
        p = r * (r * p + 1f) + 1f;
        int k = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(MAGIC);
        int k1 = k >> 1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k - k1 + 127) << 23);
    }

    @Override
    public void maskedSoftmax(float[] x, int off, int n, float[] mask, int maskOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < n; s++) {
            if (mask[maskOff + s] != 0f && x[off + s] > max) {
                max = x[off + s];
            }
        }
        double[] part = new double[8];
        for (int s = 0; s < n; s++) {
            float e = mask[maskOff + s] != 0f ? exp(x[off + s] - max) : 0f;
            x[off + s] = e;
            part[s & 7] += e;
        }
        scale(x, off, 0, n, part);
    }

    @Override
    public void backward(float[] p, int po, float[] dp, int dpo, int n, float scale, float[] ds, int dso,
                         float[] keys) {
        double[] part = new double[8];
        for (int s = 0; s < n; s++) {
            float ps = p[po + s];
            if (ps != 0f) {
                part[s & 7] += ps * dp[dpo + s];
                keys[s] = 1f;
            }
        }
        float dot = (float) sum(part);
        for (int s = 0; s < n; s++) {
            float ps = p[po + s];
            ds[dso + s] = ps == 0f ? 0f : ps * (dp[dpo + s] - dot) * scale;
        }
    }

    /** The eight partial sums added in the definition's order. */
    static double sum(double[] part) {
        return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    }

    /** {@code x[off + s] *= (float) (1 / sum)} for {@code s} in {@code [from, n)}, the sum of the eight partial sums in their order. */
    static void scale(float[] x, int off, int from, int n, double[] part) {
        float inv = (float) (1.0 / sum(part)); // sum >= 1: the maximum contributes exp(0)
        for (int s = from; s < n; s++) {
            x[off + s] *= inv;
        }
    }
}
