package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pipelined sum: in device order, bit for bit the serial sum, for any thread count and window. */
class ThreadPoolRoundExecutorTest {
    static final SyntheticClassification DATA = SyntheticClassification.gaussianClusters(300, 6, 3, 3.0, 2);
    static final Partition PARTITION = Partitions.quantitySkew(300, 23, 1.0, 6);

    static Supplier<DeviceTrainer> trainers(Population pop) {
        return () -> new DeviceTrainer(FederatedAveragingTest.mlp(), Batch.dense(CpuBackend.instance(), 3, 6, 3),
                FederatedAveragingTest.loader(DATA), pop, new LocalTraining(2, 3, 0.2, 5));
    }

    static RoundTask task(int... devices) {
        return new RoundTask(4, Clipping.flat(0.2), 0.2, ModelVector.of(FederatedAveragingTest.mlp()), devices,
                NonFinitePolicy.THROW);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void sumIsTheSerialSumInDeviceOrder(int threads) {
        Population pop = new StaticPopulation(PARTITION);
        pop.beginRound(0);
        int[] devices = {0, 1, 2, 4, 5, 7, 8, 9, 11, 13, 14, 17, 18, 20, 22};
        RoundTask task = task(devices);
        Sequential shape = FederatedAveragingTest.mlp();
        ModelVector expected = ModelVector.zerosLike(shape);
        ModelVector one = ModelVector.zerosLike(shape);
        int clipped = 0;
        try (DeviceTrainer t = trainers(pop).get()) {
            for (int d : devices) {
                clipped += t.update(task, d, one) == DeviceOutcome.CLIPPED ? 1 : 0;
                expected.add(one);
            }
        }
        ModelVector sum = ModelVector.zerosLike(shape);
        try (ThreadPoolRoundExecutor exec = new ThreadPoolRoundExecutor(threads, trainers(pop))) {
            for (int rep = 0; rep < 2; rep++) {
                RoundTally tally = exec.run(task, sum);
                assertEquals(devices.length, tally.participants());
                assertEquals(devices.length - clipped, tally.withinBound());
                for (int i = 0; i < sum.partCount(); i++) {
                    assertArrayEquals(expected.part(i), sum.part(i), "part " + i + ", " + threads + " threads");
                }
            }
            assertEquals(RoundTally.EMPTY, exec.run(task(), sum));
            assertEquals(0, sum.squaredNorm(0), "no device: a zero sum");
        }
    }

    @Test
    void aFailingDeviceIsRethrownAndTheExecutorStaysUsable() {
        Population pop = new StaticPopulation(PARTITION);
        pop.beginRound(0);
        int[] calls = {0};
        Supplier<DeviceTrainer> failing = () -> {
            synchronized (calls) {
                if (calls[0]++ == 1) {
                    throw new IllegalStateException("no replica for you");
                }
            }
            return trainers(pop).get();
        };
        try (ThreadPoolRoundExecutor exec = new ThreadPoolRoundExecutor(2, failing)) {
            ModelVector sum = ModelVector.zerosLike(FederatedAveragingTest.mlp());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> exec.run(task(0, 1, 2, 3, 4, 5, 6, 7, 8), sum));
            assertEquals("no replica for you", e.getMessage());
        }
        assertEquals("executor threads must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new ThreadPoolRoundExecutor(0, trainers(pop)))
                        .getMessage());
    }
}
