package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.edp4j.audit.Permutation;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A device's local SGD and clipped update against a float64 softmax-regression reference. */
class DeviceTrainerTest {
    static final CpuBackend CPU = CpuBackend.instance();
    static final int D = 4;
    static final int K = 3;
    static final SyntheticClassification DATA = SyntheticClassification.gaussianClusters(30, D, K, 2.0, 21);
    /** Device 0: five examples; device 1: none; device 2: two. */
    static final Partition PARTITION = Partition.of(new int[][] {{3, 17, 5, 22, 9}, {}, {1, 2}});

    /** Softmax regression (one Linear with bias): its float64 gradient is {@code x (p - y)^T}, {@code p - y}. */
    static Sequential model() {
        return Models.mlp(CPU, new SplittableRandom(8), D, K);
    }

    static DeviceTrainer trainer(Population pop, LocalTraining local) {
        return new DeviceTrainer(model(), Batch.dense(CPU, local.batchSize(), D, K),
                FederatedAveragingTest.loader(DATA), pop, local);
    }

    /**
     * Reference: the same orders (the permutation seeded by {@code local.seedFor(round, device)}),
     * SGD steps {@code w -= lr sum_batch grad / b} in double, {@code u = w0 - w}, then the flat factor.
     */
    static double[][] reference(Sequential start, int[] held, LocalTraining local, long round, int device, double clip) {
        double[] w = toDouble(start.parameters().get(0).value().toArray());
        double[] bias = toDouble(start.parameters().get(1).value().toArray());
        double[] w0 = w.clone();
        double[] b0 = bias.clone();
        SplittableRandom rng = new SplittableRandom(local.seedFor(round, device));
        int n = held.length;
        int b = local.batchSize();
        for (int e = 0; e < local.epochs(); e++) {
            int[] p = Permutation.of(n, rng);
            for (int from = 0; from < n; from += b) {
                double[] gw = new double[D * K];
                double[] gb = new double[K];
                for (int r = from; r < Math.min(n, from + b); r++) {
                    int ex = held[p[r]];
                    double[] z = new double[K];
                    for (int c = 0; c < K; c++) {
                        z[c] = bias[c];
                        for (int j = 0; j < D; j++) {
                            z[c] += DATA.features()[ex * D + j] * w[j * K + c];
                        }
                    }
                    double max = Math.max(z[0], Math.max(z[1], z[2]));
                    double s = 0;
                    for (int c = 0; c < K; c++) {
                        z[c] = Math.exp(z[c] - max);
                        s += z[c];
                    }
                    for (int c = 0; c < K; c++) {
                        double g = z[c] / s - (DATA.labels()[ex] == c ? 1 : 0);
                        gb[c] += g;
                        for (int j = 0; j < D; j++) {
                            gw[j * K + c] += DATA.features()[ex * D + j] * g;
                        }
                    }
                }
                for (int i = 0; i < gw.length; i++) {
                    w[i] -= local.lr() * gw[i] / b;
                }
                for (int c = 0; c < K; c++) {
                    bias[c] -= local.lr() * gb[c] / b;
                }
            }
        }
        double sq = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = w0[i] - w[i];
            sq += w[i] * w[i];
        }
        for (int c = 0; c < K; c++) {
            bias[c] = b0[c] - bias[c];
            sq += bias[c] * bias[c];
        }
        double f = Math.min(1, clip / (Math.sqrt(sq) + Clipping.STABILIZER));
        for (int i = 0; i < w.length; i++) {
            w[i] *= f;
        }
        for (int c = 0; c < K; c++) {
            bias[c] *= f;
        }
        return new double[][] {w, bias};
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @ParameterizedTest
    @ValueSource(doubles = {100.0, 0.05})
    void updateMatchesTheFloat64Reference(double clip) {
        LocalTraining local = new LocalTraining(3, 2, 0.2, 44);
        Population pop = new StaticPopulation(PARTITION);
        pop.beginRound(0);
        Sequential start = model();
        ModelVector global = ModelVector.of(start);
        RoundTask task = new RoundTask(0, Clipping.flat(clip), clip, global, new int[] {0}, NonFinitePolicy.THROW);
        ModelVector out = ModelVector.zerosLike(start);
        DeviceOutcome o;
        try (DeviceTrainer t = trainer(pop, local)) {
            o = t.update(task, 0, out);
        }
        assertEquals(clip > 1 ? DeviceOutcome.WITHIN_BOUND : DeviceOutcome.CLIPPED, o);
        double[][] ref = reference(start, PARTITION.examples(0), local, 0, 0, clip);
        for (int p = 0; p < 2; p++) {
            for (int j = 0; j < ref[p].length; j++) {
                // Six float steps on weights of size ~0.5: a few ulps of 0.5 each, against updates of ~1e-2.
                assertEquals(ref[p][j], out.part(p)[j], 1e-6 + 1e-4 * Math.abs(ref[p][j]), "part " + p + "[" + j + "]");
            }
        }
    }

    @Test
    void anEmptyDeviceSendsZeroAndTheReplicaStateDoesNotLeakBetweenDevices() {
        LocalTraining local = new LocalTraining(2, 3, 0.5, 1);
        Population pop = new StaticPopulation(PARTITION);
        pop.beginRound(0);
        ModelVector global = ModelVector.of(model());
        RoundTask task = new RoundTask(0, Clipping.flat(1), 1, global, new int[] {0, 1, 2}, NonFinitePolicy.THROW);
        ModelVector afterOther = ModelVector.zerosLike(model());
        ModelVector fresh = ModelVector.zerosLike(model());
        try (DeviceTrainer used = trainer(pop, local); DeviceTrainer unused = trainer(pop, local)) {
            used.update(task, 0, afterOther);
            assertEquals(DeviceOutcome.WITHIN_BOUND, used.update(task, 1, afterOther));
            assertEquals(0, afterOther.squaredNorm(0) + afterOther.squaredNorm(1), "no data, no update");
            used.update(task, 2, afterOther);
            unused.update(task, 2, fresh);
        }
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(fresh.part(p), afterOther.part(p), "device 2's update does not depend on device 0");
        }
    }

    @Test
    void batchCapacityMustBeTheLocalBatchSize() {
        Population pop = new StaticPopulation(PARTITION);
        assertEquals("batch capacity 4 must equal the local batch size 2", assertThrows(IllegalArgumentException.class,
                () -> new DeviceTrainer(model(), Batch.dense(CPU, 4, D, K), FederatedAveragingTest.loader(DATA), pop,
                        new LocalTraining(1, 2, 0.1, 0))).getMessage());
    }
}
