package org.edp4j.dp.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java fdlibm port returns exactly StrictMath's results (same bits), on the transform's domain and beyond. */
class FdLibmTest {
    static final int SAMPLES = 1_000_000;

    static void same(double expected, double actual, String what, double x) {
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                () -> what + "(" + x + " = 0x" + Long.toHexString(Double.doubleToRawLongBits(x)) + "): StrictMath "
                        + expected + ", FdLibm " + actual);
    }

    static void checkAll(double x) {
        same(StrictMath.log(x), FdLibm.log(x), "log", x);
        same(StrictMath.sin(x), FdLibm.sin(x), "sin", x);
        same(StrictMath.cos(x), FdLibm.cos(x), "cos", x);
        double[] cs = {Double.NaN, 7, 7, Double.NaN};
        FdLibm.cosSin(x, cs, 1);
        same(StrictMath.cos(x), cs[1], "cosSin cos", x);
        same(StrictMath.sin(x), cs[2], "cosSin sin", x);
    }

    @Test
    void boxMullerArgumentsMatchStrictMath() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < SAMPLES; i++) {
            double u = GaussianNoise.toUniform(r.nextLong());
            same(StrictMath.log(u), FdLibm.log(u), "log", u);
            double t = GaussianNoise.TWO_PI * u;
            same(StrictMath.sin(t), FdLibm.sin(t), "sin", t);
            same(StrictMath.cos(t), FdLibm.cos(t), "cos", t);
            double[] cs = new double[2];
            FdLibm.cosSin(t, cs, 0);
            same(StrictMath.cos(t), cs[0], "cosSin cos", t);
            same(StrictMath.sin(t), cs[1], "cosSin sin", t);
        }
    }

    @Test
    void uniformGridExtremesAndSpecialValues() {
        double[] xs = {0x1p-53, 1 - 0x1p-53, 0.5, 0.5 + 0x1p-53, 0x1p-52 * 1.5, 1.0, 2.0, 0.0, -0.0, -1.0,
            Double.MIN_VALUE, Double.MIN_NORMAL, Double.MIN_NORMAL / 3, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.NaN, 1 + 0x1p-21, 1 - 0x1p-21, 1 + 0x1p-19, 1e-300, 7.0, -7.0, 6.99,
            1e6, -3.0};
        for (double x : xs) {
            checkAll(x);
        }
    }

    @Test
    void wholeRangeRandomBits() {
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < SAMPLES; i++) {
            checkAll(Double.longBitsToDouble(r.nextLong()));
            checkAll(r.nextDouble(-8, 8));
            checkAll(r.nextDouble(0, 2));
        }
    }

    @Test
    void neighbourhoodsOfTheBranchPoints() {
        // multiples of pi/4 (reduction and kernel switches), 0.3 and 0.78125 (k_cos), 1 (log), 2^-27
        double[] centres = new double[20];
        for (int k = 1; k <= 9; k++) {
            centres[k - 1] = k * Math.PI / 4;
        }
        centres[9] = 0.3;
        centres[10] = 0.78125;
        centres[11] = 1.0;
        centres[12] = 0x1p-27;
        centres[13] = 1 + 0x1p-20;
        centres[14] = 3 * Math.PI / 4 - 1e-9;
        centres[15] = Math.PI / 2 - 0.0001;
        centres[16] = 1.5 * Math.PI;
        centres[17] = 2 * Math.PI;
        centres[18] = 0.5;
        centres[19] = Math.sqrt(2) / 2;
        for (double c : centres) {
            for (double sign : new double[] {1, -1}) {
                double x = sign * c;
                for (int k = 0; k < 2000; k++) {
                    checkAll(x);
                    checkAll(-x);
                    x = Math.nextUp(x);
                }
                x = sign * c;
                for (int k = 0; k < 2000; k++) {
                    checkAll(x);
                    x = Math.nextDown(x);
                }
            }
        }
    }
}
