package org.edp4j.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The naive baseline does the same math as the library's private step: same parameters after two steps. */
class NaivePerExampleDpSgdTest {
    /** Float summation in a different order; relative to the largest update. */
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @CsvSource({"mlp, 6, 1, 32", "text, 5, 16, 8", "encoder, 3, 8, 8"})
    void naiveStepEqualsPrivateStep(String model, int batch, int seq, int width) {
        Backend be = CpuBackend.instance();
        try (Workload w = new Workload(be, model, batch, seq, width);
             PrivateOptimizer opt = w.privateOptimizer();
             NaivePerExampleDpSgd naive = new NaivePerExampleDpSgd(Workload.buildModel(be, model, width, seq),
                     w.singleRowBatch(), Workload.CLIP, Workload.SIGMA, w.sampleRate() * Workload.DATASET,
                     Workload.LR, GaussianNoise.insecureSeeded(Workload.NOISE_SEED))) {
            List<Parameter> expected = w.net.parameters();
            List<Parameter> actual = naive.modelParameters();
            float[][] before = values(expected);
            for (int s = 0; s < 2; s++) {
                opt.zeroGrad();
                double l1 = opt.accumulate(w.batch);
                opt.step();
                double l2 = naive.step(batch, w::loadExample);
                assertEquals(l1, l2, 1e-4 * Math.abs(l1));
            }
            float[][] e = values(expected);
            float[][] a = values(actual);
            double maxDelta = 0;
            double maxDiff = 0;
            for (int p = 0; p < e.length; p++) {
                for (int j = 0; j < e[p].length; j++) {
                    maxDelta = Math.max(maxDelta, Math.abs(e[p][j] - before[p][j]));
                    maxDiff = Math.max(maxDiff, Math.abs(e[p][j] - a[p][j]));
                }
            }
            assertTrue(maxDelta > 0, "the private step changed nothing");
            assertTrue(maxDiff <= TOLERANCE * maxDelta, "naive and private steps differ by " + maxDiff
                    + " (largest update " + maxDelta + ")");
        }
    }

    private static float[][] values(List<Parameter> ps) {
        float[][] v = new float[ps.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = new float[ps.get(i).size()];
            ps.get(i).value().copyTo(v[i]);
        }
        return v;
    }
}
