package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Both {@link TanhKernel}s against {@link StrictMath#tanh} (fdlibm, within 1 ulp) element by element,
 * and against each other bit for bit: fresh random arguments of every scale (subnormal to beyond the
 * cut-off at 20), both sides of each branch's threshold, a dense sweep, every length around the
 * vector width at offsets, signed zeros, infinities and NaN.
 */
class TanhKernelTest {
    /** Relative error allowed against fdlibm: the definition's worst case is about 4 bits at |u| = 1/16. */
    private static final double REL = 1e-14;

    static List<TanhKernel> kernels() {
        return KernelPair.of(TanhKernel.class, new ScalarTanhKernel(), "org.edp4j.tensor.VectorTanhKernel");
    }

    /** An argument of a random kind: ordinary, tiny, huge, or next to a threshold of the definition. */
    private static double argument(SplittableRandom rng) {
        double sign = rng.nextBoolean() ? 1 : -1;
        return sign * switch (rng.nextInt(6)) {
            case 0 -> rng.nextDouble() * 25;
            case 1 -> Math.scalb(rng.nextDouble(), -rng.nextInt(1080));
            case 2 -> Math.scalb(1 + rng.nextDouble(), rng.nextInt(1000));
            case 3 -> ScalarTanhKernel.SMALL + Math.ulp(ScalarTanhKernel.SMALL) * (rng.nextInt(7) - 3);
            case 4 -> ScalarTanhKernel.BIG + Math.ulp(ScalarTanhKernel.BIG) * (rng.nextInt(7) - 3);
            default -> rng.nextDouble() * 0.2;
        };
    }

    @Property(tries = 300)
    void everyKernelIsFdlibmsTanhAndTheyAgreeBitForBit(@ForAll @IntRange(min = 0, max = 70) int n,
                                                       @ForAll @IntRange(min = 0, max = 9) int off,
                                                       @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u0 = new double[off + n + 3];
        for (int i = 0; i < u0.length; i++) {
            u0[i] = argument(rng);
        }
        double[] first = null;
        for (TanhKernel k : kernels()) {
            double[] u = u0.clone();
            k.tanh(u, off, n);
            for (int i = 0; i < u.length; i++) {
                boolean inside = i >= off && i < off + n;
                double want = inside ? StrictMath.tanh(u0[i]) : u0[i];
                assertEquals(want, u[i], REL * Math.abs(want), k.getClass().getSimpleName() + " tanh(" + u0[i] + ")");
            }
            if (first == null) {
                first = u;
            } else {
                assertArrayEquals(first, u, "the kernels differ");
            }
        }
    }

    @Test
    void aDenseSweepStaysWithinTheBoundAndRoundsToFdlibmsFloat() {
        int n = 840_001;
        double[] u0 = new double[n];
        for (int i = 0; i < n; i++) {
            u0[i] = -21 + i * 5e-5;
        }
        for (TanhKernel k : kernels()) {
            double[] u = u0.clone();
            k.tanh(u, 0, n);
            int floatDiffers = 0;
            for (int i = 0; i < n; i++) {
                double want = StrictMath.tanh(u0[i]);
                assertEquals(want, u[i], REL * Math.abs(want), "tanh(" + u0[i] + ")");
                if ((float) u[i] != (float) want) {
                    floatDiffers++;
                }
            }
            // a float differs only where fdlibm's value lies within 1e-14 of a rounding boundary
            assertTrue(floatDiffers <= 2, floatDiffers + " of " + n + " floats differ from fdlibm's");
        }
    }

    @Test
    void signedZerosInfinitiesAndNaN() {
        double[] u0 = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE,
            -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, 19.999999, -20.0};
        for (TanhKernel k : kernels()) {
            double[] u = new double[16];
            System.arraycopy(u0, 0, u, 0, u0.length);
            k.tanh(u, 0, u.length);
            String name = k.getClass().getSimpleName();
            assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(u[0]), name + " +0");
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(u[1]), name + " -0");
            assertEquals(1.0, u[2], name + " +inf");
            assertEquals(-1.0, u[3], name + " -inf");
            assertTrue(Double.isNaN(u[4]), name + " NaN");
            assertEquals(Double.MIN_VALUE, u[5], name);
            assertEquals(-Double.MIN_VALUE, u[6], name);
            assertEquals(1.0, u[7], name);
            assertEquals(-1.0, u[8], name);
            assertEquals(1e-300, u[9], name);
            assertEquals(StrictMath.tanh(19.999999), u[10], REL, name);
            assertEquals(-1.0, u[11], name);
        }
    }
}
