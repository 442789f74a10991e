package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.Adam;
import org.edp4j.dp.BatchLoader;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.ClippingMode;
import org.edp4j.dp.NonFiniteGradientException;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.dp.Optimizer;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.PrivacyBudgetExceededException;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server: a round with one local step on one example per device is a DP-SGD step; rounds are
 * deterministic whatever the thread count; noise, scaling, accounting, budget, non-finite updates.
 */
class FederatedAveragingTest {
    static final CpuBackend CPU = CpuBackend.instance();
    static final int N = 60;
    static final double Q = 0.25;
    static final double SIGMA = 0.8;
    static final SyntheticClassification DATA = SyntheticClassification.gaussianClusters(N, 6, 3, 3.0, 17);

    /** Dense rows of {@link #DATA}. */
    static BatchLoader loader(SyntheticClassification d) {
        return (b, rows, from, count) -> b.loadDense(d.features(), d.labels(), Arrays.copyOfRange(rows, from, from + count),
                count);
    }

    static Sequential mlp() {
        return Models.mlp(CPU, new SplittableRandom(5), 6, 8, 3);
    }

    /** Device i holds example i alone. */
    static Partition onePerDevice(int n) {
        int[][] d = new int[n][];
        for (int i = 0; i < n; i++) {
            d[i] = new int[] {i};
        }
        return Partition.of(d);
    }

    /** The devices uniform selection at rate Q picks in round 0 with these coins (ascending). */
    static int[] selectedInRoundZero(GaussianNoise coins) {
        int[] selected = new int[N];
        double[] p = new double[N];
        Arrays.fill(p, Q);
        return Arrays.copyOf(selected, new DeviceSampler(coins, N).sample(0, p, selected));
    }

    static Clipping clipping(ClippingMode mode, double c) {
        return switch (mode) {
            case FLAT -> Clipping.flat(c);
            case PER_LAYER -> Clipping.perLayer(c);
            case AUTOMATIC -> Clipping.automatic(c);
            case ADAPTIVE -> Clipping.adaptive(c);
        };
    }

    /**
     * DP-FedAvg with local learning rate 1, one local step on each device's single example, server
     * SGD with learning rate lr, against DP-SGD with learning rate lr on the selected examples, same
     * noise key and stream. Device update {@code u = w - (w - g) = g} (the example's gradient, up to
     * the rounding of the local step), clipped by the same rule as the gradient; the server adds the
     * same {@code sigma C z}, divides by the same {@code q N} and steps with the same fused update.
     * So the two agree to float rounding: the local step rounds {@code w - g} to float (half an ulp
     * of {@code w} per element), the rest is the same arithmetic in another order.
     */
    @ParameterizedTest
    @EnumSource(ClippingMode.class)
    void oneLocalStepOnOneExamplePerDeviceIsADpSgdStep(ClippingMode mode) {
        double serverLr = 0.7;
        Clipping clip = clipping(mode, 0.5);
        GaussianNoise coins = GaussianNoise.insecureSeeded(101);
        GaussianNoise noise = GaussianNoise.insecureSeeded(202);

        Sequential fl = mlp();
        Population pop = new StaticPopulation(onePerDevice(N));
        DeviceSelection sel = DeviceSelection.uniform(N, Q * N);
        RoundReport report;
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(2, () -> new DeviceTrainer(mlp(),
                Batch.dense(CPU, 1, 6, 3), loader(DATA), pop, new LocalTraining(1, 1, 1.0, 9)));
             FederatedAveraging server = FederatedAveraging.builder(fl, Sgd.plain(serverLr)).population(pop)
                     .selection(sel).executor(exec).clipping(clip).noiseMultiplier(SIGMA).noise(noise).coins(coins)
                     .noiseStream(GaussianNoise.GRADIENT_NOISE).build()) {
            report = server.round();
            int[] selected = selectedInRoundZero(coins);
            int count = selected.length;
            assertTrue(count >= 5 && count <= 25, "a useful selection: " + count);
            assertEquals(count, report.tally().participants());
            assertTrue(report.tally().withinBound() < count, "some updates are clipped");

            Sequential dp = mlp();
            try (PrivateOptimizer opt = PrivateOptimizer.builder(dp, Sgd.plain(serverLr)).clipping(clip)
                    .noiseMultiplier(SIGMA).sampling(Q, N).noise(noise).build();
                 Batch batch = Batch.dense(CPU, N, 6, 3)) {
                batch.loadDense(DATA.features(), DATA.labels(), selected, count);
                opt.zeroGrad();
                opt.accumulate(batch);
                opt.step();
                assertCloseModels(dp, fl);
                assertEquals(opt.clipNorm(), server.clipNorm(), 1e-12 * opt.clipNorm(),
                        "the adaptive bound moves the same way");
                assertEquals(opt.accountant().getEpsilon(1e-5), server.accountant().getEpsilon(1e-5), 0,
                        "same (sigma, q): same epsilon");
            }
        }
        assertEquals(clip.gradientNoiseMultiplier(SIGMA, Q * N) * clip.clipNorm(), report.noiseStddev(), 1e-12);
    }

    /** Non-private: no clipping, no noise, no accounting; the same as PrivateOptimizer's non-private step. */
    @Test
    void nonPrivateRoundIsTheOrdinaryStep() {
        GaussianNoise coins = GaussianNoise.insecureSeeded(51);
        Sequential fl = mlp();
        Population pop = new StaticPopulation(onePerDevice(N));
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(2, () -> new DeviceTrainer(mlp(),
                Batch.dense(CPU, 1, 6, 3), loader(DATA), pop, new LocalTraining(1, 1, 1.0, 9)));
             FederatedAveraging server = FederatedAveraging.builder(fl, Sgd.plain(0.7)).population(pop)
                     .selection(DeviceSelection.uniform(N, Q * N)).executor(exec).clipping(Clipping.flat(1e-3))
                     .coins(coins).nonPrivate().build()) {
            RoundReport r = server.round();
            assertEquals(0, r.noiseStddev());
            assertTrue(Double.isNaN(r.clipNorm()) && Double.isNaN(r.accountedRate()));
            assertEquals(null, server.accountant());
        }
        int[] selected = selectedInRoundZero(coins);
        Sequential dp = mlp();
        try (PrivateOptimizer opt = PrivateOptimizer.builder(dp, Sgd.plain(0.7)).nonPrivate().sampling(Q, N).build();
             Batch batch = Batch.dense(CPU, N, 6, 3)) {
            batch.loadDense(DATA.features(), DATA.labels(), selected, selected.length);
            opt.zeroGrad();
            opt.accumulate(batch);
            opt.step();
        }
        assertCloseModels(dp, fl);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FederatedAveraging.builder(mlp(), Sgd.plain(1)).noiseMultiplier(0));
        assertEquals("noise multiplier must be > 0 and finite, got 0.0", e.getMessage());
    }

    /** Token rows for the bag model: 60 examples of up to 6 ids in [2, 25), padded with 0. */
    static final int[] TOKENS = new int[N * 6];
    static final int[] TOKEN_LABELS = new int[N];

    static {
        SplittableRandom rng = new SplittableRandom(12);
        for (int i = 0; i < N; i++) {
            int len = 1 + rng.nextInt(6);
            for (int t = 0; t < len; t++) {
                TOKENS[i * 6 + t] = 2 + rng.nextInt(23);
            }
            TOKEN_LABELS[i] = rng.nextInt(2);
        }
    }

    static Sequential bag() {
        return Models.bag(CPU, new SplittableRandom(6), 25, 5, 4, 2);
    }

    static BatchLoader tokenLoader() {
        return (b, rows, from, count) -> b.loadTokens(TOKENS, TOKEN_LABELS, Arrays.copyOfRange(rows, from, from + count),
                count, 25);
    }

    /** The same equivalence through an Embedding (scatter-add clipped sum, ghost norm with the token mask). */
    @Test
    void bagModelRoundIsADpSgdStepToo() {
        GaussianNoise coins = GaussianNoise.insecureSeeded(31);
        GaussianNoise noise = GaussianNoise.insecureSeeded(32);
        Sequential fl = bag();
        Population pop = new StaticPopulation(onePerDevice(N));
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(3, () -> new DeviceTrainer(bag(),
                Batch.tokens(CPU, 1, 6, 2), tokenLoader(), pop, new LocalTraining(1, 1, 1.0, 9)));
             FederatedAveraging server = FederatedAveraging.builder(fl, Sgd.plain(0.5)).population(pop)
                     .selection(DeviceSelection.uniform(N, Q * N)).executor(exec).clipping(Clipping.flat(0.05))
                     .noiseMultiplier(SIGMA).noise(noise).coins(coins).noiseStream(GaussianNoise.GRADIENT_NOISE)
                     .build()) {
            RoundReport r = server.round();
            assertTrue(r.tally().withinBound() < r.tally().participants(), "some updates are clipped");
        }
        int[] selected = selectedInRoundZero(coins);
        int count = selected.length;
        Sequential dp = bag();
        try (PrivateOptimizer opt = PrivateOptimizer.builder(dp, Sgd.plain(0.5)).clipping(Clipping.flat(0.05))
                .noiseMultiplier(SIGMA).sampling(Q, N).noise(noise).build();
             Batch batch = Batch.tokens(CPU, N, 6, 2)) {
            batch.loadTokens(TOKENS, TOKEN_LABELS, selected, count, 25);
            opt.zeroGrad();
            opt.accumulate(batch);
            opt.step();
        }
        assertCloseModels(dp, fl, bag());
    }

    /**
     * With local learning rate eta the update is {@code eta g}: clipping it to {@code eta C} and stepping
     * the server with lr is DP-SGD at clip C and learning rate {@code eta lr}, up to the stabilizer
     * 1e-6 of the clip factor, which is added to {@code eta ||g||} here and to {@code ||g||} there.
     */
    @Test
    void localLearningRateScalesTheClipBoundAndTheStep() {
        double eta = 0.25;
        double serverLr = 2.0;
        double c = 0.5;
        GaussianNoise coins = GaussianNoise.insecureSeeded(3);
        GaussianNoise noise = GaussianNoise.insecureSeeded(4);
        Sequential fl = mlp();
        Population pop = new StaticPopulation(onePerDevice(N));
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(1, () -> new DeviceTrainer(mlp(),
                Batch.dense(CPU, 1, 6, 3), loader(DATA), pop, new LocalTraining(1, 1, eta, 9)));
             FederatedAveraging server = FederatedAveraging.builder(fl, Sgd.plain(serverLr)).population(pop)
                     .selection(DeviceSelection.uniform(N, Q * N)).executor(exec).clipping(Clipping.flat(eta * c))
                     .noiseMultiplier(SIGMA).noise(noise).coins(coins).noiseStream(GaussianNoise.GRADIENT_NOISE)
                     .build()) {
            server.round();
        }
        int[] selected = selectedInRoundZero(coins);
        int count = selected.length;
        Sequential dp = mlp();
        try (PrivateOptimizer opt = PrivateOptimizer.builder(dp, Sgd.plain(eta * serverLr)).clipping(Clipping.flat(c))
                .noiseMultiplier(SIGMA).sampling(Q, N).noise(noise).build();
             Batch batch = Batch.dense(CPU, N, 6, 3)) {
            batch.loadDense(DATA.features(), DATA.labels(), selected, count);
            opt.zeroGrad();
            opt.accumulate(batch);
            opt.step();
        }
        assertCloseModels(dp, fl);
    }

    /**
     * Element by element: {@code |fl - dp| <= 8 ulp(w) + 1e-5 |w - w0|}: a few roundings of the
     * weights' size (the local step, the final update) and a relative error of the step itself.
     */
    static void assertCloseModels(Sequential expected, Sequential actual) {
        assertCloseModels(expected, actual, mlp());
    }

    static void assertCloseModels(Sequential expected, Sequential actual, Sequential start) {
        List<Parameter> e = expected.parameters();
        List<Parameter> a = actual.parameters();
        for (int i = 0; i < e.size(); i++) {
            float[] x = e.get(i).value().toArray();
            float[] y = a.get(i).value().toArray();
            float[] w0 = start.parameters().get(i).value().toArray();
            for (int j = 0; j < x.length; j++) {
                double tol = 8 * Math.ulp(Math.max(Math.abs(x[j]), Math.abs(w0[j]))) + 1e-5 * Math.abs(x[j] - w0[j]);
                double err = Math.abs(x[j] - y[j]);
                assertTrue(err <= tol, "parameter " + e.get(i) + "[" + j + "]: DP-SGD " + x[j] + ", DP-FedAvg " + y[j]
                        + " (start " + w0[j] + ")");
            }
        }
    }

    /** A quantity-skewed population with several local epochs and batches: the result must not depend on threads. */
    static List<float[]> threeRounds(int threads, Optimizer serverOpt, Population pop, DeviceSelection sel) {
        SyntheticClassification data = SyntheticClassification.gaussianClusters(400, 6, 3, 3.0, 5);
        Sequential model = mlp();
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(threads, () -> new DeviceTrainer(mlp(),
                Batch.dense(CPU, 4, 6, 3), loader(data), pop, new LocalTraining(2, 4, 0.3, 77)));
             FederatedAveraging server = FederatedAveraging.builder(model, serverOpt).population(pop).selection(sel)
                     .executor(exec).clipping(Clipping.flat(0.3)).noiseMultiplier(1.0)
                     .noise(GaussianNoise.insecureSeeded(8)).coins(GaussianNoise.insecureSeeded(9)).build()) {
            for (int t = 0; t < 3; t++) {
                server.round();
            }
        }
        List<float[]> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            out.add(p.value().toArray());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5})
    void sameKeysAndDataGiveTheSameModelForAnyThreadCount(int threads) {
        Partition part = Partitions.quantitySkew(400, 40, 1.0, 3);
        List<float[]> one = threeRounds(1, Adam.of(0.01), new StaticPopulation(part),
                DeviceSelection.activity(40, 12, 0.6));
        List<float[]> many = threeRounds(threads, Adam.of(0.01), new StaticPopulation(part),
                DeviceSelection.activity(40, 12, 0.6));
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), many.get(i), "parameter " + i + " with " + threads + " threads");
        }
        List<float[]> cont1 = threeRounds(1, Sgd.plain(1.0), new ContinualPopulation(part, 3, 10),
                DeviceSelection.uniform(40, 12));
        List<float[]> contN = threeRounds(threads, Sgd.plain(1.0), new ContinualPopulation(part, 3, 10),
                DeviceSelection.uniform(40, 12));
        for (int i = 0; i < cont1.size(); i++) {
            assertArrayEquals(cont1.get(i), contN.get(i), "continual parameter " + i + " with " + threads + " threads");
        }
    }

    /**
     * No device selected (q tiny): the sum is 0 and the update is exactly the stream's noise,
     * {@code w - lr sigma C z / K}, element {@code offset + j} of FEDERATED_NOISE at nonce 0.
     */
    @Test
    void anEmptyRoundAddsExactlyTheNoiseOfItsOwnStreamOnce() {
        GaussianNoise noise = GaussianNoise.insecureSeeded(42);
        Sequential model = mlp();
        List<float[]> before = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            before.add(p.value().toArray());
        }
        Population pop = new StaticPopulation(onePerDevice(N));
        double k = 1e-9 * N;
        double c = 0.7;
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(1, () -> new DeviceTrainer(mlp(),
                Batch.dense(CPU, 1, 6, 3), loader(DATA), pop, new LocalTraining(1, 1, 1.0, 9)));
             FederatedAveraging server = FederatedAveraging.builder(model, Sgd.plain(1.0)).population(pop)
                     .selection(DeviceSelection.uniform(N, k)).executor(exec).clipping(Clipping.flat(c))
                     .noiseMultiplier(SIGMA).noise(noise).coins(GaussianNoise.insecureSeeded(1)).build()) {
            RoundReport r = server.round();
            assertEquals(0, r.tally().participants());
        }
        long offset = 0;
        for (int i = 0; i < before.size(); i++) {
            float[] after = model.parameters().get(i).value().toArray();
            for (int j = 0; j < after.length; j++) {
                double z = noise.normal(GaussianNoise.FEDERATED_NOISE, 0, offset + j);
                double expected = before.get(i)[j] - SIGMA * c * z * (float) (1.0 / k);
                assertEquals(expected, after[j], 1e-6 * Math.abs(expected), "parameter " + i + "[" + j + "]");
            }
            offset += after.length;
        }
    }

    @Test
    void budgetRefusesTheRoundBeforeAnythingChanges() {
        Sequential model = mlp();
        Population pop = new StaticPopulation(onePerDevice(N));
        DeviceSelection sel = DeviceSelection.uniform(N, Q * N);
        PrivacyBudget budget = new PrivacyBudget(new RdpAccountant(), 2.0, 1e-5);
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(1, () -> new DeviceTrainer(mlp(),
                Batch.dense(CPU, 1, 6, 3), loader(DATA), pop, new LocalTraining(1, 1, 1.0, 9)));
             FederatedAveraging server = FederatedAveraging.builder(model, Sgd.plain(0.1)).population(pop)
                     .selection(sel).executor(exec).noiseMultiplier(2.0).budget(budget).build()) {
            PrivacyBudgetExceededException refused = null;
            int rounds = 0;
            while (refused == null && rounds < 1000) {
                float[] w = model.parameters().get(0).value().toArray();
                double spent = budget.spentEpsilon();
                try {
                    server.round();
                    rounds++;
                } catch (PrivacyBudgetExceededException e) {
                    refused = e;
                    assertArrayEquals(w, model.parameters().get(0).value().toArray(), "model unchanged");
                    assertEquals(spent, budget.spentEpsilon(), 0, "nothing accounted");
                }
            }
            assertTrue(refused != null && rounds > 0, "refused after " + rounds + " rounds");
            assertTrue(budget.spentEpsilon() <= 2.0);
            assertEquals(rounds, server.roundsTaken());
        }
    }

    /**
     * Device 3's only example has features of 1e30: its update is finite but its squared norm is
     * beyond float, which DP-SGD's per-sample norms also treat as non-finite.
     */
    @Test
    void aNonFiniteUpdateThrowsNamingTheDeviceOrIsDroppedUnderSkip() {
        float[] x = DATA.features().clone();
        for (int j = 0; j < 6; j++) {
            x[3 * 6 + j] = 1e30f;
        }
        SyntheticClassification bad = new SyntheticClassification(x, DATA.labels(), 6, 3);
        for (NonFinitePolicy policy : NonFinitePolicy.values()) {
            Population pop = new StaticPopulation(onePerDevice(N));
            Supplier<DeviceTrainer> trainers = () -> new DeviceTrainer(mlp(), Batch.dense(CPU, 1, 6, 3), loader(bad),
                    pop, new LocalTraining(1, 1, 0.1, 9));
            Sequential model = mlp();
            float[] w = model.parameters().get(0).value().toArray();
            try (RoundExecutor exec = new ThreadPoolRoundExecutor(2, trainers);
                 FederatedAveraging server = FederatedAveraging.builder(model, Sgd.plain(1.0)).population(pop)
                         .selection(DeviceSelection.uniform(N, N)).executor(exec).clipping(Clipping.flat(1.0))
                         .noiseMultiplier(1.0).nonFinitePolicy(policy).build()) {
                if (policy == NonFinitePolicy.THROW) {
                    NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, server::round);
                    assertTrue(e.getMessage().contains("device 3"), e.getMessage());
                    assertEquals(3, e.sampleIndex());
                    assertArrayEquals(w, model.parameters().get(0).value().toArray(), "model unchanged");
                    assertEquals(0, server.roundsTaken());
                } else {
                    RoundReport r = server.round();
                    assertEquals(N, r.tally().participants());
                    assertEquals(1, r.tally().dropped(), "device 3 is dropped: " + r.tally());
                    for (Parameter p : model.parameters()) {
                        assertTrue(CPU.allFinite(p.value()), "only finite values reach the model");
                    }
                }
            }
        }
    }

    @Test
    void builderRefusesMissingPartsAndMismatchedSizes() {
        Population pop = new StaticPopulation(onePerDevice(N));
        try (RoundExecutor exec = new ThreadPoolRoundExecutor(1, () -> null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FederatedAveraging.builder(mlp(), Sgd.plain(1)).population(pop).executor(exec)
                            .noiseMultiplier(1).build());
            assertTrue(e.getMessage().contains("required"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FederatedAveraging.builder(mlp(), Sgd.plain(1)).population(pop).executor(exec)
                            .selection(DeviceSelection.uniform(N + 1, 3)).noiseMultiplier(1).build());
            assertTrue(e.getMessage().contains("61 devices"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FederatedAveraging.builder(mlp(), Sgd.plain(1)).population(pop).executor(exec)
                            .selection(DeviceSelection.uniform(N, 3)).build());
            assertTrue(e.getMessage().contains("noiseMultiplier"), e.getMessage());
        }
    }
}
