package org.edp4j.tensor;

/**
 * The masked softmax's definition, and its scalar {@link SoftmaxKernel}. Every step is plain IEEE
 * arithmetic (float and double operations, and float fused multiply-adds, {@link Math#fma}, which
 * round once and are exactly specified) in a fixed order, so a lane-wise version reproduces it bit
 * for bit:
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
    /**
     * 1.5 2^23: {@code fma(a, b, MAGIC) - MAGIC} is the exact product {@code a b} rounded to the nearest
     * integer (ties to even) for {@code |a b| <= 2^22}.
     */
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
     * {@code e^d} in float for {@code d <= 0} (NaN gives NaN) by fixed float operations, {@code fma}
     * being {@link Math#fma} (one rounding): {@code d' = max(d, -104)} (a compare),
     * {@code t = fma(d', LOG2E, MAGIC)}, {@code n = t - MAGIC} (exact: the integer nearest
     * {@code d' LOG2E}, so {@code |d' - n ln2| <= ln2 / 2 + 2e-6}),
     * {@code r = fma(n, -LN2_LO, fma(n, -LN2_HI, d'))} ({@code n LN2_HI} is exact, so the inner step
     * is {@code d' - n LN2_HI} rounded once, as without FMA),
     * {@code p = fma(r, fma(r, ... fma(r, C7, C6) ..., 1), 1)} (Horner, one FMA per step), and
     * {@code e^d = (p 2^k1) 2^k2} with {@code k = bits(t) - bits(MAGIC) = n}, {@code k1 = k >> 1},
     * {@code k2 = k - k1} (two factors, so that subnormal results are reached).
     *
     * <p>Accuracy, measured against {@code Math.exp} in double over every float {@code d} in
     * {@code [-110, 0]}: within 0.94 ulp where the result is normal (0.9371 at most; before the FMAs,
     * 1.2122), within 0.85 of the subnormal spacing {@code 2^-149} below; {@code exp(+-0) = 1} exactly,
     * {@code exp(-inf) = 0}, and 0 for every {@code d < -103.97208f} ({@code e^d} is under half of
     * {@code 2^-149} there).
     */
    static float exp(float d) {
        float x = d < FLOOR ? FLOOR : d;
        float t = Math.fma(x, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(r, p, C5);
        p = Math.fma(r, p, C4);
        p = Math.fma(r, p, C3);
        p = Math.fma(r, p, C2);
        p = Math.fma(r, p, 1f);
        p = Math.fma(r, p, 1f);
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
