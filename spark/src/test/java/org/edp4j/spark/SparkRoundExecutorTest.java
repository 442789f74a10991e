package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.dp.Adam;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.NonFiniteGradientException;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.dp.Optimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fl.ContinualPopulation;
import org.edp4j.fl.DeviceCensus;
import org.edp4j.fl.DeviceSelection;
import org.edp4j.fl.DeviceTrainer;
import org.edp4j.fl.FederatedAveraging;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.ModelVector;
import org.edp4j.fl.Partition;
import org.edp4j.fl.Partitions;
import org.edp4j.fl.Population;
import org.edp4j.fl.RoundExecutor;
import org.edp4j.fl.RoundReport;
import org.edp4j.fl.RoundTally;
import org.edp4j.fl.RoundTask;
import org.edp4j.fl.StaticPopulation;
import org.edp4j.fl.ThreadPoolRoundExecutor;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DP-FedAvg on Spark ({@code local[2]}, 3 partitions) against the same server on one machine
 * ({@link ThreadPoolRoundExecutor}): with the same keys, data and initial model, every round
 * selects the same devices (the tallies are equal, exactly) and the models agree to the float
 * rounding of the sum's other order.
 *
 * <p>Tolerance: {@code |a - b| <= 1e-5 + 1e-4 |b|} per weight after 4 rounds. A float32 sum of K
 * updates in two orders differs by at most about {@code K 2^-24 sum_d |u_d|}, i.e. a relative 1e-6
 * for the few tens of devices here; the server scales, adds the same noise and steps, and four
 * rounds add four such errors. The tolerance is a hundred times that, and a round that selected one
 * device more or less (a weight moves by about {@code lr C / K} = 1e-2) fails it.
 */
class SparkRoundExecutorTest {
    static final CpuBackend CPU = CpuBackend.instance();
    static final int VOCAB = 40;
    static final int CLASSES = 2;
    static final int MAX_LEN = 6;
    static final TokenRows ROWS = SparkTests.randomRows(400, VOCAB, CLASSES, MAX_LEN, 3);
    static final int DEVICES = 90;
    static final Partition PARTITION = Partitions.quantitySkew(ROWS.size(), DEVICES, 1.0, 11);
    static final LocalTraining LOCAL = new LocalTraining(2, 3, 0.5, 13);

    static Sequential model() {
        return Models.bag(CPU, new SplittableRandom(5), VOCAB, 8, 8, CLASSES);
    }

    static ModelFactory factory() {
        return be -> Models.bag(be, new SplittableRandom(5), VOCAB, 8, 8, CLASSES);
    }

    static DeviceSelection selection(String kind) {
        return "activity".equals(kind) ? DeviceSelection.activity(DEVICES, 12, 0.4)
                : DeviceSelection.uniform(DEVICES, 12);
    }

    static Clipping clipping(String kind) {
        return switch (kind) {
            case "adaptive" -> Clipping.adaptive(0.3);
            case "per-layer" -> Clipping.perLayer(0.3);
            default -> Clipping.flat(0.3);
        };
    }

    /** R rounds of a server with this executor and census; the reports. */
    static List<RoundReport> rounds(Sequential model, DeviceCensus census, DeviceSelection sel, RoundExecutor exec,
            Clipping clip, Optimizer opt, boolean isPrivate, int r) {
        FederatedAveraging.Builder b = FederatedAveraging.builder(model, opt).population(census).selection(sel)
                .executor(exec).clipping(clip).noise(GaussianNoise.insecureSeeded(1)).coins(GaussianNoise.insecureSeeded(2));
        b = isPrivate ? b.noiseMultiplier(0.7) : b.nonPrivate();
        List<RoundReport> out = new ArrayList<>();
        try (FederatedAveraging server = b.build()) {
            for (int t = 0; t < r; t++) {
                out.add(server.round());
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"static,uniform,flat,true,sgd", "static,activity,adaptive,true,adam", "continual,uniform,per-layer,true,sgd",
        "continual,activity,flat,false,sgd"})
    void sparkRoundsEqualTheLocalExecutors(String setting, String selection, String clip, boolean isPrivate,
            String server) {
        boolean continual = "continual".equals(setting);
        Population local = continual ? new ContinualPopulation(PARTITION, 2, 3) : new StaticPopulation(PARTITION);
        Sequential a = model();
        List<RoundReport> expected;
        try (ThreadPoolRoundExecutor exec = new ThreadPoolRoundExecutor(2, () -> new DeviceTrainer(model(),
                Batch.tokens(CPU, LOCAL.batchSize(), MAX_LEN, CLASSES), ROWS.loader(LOCAL.batchSize()), local, LOCAL))) {
            expected = rounds(a, local, selection(selection), exec, clipping(clip), optimizer(server), isPrivate, 4);
        }
        Sequential b = model();
        List<RoundReport> got;
        try (SparkPopulation base = SparkPopulation.fromPartition(SparkTests.sc(), PARTITION, ROWS, 3)) {
            SparkPopulation pop = continual ? base.continual(2, 3) : base;
            try (SparkRoundExecutor exec = new SparkRoundExecutor(pop, factory(), LOCAL, 2)) {
                got = rounds(b, pop, selection(selection), exec, clipping(clip), optimizer(server), isPrivate, 4);
            }
        }
        for (int t = 0; t < expected.size(); t++) {
            assertEquals(expected.get(t).tally(), got.get(t).tally(), "round " + t + ": the same devices, the same outcomes");
            assertEquals(expected.get(t).clipNorm(), got.get(t).clipNorm(), 1e-12, "round " + t);
            assertTrue(expected.get(t).tally().participants() > 0, "round " + t + " trained someone");
        }
        assertClose(a, b, setting + " " + selection + " " + clip);
    }

    static Optimizer optimizer(String name) {
        return "adam".equals(name) ? Adam.of(0.05) : Sgd.plain(1.0);
    }

    static void assertClose(Sequential a, Sequential b, String what) {
        double worst = 0;
        for (int i = 0; i < a.parameters().size(); i++) {
            float[] x = a.parameters().get(i).value().toArray();
            float[] y = b.parameters().get(i).value().toArray();
            for (int j = 0; j < x.length; j++) {
                worst = Math.max(worst, Math.abs(x[j] - y[j]));
                assertEquals(x[j], y[j], 1e-5 + 1e-4 * Math.abs(x[j]), what + ": parameter " + i + "[" + j + "]");
            }
        }
        System.out.printf("%s: largest weight difference to the local run %.3g%n", what, worst);
    }

    /** A fixed device list: the same sum (to rounding) and tally as the local executor's. */
    @Test
    void aFixedListOfDevicesSumsAsOnOneMachine() {
        Population local = new StaticPopulation(PARTITION);
        ModelVector global = ModelVector.of(model());
        RoundTask task = new RoundTask(0, Clipping.flat(0.2), 0.2, global, new int[] {0, 3, 31, 32, 60, 89},
                NonFinitePolicy.THROW);
        ModelVector want = ModelVector.of(model());
        ModelVector got = ModelVector.of(model());
        RoundTally wantTally;
        try (ThreadPoolRoundExecutor exec = new ThreadPoolRoundExecutor(1, () -> new DeviceTrainer(model(),
                Batch.tokens(CPU, LOCAL.batchSize(), MAX_LEN, CLASSES), ROWS.loader(LOCAL.batchSize()), local, LOCAL))) {
            wantTally = exec.run(task, want);
        }
        try (SparkPopulation pop = SparkPopulation.fromPartition(SparkTests.sc(), PARTITION, ROWS, 4);
             SparkRoundExecutor exec = new SparkRoundExecutor(pop, factory(), LOCAL, 1)) {
            assertEquals(wantTally, exec.run(task, got));
            assertTrue(exec.lastRoundTimes().jobNanos() > 0);
        }
        for (int i = 0; i < want.partCount(); i++) {
            for (int j = 0; j < want.part(i).length; j++) {
                assertEquals(want.part(i)[j], got.part(i)[j], 1e-6 + 1e-5 * Math.abs(want.part(i)[j]));
            }
        }
    }

    /** A device whose update is not finite fails the round with the device's own exception. */
    @Test
    void aNonFiniteDeviceFailsTheRoundNamingIt() {
        Sequential m = model();
        Parameter p = m.parameters().get(0);
        float[] w = p.value().toArray();
        w[0] = Float.NaN;
        p.value().copyFrom(w);
        RoundTask task = new RoundTask(0, Clipping.flat(1), 1, ModelVector.of(m), new int[] {5}, NonFinitePolicy.THROW);
        Partition all = Partition.of(new int[][] {{0}, {1}, {2}, {3}, {4}, {5, 6, 7}});
        try (SparkPopulation pop = SparkPopulation.fromPartition(SparkTests.sc(), all, ROWS, 2);
             SparkRoundExecutor exec = new SparkRoundExecutor(pop, factory(), LOCAL, 2)) {
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                    () -> exec.run(task, ModelVector.of(model())));
            assertEquals(5, e.sampleIndex(), e.getMessage());
        }
    }

    @Test
    void depthBelowOneIsRefused() {
        try (SparkPopulation pop = SparkPopulation.fromPartition(SparkTests.sc(), PARTITION, ROWS, 2)) {
            assertEquals("aggregation depth must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                    () -> new SparkRoundExecutor(pop, factory(), LOCAL, 0)).getMessage());
        }
    }
}
