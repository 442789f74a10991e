package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The per-sample norms of Linear on sequences ({@code linearNormsGhost}, {@code linearNormsDirect})
 * of every backend against the float64 per-sample gradient {@code A_i^T G_i}, on fresh random
 * shapes: T up to 130 (full 4 x 4 tiles and every tail), widths that are not multiples of 4,
 * B = 1, T = 1, zero gradient rows in the middle and at the end (padding).
 */
class CpuNormsTest {
    /**
     * Relative tolerance against {@code sum_{t,s} |a_t . a_s| |g_t . g_s|}, the size of the terms
     * the ghost sum cancels: dot products accumulate in float over up to ~130 terms.
     */
    static final double REL = 1e-5;

    @Property(tries = 60)
    void ghostAndDirectMatchFloat64Reference(@ForAll @IntRange(min = 1, max = 4) int batch,
                                             @ForAll @IntRange(min = 1, max = 130) int seq,
                                             @ForAll @IntRange(min = 1, max = 37) int d,
                                             @ForAll @IntRange(min = 1, max = 37) int p,
                                             @ForAll boolean bias,
                                             @ForAll @IntRange(min = 0, max = 3) int zeroRows,
                                             @ForAll long seed) {
        check(batch, seq, d, p, bias, zeroRows, seed);
    }

    /** The encoder's tile structure at a width past one cache block, odd sizes, padding. */
    @Test
    void largerOddShapes() {
        check(3, 130, 67, 45, true, 3, 11);
        check(2, 128, 64, 96, false, 0, 12);
        check(1, 1, 5, 3, true, 0, 13);
        check(2, 5, 260, 7, true, 1, 14);
    }

    /** The result of a sample does not depend on the other samples of the batch (nor on how the batch is split across threads). */
    @Test
    void eachSampleAloneGivesTheSameBits() {
        SplittableRandom rng = new SplittableRandom(21);
        int batch = 7;
        int seq = 33;
        int d = 19;
        int p = 22;
        float[] a = random(rng, batch * seq * d);
        float[] g = random(rng, batch * seq * p);
        Backend be = CpuBackend.instance();
        for (boolean ghost : new boolean[] {true, false}) {
            float[] all = norms(be, ghost, batch, seq, d, p, a, g, true);
            float[] alone = new float[batch];
            for (int b = 0; b < batch; b++) {
                float[] ab = java.util.Arrays.copyOfRange(a, b * seq * d, (b + 1) * seq * d);
                float[] gb = java.util.Arrays.copyOfRange(g, b * seq * p, (b + 1) * seq * p);
                alone[b] = norms(be, ghost, 1, seq, d, p, ab, gb, true)[0];
            }
            assertArrayEquals(all, alone, ghost ? "ghost" : "direct");
        }
    }

    /**
     * Two positions whose contributions to {@code A^T G} cancel ({@code a_1 = -(1 + eps) a_0},
     * {@code g_1 = g_0}): the ghost sum is a difference of large, nearly equal float terms and
     * came out below 0 in about a third of such samples. Each sample's squared norm must be
     * {@code >= 0} and within the float error of the float64 value, sample by sample.
     */
    @Test
    void ghostNormUnderCancellationIsNeverNegative() {
        SplittableRandom rng = new SplittableRandom(5);
        int batch = 200;
        int seq = 2;
        int d = 64;
        int p = 32;
        float eps = 1e-4f;
        float[] a = new float[batch * seq * d];
        float[] g = new float[batch * seq * p];
        for (int b = 0; b < batch; b++) {
            for (int x = 0; x < d; x++) {
                float v = (float) rng.nextGaussian();
                a[(b * seq) * d + x] = v;
                a[(b * seq + 1) * d + x] = -(1 + eps) * v;
            }
            for (int j = 0; j < p; j++) {
                float v = (float) rng.nextGaussian();
                g[(b * seq) * p + j] = v;
                g[(b * seq + 1) * p + j] = v;
            }
        }
        double[] ref = new double[batch];
        double[] scale = new double[batch];
        reference(batch, seq, d, p, a, g, false, ref, scale);
        for (Backend be : TestBackends.all()) {
            Tensor out = be.zeros(batch);
            be.linearNormsGhost(batch, seq, d, p, be.tensor(a, batch, seq, d), be.tensor(g, batch, seq, p), false, out);
            float[] got = out.toArray();
            for (int b = 0; b < batch; b++) {
                assertTrue(got[b] >= 0, be.name() + " sample " + b + ": squared norm " + got[b] + " < 0");
                assertEquals(ref[b], got[b], REL * scale[b], be.name() + " sample " + b);
            }
        }
    }

    static void check(int batch, int seq, int d, int p, boolean bias, int zeroRows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = random(rng, batch * seq * d);
        float[] g = random(rng, batch * seq * p);
        // zeroRows: 1 zeroes a gradient row in the middle, 2 the trailing quarter (padding), 3 both,
        // and a whole sample when there are several.
        for (int b = 0; b < batch; b++) {
            if ((zeroRows & 1) != 0) {
                java.util.Arrays.fill(g, (b * seq + seq / 2) * p, (b * seq + seq / 2 + 1) * p, 0f);
                java.util.Arrays.fill(a, (b * seq + seq / 3) * d, (b * seq + seq / 3 + 1) * d, 0f);
            }
            if ((zeroRows & 2) != 0) {
                int from = seq - seq / 4;
                java.util.Arrays.fill(g, (b * seq + from) * p, (b + 1) * seq * p, 0f);
            }
        }
        if (zeroRows == 3 && batch > 1) {
            java.util.Arrays.fill(g, 0, seq * p, 0f);
        }
        double[] ref = new double[batch];
        double[] scale = new double[batch];
        reference(batch, seq, d, p, a, g, bias, ref, scale);
        for (Backend be : TestBackends.all()) {
            for (boolean ghost : new boolean[] {true, false}) {
                float[] got = norms(be, ghost, batch, seq, d, p, a, g, bias);
                for (int b = 0; b < batch; b++) {
                    double want = ref[b] + 0.5; // out starts at 0.5: the norms accumulate
                    assertEquals(want, got[b], REL * scale[b] + 1e-6 * Math.abs(want),
                            be.name() + (ghost ? " ghost" : " direct") + " sample " + b + " of B=" + batch + " T=" + seq
                                    + " d=" + d + " p=" + p + " bias=" + bias + " zeroRows=" + zeroRows);
                }
            }
        }
    }

    static float[] norms(Backend be, boolean ghost, int batch, int seq, int d, int p, float[] a, float[] g,
                         boolean bias) {
        Tensor out = be.zeros(batch);
        be.fill(out, 0.5f);
        Tensor ta = be.tensor(a, batch, seq, d);
        Tensor tg = be.tensor(g, batch, seq, p);
        if (ghost) {
            be.linearNormsGhost(batch, seq, d, p, ta, tg, bias, out);
        } else {
            be.linearNormsDirect(batch, seq, d, p, ta, tg, bias, out);
        }
        return out.toArray();
    }

    /** {@code ||A_i^T G_i||_F^2 (+ ||sum_t g_t||^2)} in double, and {@code sum_{t,s} |a_t.a_s||g_t.g_s|} (+ the bias's). */
    static void reference(int batch, int seq, int d, int p, float[] a, float[] g, boolean bias, double[] ref,
                          double[] scale) {
        for (int b = 0; b < batch; b++) {
            double sq = 0;
            for (int x = 0; x < d; x++) {
                for (int j = 0; j < p; j++) {
                    double w = 0;
                    for (int t = 0; t < seq; t++) {
                        w += (double) a[(b * seq + t) * d + x] * g[(b * seq + t) * p + j];
                    }
                    sq += w * w;
                }
            }
            double abs = 0;
            for (int t = 0; t < seq; t++) {
                for (int s = 0; s < seq; s++) {
                    double aa = 0;
                    for (int x = 0; x < d; x++) {
                        aa += Math.abs((double) a[(b * seq + t) * d + x] * a[(b * seq + s) * d + x]);
                    }
                    double gg = 0;
                    for (int j = 0; j < p; j++) {
                        gg += Math.abs((double) g[(b * seq + t) * p + j] * g[(b * seq + s) * p + j]);
                    }
                    abs += aa * gg + (bias ? gg : 0);
                }
            }
            if (bias) {
                for (int j = 0; j < p; j++) {
                    double s = 0;
                    for (int t = 0; t < seq; t++) {
                        s += g[(b * seq + t) * p + j];
                    }
                    sq += s * s;
                }
            }
            ref[b] = sq;
            scale[b] = abs;
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
}
