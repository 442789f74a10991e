package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Models;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

/** Noise at stream position offset_p + j, scaling and the rule, against a float64 reference. */
class NoisyUpdateTest {
    @Test
    void sgdStepAddsEachCoordinatesOwnNormalOnce() {
        Sequential m = Models.mlp(CpuBackend.instance(), new SplittableRandom(3), 4, 5, 3);
        List<Parameter> ps = m.parameters();
        SplittableRandom r = new SplittableRandom(9);
        float[][] w0 = new float[ps.size()][];
        float[][] g = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            w0[i] = ps.get(i).value().toArray();
            g[i] = new float[w0[i].length];
            for (int j = 0; j < g[i].length; j++) {
                g[i][j] = (float) r.nextGaussian();
            }
            ps.get(i).grad().copyFrom(g[i]);
        }
        GaussianNoise noise = GaussianNoise.insecureSeeded(11);
        double std = 0.7;
        float scale = 0.25f;
        double lr = 0.3;
        try (NoisyUpdate u = new NoisyUpdate(m, Sgd.plain(lr), noise, 21, true)) {
            u.apply(5, std, scale);
        }
        long offset = 0;
        for (int i = 0; i < ps.size(); i++) {
            float[] w = ps.get(i).value().toArray();
            for (int j = 0; j < w.length; j++) {
                double z = (float) noise.normal(21, 5, offset + j); // the prefetched normals are float
                double expected = w0[i][j] - lr * ((g[i][j] + std * z) * scale);
                assertEquals(expected, w[j], 1e-6 * Math.max(1, Math.abs(expected)), "parameter " + i + "[" + j + "]");
            }
            offset += w.length;
        }
    }

    @Test
    void zeroStddevIsTheNoiseFreeUpdateAndBadStreamsAreRefused() {
        Sequential m = Models.mlp(CpuBackend.instance(), new SplittableRandom(3), 2, 2);
        float[] before = m.parameters().get(1).value().toArray();
        m.parameters().get(1).grad().copyFrom(new float[] {1f, -2f});
        try (NoisyUpdate u = new NoisyUpdate(m, Sgd.plain(0.5), GaussianNoise.insecureSeeded(1), 0, false)) {
            u.apply(0, 0, 1f);
        }
        float[] after = m.parameters().get(1).value().toArray();
        assertEquals(before[0] - 0.5f, after[0], 1e-7);
        assertEquals(before[1] + 1.0f, after[1], 1e-7);
        assertEquals("stream id must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> new NoisyUpdate(m, Sgd.plain(1), GaussianNoise.insecureSeeded(1), -1, true)).getMessage());
    }

    /** Clipping.nextClipNorm is Andrew et al.'s geometric step on the noisy, centred count. */
    @Test
    void adaptiveBoundFollowsTheNoisyFractionWithinTheBound() {
        Clipping c = Clipping.adaptive(1.0, 0.5, 0.2, 3.0);
        // 70 of 100 within the bound, expected 100, z = 0.5: b~ = (70 - 50 + 1.5) / 100 + 0.5 = 0.715.
        assertEquals(2.0 * Math.exp(-0.2 * (0.715 - 0.5)), c.nextClipNorm(2.0, 70, 100, 100, 0.5), 1e-15);
        // Exactly at the target quantile with no noise the bound stays.
        assertEquals(1.3, c.nextClipNorm(1.3, 50, 100, 100, 0), 1e-15);
    }
}
