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
 * Both {@link RowKernel}s against the float64 definition, against each other bit for bit, on fresh
 * random rows of every length around the vector width (tails, n = 0), at offsets, with
 * cancellation, and with NaN and infinities passed on.
 */
class RowKernelTest {

    static List<RowKernel> kernels() {
        return KernelPair.of(RowKernel.class, new ScalarRowKernel(), "org.edp4j.tensor.VectorRowKernel");
    }

    @Property(tries = 300)
    void addScaledIsTheDefinitionOnEveryKernelBitForBit(@ForAll @IntRange(min = 0, max = 70) int n,
                                                        @ForAll @IntRange(min = 0, max = 17) int yo,
                                                        @ForAll @IntRange(min = 0, max = 17) int xo,
                                                        @ForAll boolean cancel, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float w = (float) (rng.nextDouble() * 4 - 2);
        float f = rng.nextInt(4) == 0 ? 1f : (float) rng.nextDouble();
        float[] x = new float[xo + n + 5];
        float[] y0 = new float[yo + n + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < y0.length; i++) {
            // cancellation: y = -f (w x) + a little, so the sum keeps only the little
            y0[i] = cancel && i >= yo && i - yo + xo < x.length
                    ? -f * (w * x[i - yo + xo]) + (float) (1e-6 * rng.nextGaussian()) : (float) rng.nextGaussian();
        }
        float[] first = null;
        for (RowKernel k : kernels()) {
            float[] y = y0.clone();
            k.addScaled(y, yo, x, xo, n, w, f);
            for (int i = 0; i < y.length; i++) {
                boolean inside = i >= yo && i < yo + n;
                double want = inside ? y0[i] + (double) f * ((double) w * x[i - yo + xo]) : y0[i];
                // three roundings to float, each within half an ulp of its result: 2 ulps of the largest
                double scale = inside ? Math.max(Math.max(Math.abs(y0[i]), Math.abs(f * w * x[i - yo + xo])),
                        Math.abs(want)) : 0;
                assertEquals(want, y[i], 2 * Math.ulp((float) scale), k.getClass().getSimpleName() + " [" + i + "]");
            }
            if (first == null) {
                first = y;
            } else {
                assertArrayEquals(first, y, "the kernels differ");
            }
        }
    }

    @Test
    void nanAndInfinitiesArePassedOnAsInTheDefinition() {
        float[] x = new float[40];
        x[3] = Float.NaN;
        x[20] = Float.POSITIVE_INFINITY;
        x[33] = Float.NEGATIVE_INFINITY;
        for (RowKernel k : kernels()) {
            float[] y = new float[40];
            y[33] = Float.NEGATIVE_INFINITY;
            y[34] = Float.POSITIVE_INFINITY;
            k.addScaled(y, 0, x, 0, 40, 2f, 0.5f);
            assertTrue(Float.isNaN(y[3]));
            assertEquals(Float.POSITIVE_INFINITY, y[20]);
            assertEquals(Float.NEGATIVE_INFINITY, y[33]);
            assertEquals(Float.POSITIVE_INFINITY, y[34]);
            assertEquals(0f, y[0]);
        }
    }
}
