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
 * Both {@link UpdateKernel}s against a float64 reference of the documented formulas and against each
 * other bit for bit, on fresh random values over every range length around the vector width (tails,
 * empty ranges) at offsets, with and without noise, weight decay and momentum, zeros of both signs,
 * cancellation ({@code w - lr u} near 0), and NaN and infinities passed on.
 */
class UpdateKernelTest {
    private static final String[] OPS = {"noiseAndScale", "sgd", "sgdMomentum", "adam"};

    static List<UpdateKernel> kernels() {
        return KernelPair.of(UpdateKernel.class, new ScalarUpdateKernel(), "org.edp4j.tensor.VectorUpdateKernel");
    }

    /** One call's inputs: arrays with room around the range, and the hyperparameters. */
    static final class Case {
        final String op;
        final int i0;
        final int i1;
        final int wo = 3;
        final int go = 1;
        final int zo = 5;
        final int so = 2;
        final float[] w;
        final float[] g;
        final float[] z;
        final float[] m;
        final float[] v;
        final float std;
        final float gradScale;
        final float lr;
        final float weightDecay;
        final float momentum;
        final float beta1;
        final float beta2;
        final float eps;
        final long t;

        Case(String op, int i0, int i1, boolean noise, boolean decay, boolean cancel, SplittableRandom rng) {
            this.op = op;
            this.i0 = i0;
            this.i1 = i1;
            int len = i1 + 8;
            std = (float) (0.1 + rng.nextDouble() * 3);
            gradScale = (float) (rng.nextDouble() / 64);
            lr = (float) (rng.nextDouble() * 0.5);
            weightDecay = decay ? (float) (rng.nextDouble() * 0.1) : 0f;
            momentum = (float) rng.nextDouble();
            beta1 = (float) (0.8 + 0.19 * rng.nextDouble());
            beta2 = (float) (0.99 + 0.009 * rng.nextDouble());
            eps = (float) (rng.nextDouble() * 1e-6);
            t = 1 + rng.nextInt(1000);
            w = values(len, rng);
            g = values(len, rng);
            z = noise ? values(len, rng) : null;
            m = values(len, rng);
            v = values(len, rng);
            for (int j = 0; j < len; j++) {
                v[j] = Math.abs(v[j]);
            }
            if (cancel && op.equals("sgd") && z == null) {
                // w = lr gradScale g, up to a little: w - lr u keeps only the little
                for (int j = 0; j < i1; j++) {
                    w[wo + j] = (float) (lr * (double) gradScale * g[go + j]) + (float) (1e-7 * rng.nextGaussian());
                }
            }
        }

        /** Random normals with some exact zeros of both signs. */
        private static float[] values(int len, SplittableRandom rng) {
            float[] a = new float[len + 8];
            for (int j = 0; j < a.length; j++) {
                int k = rng.nextInt(20);
                a[j] = k == 0 ? 0f : k == 1 ? -0f : (float) rng.nextGaussian();
            }
            return a;
        }

        double c1() {
            return 1.0 / (1.0 - Math.pow(beta1, t));
        }

        double c2() {
            return 1.0 / (1.0 - Math.pow(beta2, t));
        }

        /** Runs {@code k} on copies; returns {w or x, m or v (momentum) or empty, v (adam) or empty}. */
        float[][] run(UpdateKernel k) {
            float[] w1 = w.clone();
            float[] m1 = m.clone();
            float[] v1 = v.clone();
            switch (op) {
                case "noiseAndScale" -> k.noiseAndScale(i0, i1, w1, wo, z, zo, std, gradScale);
                case "sgd" -> k.sgd(i0, i1, w1, wo, g, go, z, zo, std, gradScale, lr, weightDecay);
                case "sgdMomentum" -> k.sgdMomentum(i0, i1, w1, wo, g, go, z, zo, std, gradScale, lr, weightDecay,
                        momentum, v1, so);
                default -> k.adam(i0, i1, w1, wo, g, go, z, zo, std, gradScale, lr, weightDecay, beta1, beta2, eps,
                        c1(), c2(), m1, so, v1, so);
            }
            return new float[][] {w1, m1, v1};
        }

        /**
         * The float64 reference of element j (in the range): {w, m, v} as doubles, from the formulas in
         * {@link UpdateKernel}'s comments, computed independently of either kernel.
         */
        double[] reference(int j) {
            double noise = z == null ? 0 : (double) std * z[zo + j];
            double wj = w[wo + j];
            switch (op) {
                case "noiseAndScale":
                    return new double[] {(wj + noise) * gradScale, m[so + j], v[so + j]};
                case "sgd":
                    return new double[] {wj - lr * ((g[go + j] + noise) * gradScale + weightDecay * wj), m[so + j],
                        v[so + j]};
                case "sgdMomentum": {
                    double u = momentum * (double) v[so + j] + ((g[go + j] + noise) * gradScale + weightDecay * wj);
                    return new double[] {wj - lr * u, m[so + j], u};
                }
                default: {
                    double u = (g[go + j] + noise) * gradScale;
                    double mj = (double) (beta1 * m[so + j]) + (1 - (double) beta1) * u;
                    double vj = (double) (beta2 * v[so + j]) + (1 - (double) beta2) * u * u;
                    double step = mj * c1() / (Math.sqrt(vj * c2()) + eps) + weightDecay * wj;
                    return new double[] {wj - lr * step, mj, vj};
                }
            }
        }

        /** The array offset of result array r ({w, m, v}). */
        int offset(int r) {
            return r == 0 ? wo : so;
        }
    }

    @Property(tries = 400)
    void everyKernelIsTheReferenceAndTheyAgreeBitForBit(@ForAll @IntRange(min = 0, max = 3) int op,
                                                        @ForAll @IntRange(min = 0, max = 9) int i0,
                                                        @ForAll @IntRange(min = 0, max = 70) int n,
                                                        @ForAll boolean noise, @ForAll boolean decay,
                                                        @ForAll boolean cancel, @ForAll long seed) {
        Case c = new Case(OPS[op], i0, i0 + n, noise, decay, cancel, new SplittableRandom(seed));
        float[][] first = null;
        for (UpdateKernel k : kernels()) {
            float[][] got = c.run(k);
            String name = k.getClass().getSimpleName() + " " + c.op;
            float[][] before = {c.w, c.m, c.v};
            for (int r = 0; r < 3; r++) {
                int o = c.offset(r);
                for (int p = 0; p < got[r].length; p++) {
                    int j = p - o;
                    if (j < c.i0 || j >= c.i1) {
                        assertEquals(before[r][p], got[r][p], 0, name + ": array " + r + " [" + p + "] outside the range");
                        continue;
                    }
                    double want = c.reference(j)[r];
                    // the reference's own roundings differ from the definition's by a few ulps of double;
                    // the one rounding to float is at most half an ulp of float
                    assertEquals(want, got[r][p], Math.ulp((float) want) + 1e-12 * Math.abs(want),
                            name + ": array " + r + " [" + j + "]");
                }
            }
            if (first == null) {
                first = got;
            } else {
                for (int r = 0; r < 3; r++) {
                    assertArrayEquals(first[r], got[r], c.op + ": the kernels differ in array " + r);
                }
            }
        }
    }

    @Test
    void nanAndInfinitiesArePassedOn() {
        int n = 40;
        for (String op : OPS) {
            Case c = new Case(op, 0, n, true, true, false, new SplittableRandom(5));
            c.g[c.go + 3] = Float.NaN;
            c.g[c.go + 20] = Float.POSITIVE_INFINITY;
            c.w[c.wo + 33] = Float.NEGATIVE_INFINITY;
            if (op.equals("noiseAndScale")) {
                c.w[c.wo + 3] = Float.NaN;
                c.w[c.wo + 20] = Float.POSITIVE_INFINITY;
            }
            float[][] first = null;
            for (UpdateKernel k : kernels()) {
                float[][] got = c.run(k);
                assertTrue(Float.isNaN(got[0][c.wo + 3]), op + " NaN");
                assertTrue(Float.isNaN(got[0][c.wo + 20]) || Float.isInfinite(got[0][c.wo + 20]), op + " inf");
                assertTrue(!Float.isFinite(got[0][c.wo + 33]), op + " -inf weight");
                assertTrue(Float.isFinite(got[0][c.wo + 4]), op + " a finite neighbour");
                if (first == null) {
                    first = got;
                } else {
                    for (int r = 0; r < 3; r++) {
                        assertArrayEquals(first[r], got[r], op + ": the kernels differ in array " + r);
                    }
                }
            }
        }
    }
}
