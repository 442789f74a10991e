package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainingLoop}: the rows it loads for the sampled examples, with one row per privacy unit
 * and with units of two rows (an example and its counterfactual copy in dataset rows 2u, 2u + 1),
 * over several physical batches.
 */
class TrainingLoopTest {
    static final int UNITS = 40;
    static final int FEATURES = 3;

    /** Dense rows; the loader records the dataset rows of every physical batch. */
    static final class Recorder implements BatchLoader {
        final float[] x;
        final int[] y;
        final List<int[]> loads = new ArrayList<>();

        Recorder(int rows) {
            SplittableRandom rng = new SplittableRandom(5);
            x = new float[rows * FEATURES];
            y = new int[rows];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            for (int i = 0; i < rows; i++) {
                y[i] = i % 2;
            }
        }

        @Override
        public void load(Batch batch, int[] rows, int from, int count) {
            int[] r = Arrays.copyOfRange(rows, from, from + count);
            loads.add(r);
            batch.loadDense(x, y, r, count);
        }
    }

    static PrivateOptimizer optimizer(Backend be, int k, double q) {
        Sequential model = Models.mlp(be, new SplittableRandom(3), FEATURES, 4, 2);
        return PrivateOptimizer.builder(model, Sgd.plain(0.1)).noiseMultiplier(1.0).sampling(q, UNITS)
                .noise(GaussianNoise.insecureSeeded(9)).rowsPerUnit(k).build();
    }

    @Test
    void unitsOfTwoRowsAreLoadedTogetherAndCountedOnce() {
        Backend be = CpuBackend.instance();
        double q = 0.5;
        Recorder rec = new Recorder(2 * UNITS);
        try (PrivateOptimizer opt = optimizer(be, 2, q); Batch batch = Batch.dense(be, 6, FEATURES, 2)) {
            PoissonSampler sampler = new PoissonSampler(GaussianNoise.insecureSeeded(9), UNITS, q);
            TrainingLoop loop = new TrainingLoop(opt, sampler, batch, rec);
            StepReport r = loop.step();
            int sampled = sampler.sample(0); // the same coins (nonce 0)
            int[] units = Arrays.copyOf(sampler.indices(), sampled);
            assertTrue(sampled > 3, "the step needs several physical batches: " + sampled + " units");
            List<Integer> rows = new ArrayList<>();
            for (int[] load : rec.loads) {
                assertTrue(load.length <= 6 && load.length % 2 == 0, "whole units, at most 3 per batch");
                for (int v : load) {
                    rows.add(v);
                }
            }
            assertEquals(2 * sampled, rows.size());
            for (int u = 0; u < sampled; u++) {
                assertEquals(2 * units[u], rows.get(2 * u), "unit " + units[u] + ": the example");
                assertEquals(2 * units[u] + 1, rows.get(2 * u + 1), "unit " + units[u] + ": its copy");
            }
            assertEquals(sampled, r.examples(), "the report counts units");
            assertEquals(1, opt.accountant().totalSteps());
            assertEquals(q, opt.accountant().history().get(0).sampleRate());
        }
    }

    @Test
    void oneRowPerUnitLoadsTheSampledRows() {
        Backend be = CpuBackend.instance();
        Recorder rec = new Recorder(UNITS);
        try (PrivateOptimizer opt = optimizer(be, 1, 0.5); Batch batch = Batch.dense(be, 5, FEATURES, 2)) {
            PoissonSampler sampler = new PoissonSampler(GaussianNoise.insecureSeeded(9), UNITS, 0.5);
            StepReport r = new TrainingLoop(opt, sampler, batch, rec).step();
            int sampled = sampler.sample(0);
            int[] all = rec.loads.stream().flatMapToInt(Arrays::stream).toArray();
            assertEquals(Arrays.toString(Arrays.copyOf(sampler.indices(), sampled)), Arrays.toString(all));
            assertEquals(sampled, r.examples());
        }
    }

    @Test
    void aCapacityThatSplitsAUnitIsRefused() {
        Backend be = CpuBackend.instance();
        try (PrivateOptimizer opt = optimizer(be, 2, 0.5); Batch batch = Batch.dense(be, 5, FEATURES, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingLoop(opt,
                    new PoissonSampler(GaussianNoise.insecureSeeded(9), UNITS, 0.5), batch, new Recorder(2 * UNITS)));
            assertEquals("the batch capacity 5 must be a multiple of the 2 rows per privacy unit", e.getMessage());
        }
    }
}
