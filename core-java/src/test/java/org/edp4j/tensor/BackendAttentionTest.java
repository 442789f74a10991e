package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Backend#attention} and {@link Backend#attentionBackward} of every backend against the
 * float64 {@link AttentionReference}, whose backward is itself checked against central
 * differences of its forward.
 */
class BackendAttentionTest {
    /** Norm-wise relative tolerance of float32 kernels against the float64 reference. */
    static final double REL = 1e-4;
    /** Norm-wise relative tolerance of the float64 finite-difference check (step 1e-5). */
    static final double FD_REL = 1e-7;

    /**
     * {batch, seq, heads, headDim}: T = 1, one head, odd sizes, more pairs than threads; and heads of 64
     * with T a multiple of 4 (the encoder's kind), whose products read Q, K, V, P and dS in place
     * (the vector GEMM's 4-row kernel).
     */
    static final int[][] SHAPES = {{1, 1, 1, 1}, {3, 5, 2, 4}, {2, 7, 3, 5}, {5, 1, 2, 3}, {4, 33, 2, 16},
        {6, 17, 1, 8}, {2, 64, 2, 64}, {1, 128, 2, 64}};

    static List<Backend> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void forwardAndBackwardMatchTheFloat64Reference(Backend be) {
        SplittableRandom rng = new SplittableRandom(11);
        for (int[] shape : SHAPES) {
            for (int rep = 0; rep < 3; rep++) {
                checkAgainstReference(be, rng, shape[0], shape[1], shape[2], shape[3], rep);
            }
        }
    }

    /** maskKind: 0 random padding with holes, 1 every key attended, 2 padding at the end only. */
    private static void checkAgainstReference(Backend be, SplittableRandom rng, int batch, int seq, int heads,
                                              int headDim, int maskKind) {
        int d = heads * headDim;
        int n = batch * seq * 3 * d;
        float[] qkv = new float[n];
        for (int i = 0; i < n; i++) {
            qkv[i] = (float) (rng.nextGaussian() * 1.5);
        }
        float[] mask = randomPadding(rng, batch, seq);
        if (maskKind > 0) {
            for (int b = 0; b < batch; b++) {
                int len = maskKind == 1 ? seq : 1 + rng.nextInt(seq);
                for (int t = 0; t < seq; t++) {
                    mask[b * seq + t] = t < len ? 1f : 0f;
                }
            }
        }
        float[] gOut = new float[batch * seq * d];
        for (int i = 0; i < gOut.length; i++) {
            gOut[i] = (float) rng.nextGaussian();
        }
        Tensor tq = be.tensor(qkv, batch, seq, 3 * d);
        Tensor probs = be.zeros(batch, heads, seq, seq);
        Tensor out = be.zeros(batch, seq, d);
        // NaN in the outputs beforehand: every element must be overwritten.
        be.fill(probs, Float.NaN);
        be.fill(out, Float.NaN);
        be.attention(batch, seq, heads, headDim, tq, be.tensor(mask, batch, seq), probs, out);
        Tensor gq = be.zeros(batch, seq, 3 * d);
        be.fill(gq, Float.NaN);
        Tensor scratch = be.zeros(batch, heads, seq, seq);
        be.attentionBackward(batch, seq, heads, headDim, tq, probs, be.tensor(gOut, batch, seq, d), scratch, gq);

        double[] dq = toDouble(qkv);
        double[] dm = toDouble(mask);
        String what = "B=" + batch + " T=" + seq + " H=" + heads + " dh=" + headDim + " on " + be.name();
        float[] gotP = probs.toArray();
        assertClose("probs " + what, AttentionReference.probs(batch, seq, heads, headDim, dq, dm), gotP);
        assertClose("out " + what, AttentionReference.forward(batch, seq, heads, headDim, dq, dm), out.toArray());
        assertClose("gQkv " + what,
                AttentionReference.backward(batch, seq, heads, headDim, dq, dm, toDouble(gOut)), gq.toArray());
        // Masked keys get probability exactly 0 (not a tiny exp).
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < heads * seq; i++) {
                for (int s = 0; s < seq; s++) {
                    if (mask[b * seq + s] == 0f) {
                        assertEquals(0f, gotP[(b * heads * seq + i) * seq + s], what);
                    }
                }
            }
        }
    }

    /** Random key padding; sample 0 has no key at all when there are several samples. */
    static float[] randomPadding(SplittableRandom rng, int batch, int seq) {
        float[] mask = new float[batch * seq];
        for (int b = 0; b < batch; b++) {
            int len = batch > 1 && b == 0 ? 0 : 1 + rng.nextInt(seq);
            for (int t = 0; t < seq; t++) {
                // Mostly a prefix of real tokens, sometimes holes inside it.
                mask[b * seq + t] = t < len && rng.nextInt(5) != 0 ? 1f : 0f;
            }
        }
        return mask;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSampleWithoutKeysGetsZerosNotNaN(Backend be) {
        int batch = 2;
        int seq = 3;
        float[] qkv = new float[batch * seq * 6];
        for (int i = 0; i < qkv.length; i++) {
            qkv[i] = i * 0.1f;
        }
        float[] mask = {0, 0, 0, 1, 0, 1};
        Tensor probs = be.zeros(batch, 1, seq, seq);
        Tensor out = be.zeros(batch, seq, 2);
        Tensor tq = be.tensor(qkv, batch, seq, 6);
        be.attention(batch, seq, 1, 2, tq, be.tensor(mask, batch, seq), probs, out);
        Tensor gq = be.zeros(batch, seq, 6);
        float[] ones = new float[batch * seq * 2];
        java.util.Arrays.fill(ones, 1f);
        be.attentionBackward(batch, seq, 1, 2, tq, probs, be.tensor(ones, batch, seq, 2), be.zeros(batch, 1, seq, seq),
                gq);
        float[] o = out.toArray();
        float[] p = probs.toArray();
        float[] g = gq.toArray();
        for (int i = 0; i < seq * 2; i++) {
            assertEquals(0f, o[i], "output of the keyless sample");
        }
        for (int i = 0; i < seq * seq; i++) {
            assertEquals(0f, p[i], "probabilities of the keyless sample");
        }
        for (int i = 0; i < seq * 6; i++) {
            assertEquals(0f, g[i], "gradient of the keyless sample");
        }
        assertTrue(be.allFinite(out) && be.allFinite(probs) && be.allFinite(gq));
        assertEquals(1.0, p[9] + p[11], 1e-6, "sample 1 attends to its keys 0 and 2");
    }

    /**
     * Masked keys' rows of K and V (a hole inside the sequence and trailing padding) hold NaN and
     * infinity: the outputs and the gradients are those of the same input with those rows finite
     * (the masked keys never enter a product), and their own gradient rows are 0. The CPU backend's
     * promise (CpuAttention), beyond the interface's: the CUDA forward multiplies the masked keys'
     * zero probabilities into V with cuBLAS, where 0 times NaN is NaN.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void nonFiniteMaskedKeysDoNotReachOutputsOrGradients(Backend be) {
        org.junit.jupiter.api.Assumptions.assumeTrue(be instanceof CpuBackend, "the CPU backend's promise");
        int batch = 2;
        int seq = 37;
        int heads = 2;
        int headDim = 8;
        int d = heads * headDim;
        SplittableRandom rng = new SplittableRandom(5);
        float[] clean = new float[batch * seq * 3 * d];
        for (int i = 0; i < clean.length; i++) {
            clean[i] = (float) rng.nextGaussian();
        }
        float[] mask = new float[batch * seq];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < 29 - 7 * b; t++) {
                mask[b * seq + t] = t == 11 ? 0f : 1f; // a hole at 11, padding from 29 (22) on
            }
        }
        float[] dirty = clean.clone();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                if (mask[b * seq + t] == 0f) {
                    int row = (b * seq + t) * 3 * d;
                    for (int j = d; j < 3 * d; j++) { // K and V
                        dirty[row + j] = j % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY;
                    }
                }
            }
        }
        float[] gOut = new float[batch * seq * d];
        for (int i = 0; i < gOut.length; i++) {
            gOut[i] = (float) rng.nextGaussian();
        }
        float[][] results = new float[2][];
        float[][] grads = new float[2][];
        for (int v = 0; v < 2; v++) {
            Tensor tq = be.tensor(v == 0 ? clean : dirty, batch, seq, 3 * d);
            Tensor probs = be.zeros(batch, heads, seq, seq);
            Tensor out = be.zeros(batch, seq, d);
            be.attention(batch, seq, heads, headDim, tq, be.tensor(mask, batch, seq), probs, out);
            Tensor gq = be.zeros(batch, seq, 3 * d);
            be.attentionBackward(batch, seq, heads, headDim, tq, probs, be.tensor(gOut, batch, seq, d),
                    be.zeros(batch, heads, seq, seq), gq);
            results[v] = out.toArray();
            grads[v] = gq.toArray();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1], "outputs on " + be.name());
        org.junit.jupiter.api.Assertions.assertArrayEquals(grads[0], grads[1], "gradients on " + be.name());
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                if (mask[b * seq + t] == 0f) {
                    for (int j = d; j < 3 * d; j++) {
                        assertEquals(0f, grads[1][(b * seq + t) * 3 * d + j], "masked key's K, V gradient");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void wrongSizesAreRefused(Backend be) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.attention(2, 3, 2, 4, be.zeros(2, 3, 24), be.zeros(2, 3), be.zeros(2, 2, 3, 4),
                        be.zeros(2, 3, 8)));
        assertTrue(e.getMessage().contains("'probs'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> be.attentionBackward(2, 3, 2, 4, be.zeros(2, 3, 24), be.zeros(2, 2, 3, 3), be.zeros(2, 3, 8),
                        be.zeros(2, 2, 3, 3), be.zeros(2, 3, 8)));
        assertTrue(e.getMessage().contains("'gQkv'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> be.attention(1, 0, 1, 1, be.zeros(1), be.zeros(1), be.zeros(1), be.zeros(1)));
        assertTrue(e.getMessage().contains("seq=0"), e.getMessage());
    }

    /** The reference's backward formula against central differences of its forward, in float64. */
    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(5);
        int[][] shapes = {{1, 1, 1, 1}, {3, 4, 2, 3}, {2, 5, 1, 2}};
        for (int[] s : shapes) {
            int batch = s[0];
            int seq = s[1];
            int heads = s[2];
            int headDim = s[3];
            int d = heads * headDim;
            double[] qkv = new double[batch * seq * 3 * d];
            for (int i = 0; i < qkv.length; i++) {
                qkv[i] = rng.nextGaussian();
            }
            double[] mask = toDouble(randomPadding(rng, batch, seq));
            double[] w = new double[batch * seq * d]; // L = sum(w * out), so dL/d out = w
            for (int i = 0; i < w.length; i++) {
                w[i] = rng.nextGaussian();
            }
            double[] analytic = AttentionReference.backward(batch, seq, heads, headDim, qkv, mask, w);
            double[] numeric = new double[qkv.length];
            double h = 1e-5;
            for (int i = 0; i < qkv.length; i++) {
                double keep = qkv[i];
                qkv[i] = keep + h;
                double up = dot(w, AttentionReference.forward(batch, seq, heads, headDim, qkv, mask));
                qkv[i] = keep - h;
                double down = dot(w, AttentionReference.forward(batch, seq, heads, headDim, qkv, mask));
                qkv[i] = keep;
                numeric[i] = (up - down) / (2 * h);
            }
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < qkv.length; i++) {
                diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
                norm += numeric[i] * numeric[i];
            }
            assertTrue(Math.sqrt(diff) <= FD_REL * Math.sqrt(norm) + 1e-12,
                    "finite differences differ by " + Math.sqrt(diff) + " (norm " + Math.sqrt(norm) + ")");
        }
    }

    static void assertClose(String what, double[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < want.length; i++) {
            diff += (want[i] - got[i]) * (want[i] - got[i]);
            norm += want[i] * want[i];
        }
        if (!(Math.sqrt(diff) <= REL * Math.sqrt(norm) + 1e-7)) {
            StringBuilder sb = new StringBuilder(what + ": error " + Math.sqrt(diff) + ", norm " + Math.sqrt(norm));
            int shown = 0;
            for (int i = 0; i < want.length && shown < 6; i++) {
                if (!(Math.abs(want[i] - got[i]) <= REL * Math.max(1, Math.abs(want[i])))) {
                    sb.append("\n  [").append(i).append("] want ").append(want[i]).append(" got ").append(got[i]);
                    shown++;
                }
            }
            throw new AssertionError(sb.toString());
        }
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
