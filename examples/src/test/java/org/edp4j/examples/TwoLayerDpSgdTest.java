package org.edp4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.edp4j.dp.Clipping;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.testkit.PerSampleRuleChecker;
import org.junit.jupiter.api.Test;

/**
 * The example against the float64 per-example reference: each example of a batch back-propagated
 * alone in double, its gradient materialized, and the private step's norms, clip factors and
 * clipped sums (written into the example's own gradient arrays) compared with those of the
 * materialized gradients.
 */
class TwoLayerDpSgdTest {
    static final int D = 20;
    static final int H = 16;
    static final int K = 4;

    /** Example i (batch row r) alone, in double: its gradients of W1, b1, W2, b2. */
    static double[][] perExample(TwoLayerDpSgd net, int r) {
        double[] x = new double[D];
        for (int i = 0; i < D; i++) {
            x[i] = net.x[r * D + i];
        }
        double[] z1 = new double[H];
        double[] a1 = new double[H];
        for (int j = 0; j < H; j++) {
            double s = net.b1[j];
            for (int i = 0; i < D; i++) {
                s += x[i] * net.w1[i * H + j];
            }
            z1[j] = s;
            a1[j] = Math.max(0, s);
        }
        double[] z2 = new double[K];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < K; c++) {
            double s = net.b2[c];
            for (int j = 0; j < H; j++) {
                s += a1[j] * net.w2[j * K + c];
            }
            z2[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (double v : z2) {
            sum += Math.exp(v - max);
        }
        double[] g2 = new double[K];
        for (int c = 0; c < K; c++) {
            g2[c] = Math.exp(z2[c] - max) / sum - (c == net.labels[r] ? 1 : 0);
        }
        double[] gw2 = new double[H * K];
        double[] g1 = new double[H];
        for (int j = 0; j < H; j++) {
            double s = 0;
            for (int c = 0; c < K; c++) {
                gw2[j * K + c] = a1[j] * g2[c];
                s += g2[c] * net.w2[j * K + c];
            }
            g1[j] = z1[j] > 0 ? s : 0;
        }
        double[] gw1 = new double[D * H];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < H; j++) {
                gw1[i * H + j] = x[i] * g1[j];
            }
        }
        return new double[][] {gw1, g1, gw2, g2};
    }

    static TwoLayerDpSgd loaded(int count) {
        TwoLayerDpSgd net = new TwoLayerDpSgd(D, H, K, 400, 0.05, 1.0, 0.5, 0.1, GaussianNoise.insecureSeeded(3), 5);
        Object[] data = TwoLayerDpSgd.clusters(400, D, K, 0.7, 9);
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = 3 * i;
        }
        net.loadBatch((float[]) data[0], (int[]) data[1], ids, 0, count);
        net.forwardBackward();
        return net;
    }

    @Test
    void eachRuleMatchesTheFloat64PerExampleGradients() {
        int count = 13;
        try (TwoLayerDpSgd net = loaded(count)) {
            assertTrue(count < net.capacity, "the batch has padding rows");
            PerSampleRuleChecker.check(net.hiddenRule, net.capacity, r -> {
                double[][] g = r < count ? perExample(net, r) : null;
                return g == null ? null : new double[][] {g[0], g[1]};
            });
            PerSampleRuleChecker.check(net.outputRule, net.capacity, r -> {
                double[][] g = r < count ? perExample(net, r) : null;
                return g == null ? null : new double[][] {g[2], g[3]};
            });
        }
    }

    @Test
    void clippedSumsEqualThePerExampleReference() {
        int count = 13;
        try (TwoLayerDpSgd net = loaded(count)) {
            net.step.zeroGrad();
            net.step.accumulate(org.edp4j.tensor.CpuBackend.instance().wrap(net.mask, 0, net.capacity));
            float[] factors = net.step.clipFactors(0).toArray();
            double[][] sums = {new double[D * H], new double[H], new double[H * K], new double[K]};
            double[][] size = {new double[D * H], new double[H], new double[H * K], new double[K]};
            for (int r = 0; r < net.capacity; r++) {
                if (r >= count) {
                    assertEquals(0f, factors[r], "padding row " + r);
                    continue;
                }
                double[][] g = perExample(net, r);
                double sq = 0;
                for (double[] p : g) {
                    for (double v : p) {
                        sq += v * v;
                    }
                }
                // flat clipping over both layers: c = min(1, C / (||g|| + 1e-6)), C = 0.5
                double c = Math.min(1, 0.5 / (Math.sqrt(sq) + Clipping.STABILIZER));
                assertEquals(c, factors[r], 1e-5 * c, "clip factor of row " + r);
                for (int p = 0; p < 4; p++) {
                    for (int j = 0; j < g[p].length; j++) {
                        sums[p][j] += c * g[p][j];
                        size[p][j] += Math.abs(c * g[p][j]);
                    }
                }
            }
            float[][] got = {net.gw1, net.gb1, net.gw2, net.gb2}; // written in place through the views
            for (int p = 0; p < 4; p++) {
                for (int j = 0; j < got[p].length; j++) {
                    assertEquals(sums[p][j], got[p][j], 1e-5 * size[p][j] + 1e-7, "clipped sum " + p + "[" + j + "]");
                }
            }
        }
    }

    @Test
    void learnsPrivately() {
        double[] r = TwoLayerDpSgd.run(3, GaussianNoise.insecureSeeded(11), false);
        assertTrue(r[0] >= 0.8, "test accuracy " + r[0] + " (chance 0.25)");
        assertTrue(r[1] > 0 && r[1] < 10, "epsilon " + r[1]);
    }
}
