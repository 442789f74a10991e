package org.edp4j.tensor;

/**
 * The scalar {@link TanhKernel} and the definition both kernels compute: only IEEE double add,
 * subtract, multiply and divide (no fused multiply-add, no library call), so a vector version of the
 * same sequence gives the same bits.
 *
 * <ul>
 *   <li>{@code |u| < 1/16}: the Taylor series to {@code u^15}, {@code u + u (s (c3 + s (c5 + ...)))}
 *       with {@code s = u^2} (the first term left out is below {@code 10^-19} relatively);</li>
 *   <li>{@code |u| >= 20} or infinite: {@code ±1} (tanh 20 is 1 to within {@code 10^-17});</li>
 *   <li>otherwise: {@code 1 - 2 / (e^{2|u|} + 1)} with the sign of u, {@code e^x} as
 *       {@code 2^n p(r)}: {@code n = rint(x / ln 2)} (the 1.5 2^52 rounding trick),
 *       {@code r = (x - n ln2_hi) - n ln2_lo} (fdlibm's split of ln 2, {@code n ln2_hi} exact),
 *       {@code |r| <= ln 2 / 2}, p the Taylor polynomial of degree 13 by Horner (truncation below
 *       {@code 10^-17}). The subtraction loses at most 4 bits at {@code |u| = 1/16}.</li>
 * </ul>
 * Within {@code 10^-14} relatively of the true value ({@code TanhKernelTest} checks against
 * {@link StrictMath#tanh}), far inside a float's half ulp ({@code 3 10^-8}) when the caller rounds to
 * float. NaN gives NaN, {@code ±0} gives {@code ±0}.
 */
final class ScalarTanhKernel implements TanhKernel {
    static final double SMALL = 0.0625;
    static final double BIG = 20.0;
    static final double C3 = -1.0 / 3;
    static final double C5 = 2.0 / 15;
    static final double C7 = -17.0 / 315;
    static final double C9 = 62.0 / 2835;
    static final double C11 = -1382.0 / 155925;
    static final double C13 = 21844.0 / 6081075;
    static final double C15 = -929569.0 / 638512875;
    static final double INV_LN2 = 1.44269504088896338700e+00;
    /** fdlibm's ln 2 split: the high part's last 21 bits are zero, so {@code n LN2_HI} is exact. */
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    /** 1.5 2^52: adding it rounds a double of magnitude below 2^51 to an integer (ties to even). */
    static final double MAGIC = 0x1.8p52;
    static final long MAGIC_BITS = Double.doubleToRawLongBits(MAGIC);
    static final long SIGN = 0x8000000000000000L;
    static final double E2 = 1.0 / 2;
    static final double E3 = 1.0 / 6;
    static final double E4 = 1.0 / 24;
    static final double E5 = 1.0 / 120;
    static final double E6 = 1.0 / 720;
    static final double E7 = 1.0 / 5040;
    static final double E8 = 1.0 / 40320;
    static final double E9 = 1.0 / 362880;
    static final double E10 = 1.0 / 3628800;
    static final double E11 = 1.0 / 39916800;
    static final double E12 = 1.0 / 479001600;
    static final double E13 = 1.0 / 6227020800.0;

    @Override
    public void tanh(double[] u, int off, int n) {
        for (int j = off; j < off + n; j++) {
            u[j] = tanh(u[j]);
        }
    }

    /** The definition (class comment). */
    static double tanh(double u) {
        double a = Math.abs(u);
        double r;
        if (a < SMALL) {
            double s = u * u;
            r = u + u * (s * (C3 + s * (C5 + s * (C7 + s * (C9 + s * (C11 + s * (C13 + s * C15)))))));
        } else if (a >= BIG) {
            r = 1.0;
        } else {
            double x = a * 2.0;
            double k = x * INV_LN2 + MAGIC;
            long n = Double.doubleToRawLongBits(k) - MAGIC_BITS;
            double fn = k - MAGIC;
            double t = x - fn * LN2_HI - fn * LN2_LO;
            double p = 1.0 + t * (1.0 + t * (E2 + t * (E3 + t * (E4 + t * (E5 + t * (E6 + t * (E7 + t * (E8
                    + t * (E9 + t * (E10 + t * (E11 + t * (E12 + t * E13))))))))))));
            double e = p * Double.longBitsToDouble((n + 1023) << 52);
            r = 1.0 - 2.0 / (e + 1.0);
        }
        // u's sign: r >= 0 on the exponential branches; on the series it already has it, except -0 + +0 = +0
        return Double.longBitsToDouble(Double.doubleToRawLongBits(r) | (Double.doubleToRawLongBits(u) & SIGN));
    }
}
