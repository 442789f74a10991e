/*
 * The algorithms and constants below are those of fdlibm 5.3 (e_log.c, s_sin.c, s_cos.c,
 * k_sin.c, k_cos.c, e_rem_pio2.c), translated to Java:
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
package org.edp4j.dp.noise;

/**
 * {@code log}, {@code sin} and {@code cos} returning exactly what {@link StrictMath} returns (fdlibm
 * 5.3), but written in Java for the Box–Muller transform's arguments.
 *
 * <p>Why: in JDK 17, {@code StrictMath.log}, {@code sin} and {@code cos} are native methods (JNI into
 * the JDK's C fdlibm); each call pays a JNI transition that costs more than the arithmetic, and the
 * transform makes three per pair of normals. The same algorithm in Java is compiled and inlined by
 * the JIT. (JDK 21 made the same move: its StrictMath uses a Java port of fdlibm.) Java's double
 * arithmetic is IEEE 754 binary64 with round-to-nearest and no fused multiply-add, as fdlibm
 * assumes, so every result is bit for bit the StrictMath result; the tests check this on millions of
 * arguments and on the branch boundaries.
 *
 * <p>Domains: {@link #log} is the full fdlibm function. {@link #sin} and {@link #cos} compute
 * {@code |x| < 7} here (fdlibm's small and "medium" argument reductions, which include
 * Box–Muller's {@code [0, 2 pi)}); larger or non-finite arguments are passed to {@link StrictMath}.
 */
final class FdLibm {
    private FdLibm() {
    }

    private static int hi(double x) {
        return (int) (Double.doubleToRawLongBits(x) >>> 32);
    }

    private static int lo(double x) {
        return (int) Double.doubleToRawLongBits(x);
    }

    private static double withHi(double x, int hi) {
        return Double.longBitsToDouble(((long) hi << 32) | (Double.doubleToRawLongBits(x) & 0xFFFFFFFFL));
    }

    // ------------------------------------------------------------------------------------ log (e_log.c)

    private static final double LN2_HI = 6.93147180369123816490e-01; // 3fe62e42 fee00000
    private static final double LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
    private static final double TWO54 = 1.80143985094819840000e+16; // 43500000 00000000
    private static final double LG1 = 6.666666666666735130e-01; // 3FE55555 55555593
    private static final double LG2 = 3.999999999940941908e-01; // 3FD99999 9997FA04
    private static final double LG3 = 2.857142874366239149e-01; // 3FD24924 94229359
    private static final double LG4 = 2.222219843214978396e-01; // 3FCC71C5 1D8E78AF
    private static final double LG5 = 1.818357216161805012e-01; // 3FC74664 96CB03DE
    private static final double LG6 = 1.531383769920937332e-01; // 3FC39A09 D078C69F
    private static final double LG7 = 1.479819860511658591e-01; // 3FC2F112 DF3E5244

    /** {@code StrictMath.log(x)}, bit for bit. */
    static double log(double x) {
        int hx = hi(x);
        int lx = lo(x);
        int k = 0;
        if (hx < 0x00100000) { // x < 2^-1022
            if (((hx & 0x7fffffff) | lx) == 0) {
                return Double.NEGATIVE_INFINITY; // log(+-0) = -inf
            }
            if (hx < 0) {
                return Double.NaN; // log(-#) = NaN
            }
            k -= 54;
            x *= TWO54; // subnormal: scale up
            hx = hi(x);
        }
        if (hx >= 0x7ff00000) {
            return x + x;
        }
        k += (hx >> 20) - 1023;
        hx &= 0x000fffff;
        int i = (hx + 0x95f64) & 0x100000;
        x = withHi(x, hx | (i ^ 0x3ff00000)); // normalize x or x/2
        k += i >> 20;
        double f = x - 1.0;
        if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
            if (f == 0.0) {
                if (k == 0) {
                    return 0.0;
                }
                double dk = k;
                return dk * LN2_HI + dk * LN2_LO;
            }
            double r = f * f * (0.5 - 0.33333333333333333 * f);
            if (k == 0) {
                return f - r;
            }
            double dk = k;
            return dk * LN2_HI - ((r - dk * LN2_LO) - f);
        }
        double s = f / (2.0 + f);
        double dk = k;
        double z = s * s;
        i = hx - 0x6147a;
        double w = z * z;
        int j = 0x6b851 - hx;
        double t1 = w * (LG2 + w * (LG4 + w * LG6));
        double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
        i |= j;
        double r = t2 + t1;
        if (i > 0) {
            double hfsq = 0.5 * f * f;
            if (k == 0) {
                return f - (hfsq - s * (hfsq + r));
            }
            return dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
        }
        if (k == 0) {
            return f - s * (f - r);
        }
        return dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
    }

    // ------------------------------------------------------------------------------------ sin, cos

    private static final double S1 = -1.66666666666666324348e-01; // BFC55555 55555549
    private static final double S2 = 8.33333333332248946124e-03; // 3F811111 1110F8A6
    private static final double S3 = -1.98412698298579493134e-04; // BF2A01A0 19C161D5
    private static final double S4 = 2.75573137070700676789e-06; // 3EC71DE3 57B1FE7D
    private static final double S5 = -2.50507602534068634195e-08; // BE5AE5E6 8A2B9CEB
    private static final double S6 = 1.58969099521155010221e-10; // 3DE5D93A 5ACFD57C

    private static final double C1 = 4.16666666666666019037e-02; // 3FA55555 5555554C
    private static final double C2 = -1.38888888888741095749e-03; // BF56C16C 16C15177
    private static final double C3 = 2.48015872894767294178e-05; // 3EFA01A0 19CB1590
    private static final double C4 = -2.75573143513906633035e-07; // BE927E4F 809C52AD
    private static final double C5 = 2.08757232129817482790e-09; // 3E21EE9E BDB4B1C4
    private static final double C6 = -1.13596475577881948265e-11; // BDA8FAE9 BE8838D4

    private static final double INVPIO2 = 6.36619772367581382433e-01; // 3FE45F30 6DC9C883
    private static final double PIO2_1 = 1.57079632673412561417e+00; // 3FF921FB 54400000
    private static final double PIO2_1T = 6.07710050650619224932e-11; // 3DD0B461 1A626331
    private static final double PIO2_2 = 6.07710050630396597660e-11; // 3DD0B461 1A600000
    private static final double PIO2_2T = 2.02226624879595063154e-21; // 3BA3198A 2E037073
    private static final double PIO2_3 = 2.02226624871116645580e-21; // 3BA3198A 2E000000
    private static final double PIO2_3T = 8.47842766036889956997e-32; // 397B839A 252049C1

    /** High words of n pi/2, n = 1..4: all that arguments up to 7 reach. */
    private static final int[] NPIO2_HW = {0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB};

    /** High word of 7.0: the Java path covers |x| <= 7 (n <= 4); beyond, StrictMath. */
    private static final int JAVA_LIMIT_HW = 0x401C0000;

    /** {@code StrictMath.sin(x)}, bit for bit. */
    static double sin(double x) {
        int ix = hi(x) & 0x7fffffff;
        if (ix <= 0x3fe921fb) {
            return kernelSin(x, 0.0, 0);
        }
        if (ix >= JAVA_LIMIT_HW) { // |x| >= 7 or not finite: not needed by Box-Muller
            return StrictMath.sin(x);
        }
        double[] y = new double[2];
        int n = remPio2(x, y, 0);
        switch (n & 3) {
            case 0:
                return kernelSin(y[0], y[1], 1);
            case 1:
                return kernelCos(y[0], y[1]);
            case 2:
                return -kernelSin(y[0], y[1], 1);
            default:
                return -kernelCos(y[0], y[1]);
        }
    }

    /** {@code StrictMath.cos(x)}, bit for bit. */
    static double cos(double x) {
        int ix = hi(x) & 0x7fffffff;
        if (ix <= 0x3fe921fb) {
            return kernelCos(x, 0.0);
        }
        if (ix >= JAVA_LIMIT_HW) {
            return StrictMath.cos(x);
        }
        double[] y = new double[2];
        int n = remPio2(x, y, 0);
        switch (n & 3) {
            case 0:
                return kernelCos(y[0], y[1]);
            case 1:
                return -kernelSin(y[0], y[1], 1);
            case 2:
                return -kernelCos(y[0], y[1]);
            default:
                return kernelSin(y[0], y[1], 1);
        }
    }

    /**
     * {@code out[off] = StrictMath.cos(x)} and {@code out[off + 1] = StrictMath.sin(x)}, bit for bit, with
     * one argument reduction for both (the order of Box–Muller's {@code (r cos t, r sin t)}).
     */
    static void cosSin(double x, double[] out, int off) {
        int ix = hi(x) & 0x7fffffff;
        if (ix <= 0x3fe921fb) {
            out[off] = kernelCos(x, 0.0);
            out[off + 1] = kernelSin(x, 0.0, 0);
            return;
        }
        if (ix >= JAVA_LIMIT_HW) {
            out[off] = StrictMath.cos(x);
            out[off + 1] = StrictMath.sin(x);
            return;
        }
        int n = remPio2(x, out, off);
        double y0 = out[off];
        double y1 = out[off + 1];
        double s = kernelSin(y0, y1, 1);
        double c = kernelCos(y0, y1);
        switch (n & 3) {
            case 0:
                out[off] = c;
                out[off + 1] = s;
                break;
            case 1:
                out[off] = -s;
                out[off + 1] = c;
                break;
            case 2:
                out[off] = -c;
                out[off + 1] = -s;
                break;
            default:
                out[off] = s;
                out[off + 1] = -c;
                break;
        }
    }

    /** k_sin.c: sin on [-pi/4, pi/4], x + y the argument (y the tail), iy 0 when y is 0. */
    private static double kernelSin(double x, double y, int iy) {
        int ix = hi(x) & 0x7fffffff;
        if (ix < 0x3e400000) { // |x| < 2^-27
            if ((int) x == 0) {
                return x;
            }
        }
        double z = x * x;
        double v = z * x;
        double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
        if (iy == 0) {
            return x + v * (S1 + z * r);
        }
        return x - ((z * (0.5 * y - v * r) - y) - v * S1);
    }

    /** k_cos.c: cos on [-pi/4, pi/4], x + y the argument. */
    private static double kernelCos(double x, double y) {
        int ix = hi(x) & 0x7fffffff;
        if (ix < 0x3e400000) { // |x| < 2^-27
            if ((int) x == 0) {
                return 1.0;
            }
        }
        double z = x * x;
        double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
        if (ix < 0x3FD33333) { // |x| < 0.3
            return 1.0 - (0.5 * z - (z * r - x * y));
        }
        double qx;
        if (ix > 0x3fe90000) { // |x| > 0.78125
            qx = 0.28125;
        } else {
            qx = Double.longBitsToDouble((long) (ix - 0x00200000) << 32); // |x| / 4
        }
        double hz = 0.5 * z - qx;
        double a = 1.0 - qx;
        return a - (hz - (z * r - x * y));
    }

    /** e_rem_pio2.c for {@code 3 pi / 4 <= |x| < 7} (and the small cases): x - n pi/2 = y[0] + y[1]; returns n. */
    private static int remPio2(double x, double[] y, int o) {
        int hx = hi(x);
        int ix = hx & 0x7fffffff;
        if (ix <= 0x3fe921fb) {
            y[o] = x;
            y[o + 1] = 0;
            return 0;
        }
        if (ix < 0x4002d97c) { // |x| < 3pi/4: n = +-1
            if (hx > 0) {
                double z = x - PIO2_1;
                if (ix != 0x3ff921fb) {
                    y[o] = z - PIO2_1T;
                    y[o + 1] = (z - y[o]) - PIO2_1T;
                } else { // near pi/2
                    z -= PIO2_2;
                    y[o] = z - PIO2_2T;
                    y[o + 1] = (z - y[o]) - PIO2_2T;
                }
                return 1;
            }
            double z = x + PIO2_1;
            if (ix != 0x3ff921fb) {
                y[o] = z + PIO2_1T;
                y[o + 1] = (z - y[o]) + PIO2_1T;
            } else {
                z += PIO2_2;
                y[o] = z + PIO2_2T;
                y[o + 1] = (z - y[o]) + PIO2_2T;
            }
            return -1;
        }
        // medium size
        double t = Math.abs(x);
        int n = (int) (t * INVPIO2 + 0.5);
        double fn = n;
        double r = t - fn * PIO2_1;
        double w = fn * PIO2_1T; // first round, good to 85 bits
        if (ix != NPIO2_HW[n - 1]) { // n <= 4 below JAVA_LIMIT_HW
            y[o] = r - w; // no cancellation
        } else {
            int j = ix >> 20;
            y[o] = r - w;
            int i = j - ((hi(y[o]) >> 20) & 0x7ff);
            if (i > 16) { // second iteration, good to 118 bits
                t = r;
                w = fn * PIO2_2;
                r = t - w;
                w = fn * PIO2_2T - ((t - r) - w);
                y[o] = r - w;
                i = j - ((hi(y[o]) >> 20) & 0x7ff);
                if (i > 49) { // third iteration, 151 bits
                    t = r;
                    w = fn * PIO2_3;
                    r = t - w;
                    w = fn * PIO2_3T - ((t - r) - w);
                    y[o] = r - w;
                }
            }
        }
        y[o + 1] = (r - y[o]) - w;
        if (hx < 0) {
            y[o] = -y[o];
            y[o + 1] = -y[o + 1];
            return -n;
        }
        return n;
    }
}
