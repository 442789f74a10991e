package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fused update, clip factor and utility kernels of every backend against float64 references. */
class BackendOpsTest {
    static final double REL = 1e-5;

    static List<Backend> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sgdWithMomentumNoiseAndDecayMatchesReference(Backend be) {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 100_003; // spans several parallel chunks, odd tail
        float[] w = random(rng, n);
        float[] g = random(rng, n);
        float[] v = random(rng, n);
        float[] z = random(rng, n + 7);
        Tensor tw = be.tensor(w, n);
        Tensor tv = be.tensor(v, n);
        UpdateNoise noise = new UpdateNoise(0.3f, z, 7, null, 0, 0, 0);
        if (be.drawsNoise()) {
            return; // device backends draw their own normals: compared with the stream in the native tests
        }
        be.sgdUpdate(tw, be.tensor(g, n), noise, 0.25f, 0.1f, 0.9f, 0.01f, tv);
        float[] gotW = tw.toArray();
        float[] gotV = tv.toArray();
        for (int i = 0; i < n; i++) {
            double gi = (g[i] + 0.3 * z[7 + i]) * 0.25 + 0.01 * w[i];
            double vi = 0.9 * v[i] + gi;
            double wi = w[i] - 0.1 * vi;
            assertEquals(vi, gotV[i], 1e-5 * Math.max(1, Math.abs(vi)));
            assertEquals(wi, gotW[i], 1e-5 * Math.max(1, Math.abs(wi)));
        }
    }

    /** The noise stage of a private step: {@code x = (x + stddev z) * scale} in double, rounded once. */
    @ParameterizedTest
    @MethodSource("backends")
    void addNoiseAndScaleMatchesReference(Backend be) {
        if (be.drawsNoise()) {
            return; // device backends draw their own normals: compared with the stream in the native tests
        }
        SplittableRandom rng = new SplittableRandom(4);
        int n = 70_001;
        float[] x = random(rng, n);
        float[] z = random(rng, n + 5);
        Tensor t = be.tensor(x, n);
        be.addNoiseAndScale(t, new UpdateNoise(0.7f, z, 5, null, 0, 0, 0), 0.125f);
        float[] got = t.toArray();
        for (int i = 0; i < n; i++) {
            assertEquals((float) ((x[i] + 0.7f * (double) z[5 + i]) * 0.125f), got[i], "element " + i);
        }
        Tensor none = be.tensor(x, n);
        be.addNoiseAndScale(none, UpdateNoise.NONE, 2f);
        float[] doubled = none.toArray();
        for (int i = 0; i < n; i++) {
            assertEquals(2 * x[i], doubled[i]);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void adamMatchesReference(Backend be) {
        SplittableRandom rng = new SplittableRandom(2);
        int n = 5000;
        float[] w = random(rng, n);
        float[] g = random(rng, n);
        float[] m = random(rng, n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextDouble();
        }
        Tensor tw = be.tensor(w, n);
        Tensor tm = be.tensor(m, n);
        Tensor tv = be.tensor(v, n);
        be.adamUpdate(tw, be.tensor(g, n), UpdateNoise.NONE, 0.5f, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, 3, tm, tv);
        float[] gw = tw.toArray();
        for (int i = 0; i < n; i++) {
            double gi = g[i] * 0.5;
            double mi = 0.9 * m[i] + 0.1 * gi;
            double vi = 0.999 * v[i] + 0.001 * gi * gi;
            double mh = mi / (1 - Math.pow(0.9, 3));
            double vh = vi / (1 - Math.pow(0.999, 3));
            double wi = w[i] - 0.01 * (mh / (Math.sqrt(vh) + 1e-8) + 0.1 * w[i]);
            assertEquals(wi, gw[i], 1e-5 * Math.max(1, Math.abs(wi)));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void clipFactorsForCappedAndAutomaticModes(Backend be) {
        float[] sq = {0f, 0.25f, 4f, 100f, 9f};
        float[] mask = {1f, 1f, 1f, 1f, 0f};
        Tensor f = be.zeros(5);
        be.clipFactors(5, be.tensor(sq, 5), be.tensor(mask, 5), 1f, 1e-6f, false, f);
        float[] capped = f.toArray();
        assertEquals(1f, capped[0]);
        assertEquals(1f, capped[1]);
        assertEquals(0.5, capped[2], 1e-6);
        assertEquals(0.1, capped[3], 1e-6);
        assertEquals(0f, capped[4], "masked row");
        be.clipFactors(5, be.tensor(sq, 5), be.tensor(mask, 5), 2f, 0.01f, true, f);
        float[] auto = f.toArray();
        assertEquals(2 / 0.01, auto[0], 1e-3);
        assertEquals(2 / 10.01, auto[3], 1e-6);
        assertEquals(0f, auto[4]);
    }

    /**
     * A squared norm a little below 0 (float cancellation in a ghost norm) counts as 0: factor 1
     * (capped) or C / gamma (automatic), never the NaN of sqrt(-x). NaN stays NaN, for the
     * optimizer's non-finite check to see.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void clipFactorsTreatNegativeSquaredNormsAsZero(Backend be) {
        float[] sq = {-1.8e-3f, -0f, Float.NaN};
        float[] mask = {1f, 1f, 1f};
        Tensor f = be.zeros(3);
        be.clipFactors(3, be.tensor(sq, 3), be.tensor(mask, 3), 1f, 1e-6f, false, f);
        float[] capped = f.toArray();
        assertEquals(1f, capped[0]);
        assertEquals(1f, capped[1]);
        assertTrue(Float.isNaN(capped[2]), "NaN must stay visible, got " + capped[2]);
        be.clipFactors(3, be.tensor(sq, 3), be.tensor(mask, 3), 2f, 0.01f, true, f);
        float[] auto = f.toArray();
        assertEquals(2 / 0.01, auto[0], 1e-3);
        assertEquals(2 / 0.01, auto[1], 1e-3);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void finitenessAndSums(Backend be) {
        assertTrue(be.allFinite(be.tensor(new float[] {1, -2, 3e38f}, 3)));
        assertFalse(be.allFinite(be.tensor(new float[] {1, Float.NaN, 3}, 3)));
        assertFalse(be.allFinite(be.tensor(new float[] {Float.NEGATIVE_INFINITY}, 1)));
        assertEquals(6.5, be.sum(be.tensor(new float[] {1, 2, 3.5f}, 3)), 1e-6);
    }

    /**
     * allFinite, allFinite(List) and sumOfSquares on sizes below and above the parallel split
     * (131,072 floats), a non-finite value at the first, a middle and the last position, against a
     * float64 reference.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void finitenessAndSumOfSquaresOnLargeTensors(Backend be) {
        SplittableRandom rng = new SplittableRandom(8);
        for (int n : new int[] {0, 1, 5, 131_071, 131_072, 700_001}) {
            float[] x = new float[n];
            double want = 0;
            for (int i = 0; i < n; i++) {
                x[i] = (float) rng.nextGaussian();
                want += (double) (x[i] * x[i]);
            }
            Tensor t = be.tensor(x, n);
            assertEquals(want, be.sumOfSquares(t), 1e-12 * n + 1e-12, "n=" + n);
            assertTrue(be.allFinite(t), "n=" + n);
            Tensor small = be.tensor(new float[] {1, 2}, 2);
            assertTrue(be.allFinite(List.of(small, t)));
            for (int at : new int[] {0, n / 2, n - 1}) {
                if (n == 0) {
                    continue;
                }
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float keep = x[at];
                    x[at] = bad;
                    Tensor u = be.tensor(x, n);
                    assertFalse(be.allFinite(u), "n=" + n + " " + bad + " at " + at);
                    assertFalse(be.allFinite(List.of(small, u)), "list: n=" + n + " " + bad + " at " + at);
                    x[at] = keep;
                }
            }
        }
        assertTrue(be.allFinite(List.of()));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void activationsAndTheirGradientsMatchReference(Backend be) {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 4001;
        float[] x = random(rng, n);
        for (int i = 0; i < n; i++) {
            x[i] *= 4;
        }
        float[] gy = random(rng, n);
        for (Activation f : Activation.values()) {
            Tensor tx = be.tensor(x, n);
            Tensor ty = be.zeros(n);
            Tensor tgx = be.zeros(n);
            be.activation(f, tx, ty);
            be.activationBackward(f, tx, ty, be.tensor(gy, n), tgx);
            float[] y = ty.toArray();
            float[] gx = tgx.toArray();
            for (int i = 0; i < n; i++) {
                double ry = ref(f, x[i]);
                double h = 1e-6;
                double rd = (ref(f, x[i] + h) - ref(f, x[i] - h)) / (2 * h);
                assertEquals(ry, y[i], 1e-5 * Math.max(1, Math.abs(ry)), f + " at " + x[i]);
                assertEquals(rd * gy[i], gx[i], 1e-4, f + "' at " + x[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void poolingAnAllPaddingRowGivesZero(Backend be) {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] mask = {1, 1, 0, 0};
        Tensor out = be.zeros(2, 2);
        be.maskedMeanPool(2, 2, 2, be.tensor(x, 2, 2, 2), be.tensor(mask, 2, 2), out);
        float[] o = out.toArray();
        assertEquals(2f, o[0]);
        assertEquals(3f, o[1]);
        assertEquals(0f, o[2]);
        assertEquals(0f, o[3]);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void outOfVocabularyTokenIsRefused(Backend be) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.embeddingLookup(2, 3, be.zeros(4, 3), be.intTensor(new int[] {1, 4}, 2), be.zeros(2, 3)));
        assertTrue(e.getMessage().contains("token id 4"), e.getMessage());
    }

    /** Backend's contract: a row with factor exactly 0 is skipped, so its NaN stays out of every clipped sum. */
    @ParameterizedTest
    @MethodSource("backends")
    void rowsWithFactorZeroAreSkippedEvenWhenNaN(Backend be) {
        int rows = 4;
        float[] a = {1, 2, Float.NaN, 4, 5, 6, 7, 8};        // [4, 2]: row 1 has a NaN
        float[] g = {1, Float.NaN, 3, Float.NaN, 5, 6, 7, 8};  // [4, 2]: rows 0 and 1 have NaN
        float[] scale = {0f, 1f};                              // rowsPerSample 2: sample 0 (rows 0, 1) dropped
        Tensor ts = be.tensor(scale, 2);
        Tensor c = be.zeros(2, 2);
        be.gemmScaledTN(rows, 2, 2, 2, be.tensor(a, rows, 2), be.tensor(g, rows, 2), ts, 0f, c);
        assertTrue(be.allFinite(c), "gemmScaledTN");
        Tensor col = be.zeros(2);
        be.columnSumScaled(rows, 2, 2, be.tensor(g, rows, 2), ts, 0f, col);
        assertTrue(be.allFinite(col), "columnSumScaled");
        Tensor table = be.zeros(3, 2);
        be.embeddingScatterAddScaled(rows, 2, 2, be.intTensor(new int[] {0, 1, 2, 1}, rows), be.tensor(g, rows, 2), ts,
                0f, table);
        assertTrue(be.allFinite(table), "embeddingScatterAddScaled");
        Tensor gg = be.zeros(2);
        Tensor gb = be.zeros(2);
        be.layerNormParamGradScaled(rows, 2, 2, be.tensor(g, rows, 2), be.tensor(a, rows, 2), ts, 0f, gg, gb);
        assertTrue(be.allFinite(gg) && be.allFinite(gb), "layerNormParamGradScaled");
        assertEquals(5 * 5 + 7 * 7, c.toArray()[0], 1e-5, "only rows 2 and 3 count");
    }

    static double ref(Activation f, double x) {
        return switch (f) {
            case RELU -> Math.max(0, x);
            case TANH -> Math.tanh(x);
            case GELU -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        };
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
}
