package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Both {@link GeluKernel}s against a float64 reference of GELU's tanh approximation (forward and
 * derivative, with {@link StrictMath#tanh}) element by element, and against each other bit for bit:
 * fresh random values of several scales over every length around the vector width at offsets,
 * zeros of both signs, and NaN and infinities passed on.
 */
class GeluKernelTest {
    private static final double C = Math.sqrt(2 / Math.PI);

    static List<GeluKernel> kernels() {
        return KernelPair.of(GeluKernel.class, new ScalarGeluKernel(), "org.edp4j.tensor.VectorGeluKernel");
    }

    private static float value(SplittableRandom rng) {
        return switch (rng.nextInt(5)) {
            case 0 -> 0f;
            case 1 -> -0f;
            case 2 -> (float) (rng.nextGaussian() * 8);
            case 3 -> (float) (rng.nextGaussian() * 1e-3);
            default -> (float) rng.nextGaussian();
        };
    }

    @Property(tries = 300)
    void everyKernelIsTheReferenceAndTheyAgreeBitForBit(@ForAll @IntRange(min = 0, max = 70) int n,
                                                        @ForAll @IntRange(min = 0, max = 9) int off,
                                                        @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[off + n + 3];
        float[] gy = new float[off + n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = value(rng);
            gy[i] = (float) rng.nextGaussian();
        }
        List<float[]> outputs = new ArrayList<>();
        for (GeluKernel k : kernels()) {
            String name = k.getClass().getSimpleName();
            double[] u = new double[n + 2];
            k.arguments(x, off, n, u);
            for (int j = 0; j < n; j++) {
                double v = x[off + j];
                double want = C * (v + 0.044715 * v * v * v);
                assertEquals(want, u[j], 4 * Math.ulp((float) Math.max(Math.abs(want), Math.abs(v))), name + " argument");
                u[j] = StrictMath.tanh(u[j]);
            }
            float[] y = new float[off + n + 2];
            float[] gx = new float[off + n + 2];
            k.forward(x, off, u, n, y, off);
            k.backward(x, off, u, n, gy, off, gx, off);
            for (int j = 0; j < n; j++) {
                double v = x[off + j];
                double t = StrictMath.tanh(C * (v + 0.044715 * v * v * v));
                double dt = (1 - t * t) * C * (1 + 3 * 0.044715 * v * v);
                double wantY = 0.5 * v * (1 + t);
                double wantG = (0.5 * (1 + t) + 0.5 * v * dt) * gy[off + j];
                // float roundings of terms as large as |v| (and |v| |gy| dt): a few ulps of those; and t rounded
                // to float (2^-24 relatively), times the gradient's sensitivity to t, which grows like |v|^3
                assertEquals(wantY, y[off + j], 4 * Math.ulp((float) Math.abs(v)) + 1e-30, name + " forward at " + v);
                double g = Math.abs(gy[off + j]);
                double scale = Math.max(1, Math.abs(v) * Math.abs(dt)) * g;
                double sensitivity = 0.5 + Math.abs(v) * C * (1 + 3 * 0.044715 * v * v);
                assertEquals(wantG, gx[off + j], 8 * Math.ulp((float) scale) + 4 * 0x1p-24 * sensitivity * g + 1e-30,
                        name + " backward at " + v);
            }
            for (int i = 0; i < off; i++) {
                assertEquals(0f, y[i], name + " wrote before the range");
                assertEquals(0f, gx[i], name + " wrote before the range");
            }
            outputs.add(y);
            outputs.add(gx);
        }
        if (outputs.size() == 4) {
            assertArrayEquals(outputs.get(0), outputs.get(2), "the kernels' outputs differ");
            assertArrayEquals(outputs.get(1), outputs.get(3), "the kernels' gradients differ");
        }
    }

    @Test
    void nanAndInfinitiesArePassedOn() {
        int n = 40;
        float[] x = new float[n];
        float[] gy = new float[n];
        java.util.Arrays.fill(gy, 1f);
        x[3] = Float.NaN;
        x[20] = Float.POSITIVE_INFINITY;
        x[33] = Float.NEGATIVE_INFINITY;
        for (GeluKernel k : kernels()) {
            double[] u = new double[n];
            k.arguments(x, 0, n, u);
            for (int j = 0; j < n; j++) {
                u[j] = StrictMath.tanh(u[j]);
            }
            float[] y = new float[n];
            float[] gx = new float[n];
            k.forward(x, 0, u, n, y, 0);
            k.backward(x, 0, u, n, gy, 0, gx, 0);
            String name = k.getClass().getSimpleName();
            assertTrue(Float.isNaN(y[3]) && Float.isNaN(gx[3]), name + " NaN");
            assertEquals(Float.POSITIVE_INFINITY, y[20], name + " +inf");
            assertTrue(Float.isNaN(y[33]), name + " -inf: 0.5 (-inf) (1 - 1) is NaN, as the scalar definition");
            assertTrue(Float.isFinite(y[4]) && Float.isFinite(gx[4]), name + " a finite neighbour");
        }
    }
}
