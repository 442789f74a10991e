package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.edp4j.dp.Adam;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.NonFiniteGradientException;
import org.edp4j.dp.PoissonSampler;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.StepReport;
import org.edp4j.dp.TrainingLoop;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Data-parallel DP-SGD on Spark ({@code local[2]}, 3 partitions) against {@link TrainingLoop} with a
 * {@link PoissonSampler} over the same sampling key: the same examples every step (the reports'
 * example counts and clipped fractions are equal exactly), the same noise, the same accountant, and
 * models that agree to the float rounding of the sums' other order.
 *
 * <p>Tolerance: {@code |a - b| <= 1e-5 + 1e-4 |b|} per weight after 8 steps: sums of about 30
 * clipped gradients in two orders differ by about {@code 30 2^-24} of their magnitude (2e-6), and
 * eight steps add eight such errors; a step that sampled one example more or less moves a weight by
 * about {@code lr C / (q n)} = 2e-3 and fails it.
 */
class SparkTrainingLoopTest {
    static final CpuBackend CPU = CpuBackend.instance();
    static final int VOCAB = 50;
    static final int CLASSES = 3;
    static final int MAX_LEN = 7;
    static final int N = 500;
    static final double Q = 0.06;
    static final TokenRows ROWS = SparkTests.randomRows(N, VOCAB, CLASSES, MAX_LEN, 8);

    static Sequential model() {
        return Models.bag(CPU, new SplittableRandom(9), VOCAB, 8, 8, CLASSES);
    }

    static ModelFactory factory() {
        return be -> Models.bag(be, new SplittableRandom(9), VOCAB, 8, 8, CLASSES);
    }

    static Clipping clipping(String kind) {
        return switch (kind) {
            case "per-layer" -> Clipping.perLayer(0.5);
            case "automatic" -> Clipping.automatic(0.5);
            case "adaptive" -> Clipping.adaptive(0.5, 0.5, 0.2, 2.0);
            default -> Clipping.flat(0.5);
        };
    }

    static PrivateOptimizer optimizer(Sequential m, String clip, boolean isPrivate, String opt, GaussianNoise noise,
            RdpAccountant acc) {
        PrivateOptimizer.Builder b = PrivateOptimizer.builder(m, "adam".equals(opt) ? Adam.of(0.02)
                : Sgd.withMomentum(0.3, 0.5)).clipping(clipping(clip)).sampling(Q, N).noise(noise);
        return (isPrivate ? b.noiseMultiplier(1.1).accountant(acc) : b.nonPrivate()).build();
    }

    /**
     * @param capacity a task's physical batch: 5 makes a partition split its sample into several
     *     batches, as a local batch of capacity 20 sometimes does
     */
    @ParameterizedTest
    @CsvSource({"flat,true,sgd,64", "per-layer,true,adam,5", "automatic,true,sgd,64", "adaptive,true,sgd,5",
        "flat,false,sgd,64"})
    void sparkStepsEqualTheLocalLoop(String clip, boolean isPrivate, String opt, int capacity) {
        GaussianNoise coins = GaussianNoise.insecureSeeded(31);
        Sequential a = model();
        RdpAccountant accA = new RdpAccountant();
        StepReport[] want = new StepReport[8];
        try (PrivateOptimizer o = optimizer(a, clip, isPrivate, opt, GaussianNoise.insecureSeeded(30), accA);
             Batch batch = Batch.tokens(CPU, 20, MAX_LEN, CLASSES)) {
            TrainingLoop loop = new TrainingLoop(o, new PoissonSampler(coins, N, Q), batch, ROWS.loader(20));
            for (int t = 0; t < want.length; t++) {
                want[t] = loop.step();
            }
        }
        Sequential b = model();
        RdpAccountant accB = new RdpAccountant();
        try (PrivateOptimizer o = optimizer(b, clip, isPrivate, opt, GaussianNoise.insecureSeeded(30), accB);
             SparkExamples ex = SparkExamples.fromRows(SparkTests.sc(), ROWS, 3);
             SparkTrainingLoop loop = new SparkTrainingLoop(o, ex, coins, factory(), capacity, 2)) {
            assertEquals(Math.round(1 / Q), loop.stepsPerEpoch());
            for (int t = 0; t < want.length; t++) {
                StepReport got = loop.step();
                assertEquals(want[t].examples(), got.examples(), "step " + t + ": the same examples");
                assertEquals(want[t].clippedFraction(), got.clippedFraction(), 0, "step " + t);
                assertEquals(want[t].clipNorm(), got.clipNorm(), 1e-12, "step " + t);
                assertEquals(want[t].noiseStddev(), got.noiseStddev(), 0, "step " + t);
                assertEquals(want[t].loss(), got.loss(), 1e-4 * Math.abs(want[t].loss()) + 1e-5, "step " + t);
            }
            assertTrue(loop.lastStepTimes().jobNanos() > 0);
        }
        if (isPrivate) {
            assertEquals(accA.getEpsilon(1e-5), accB.getEpsilon(1e-5), 0, "the same accounting");
        }
        SparkRoundExecutorTest.assertClose(a, b, "DP-SGD " + clip + (isPrivate ? "" : " non-private") + " " + opt);
    }

    /** Examples read from a Dataset take their ids from the row order: the same run as from the driver's rows. */
    @Test
    void aDatasetOfTokenRowsTrainsAsTheDriversRows() {
        java.util.List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < N; i++) {
            int[] t = new int[MAX_LEN];
            for (int p = 0; p < MAX_LEN; p++) {
                t[p] = ROWS.token(i, p);
            }
            rows.add(org.apache.spark.sql.RowFactory.create(java.util.Arrays.stream(t).boxed().toArray(Integer[]::new),
                    ROWS.label(i)));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("tokens", org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.IntegerType))
                .add("label", org.apache.spark.sql.types.DataTypes.IntegerType);
        GaussianNoise coins = GaussianNoise.insecureSeeded(4);
        Sequential a = model();
        Sequential b = model();
        try (SparkExamples fromDriver = SparkExamples.fromRows(SparkTests.sc(), ROWS, 2);
             SparkExamples fromData = SparkExamples.fromDataset(
                     SparkTests.session().createDataFrame(SparkTests.sc().parallelize(rows, 3), schema), "tokens", "label",
                     VOCAB,
                     CLASSES, MAX_LEN);
             PrivateOptimizer oa = optimizer(a, "flat", true, "sgd", GaussianNoise.insecureSeeded(5), new RdpAccountant());
             PrivateOptimizer ob = optimizer(b, "flat", true, "sgd", GaussianNoise.insecureSeeded(5), new RdpAccountant());
             SparkTrainingLoop la = new SparkTrainingLoop(oa, fromDriver, coins, factory(), 64, 2);
             SparkTrainingLoop lb = new SparkTrainingLoop(ob, fromData, coins, factory(), 64, 2)) {
            assertEquals(N, fromData.size());
            for (int t = 0; t < 3; t++) {
                assertEquals(la.step().examples(), lb.step().examples());
            }
        }
        SparkRoundExecutorTest.assertClose(a, b, "DP-SGD from a Dataset");
    }

    @Test
    void theSecureNoiseKeyNeverTravelsAndTheSizeMustMatch() {
        GaussianNoise secret = GaussianNoise.secure();
        try (SparkExamples ex = SparkExamples.fromRows(SparkTests.sc(), ROWS, 2);
             PrivateOptimizer o = PrivateOptimizer.builder(model(), Sgd.plain(0.1)).noiseMultiplier(1).sampling(Q, N)
                     .noise(secret).build();
             PrivateOptimizer wrongN = PrivateOptimizer.builder(model(), Sgd.plain(0.1)).noiseMultiplier(1)
                     .sampling(Q, N + 1).build()) {
            assertEquals("the sampling key must not be the secure noise key: the sampling key travels to the executors "
                    + "and the noise key never leaves the driver", assertThrows(IllegalArgumentException.class,
                            () -> new SparkTrainingLoop(o, ex, secret, factory(), 8, 2)).getMessage());
            assertEquals("the optimizer was built for 501 examples, the dataset has 500: the accountant would record "
                    + "the wrong q", assertThrows(IllegalArgumentException.class,
                            () -> new SparkTrainingLoop(wrongN, ex, GaussianNoise.secure(), factory(), 8, 2))
                            .getMessage());
        }
    }

    /** An example whose gradient is not finite fails the step with its dataset id; the model is unchanged. */
    @Test
    void aNonFiniteExampleFailsTheStepNamingItsId() {
        Sequential m = model();
        Parameter emb = m.parameters().get(0);
        float[] w = emb.value().toArray();
        // Token 1 + label is every row's first token: a NaN in token 1's embedding reaches the rows of label 0.
        w[8] = Float.NaN;
        emb.value().copyFrom(w);
        float[][] before = new float[m.parameters().size()][];
        for (int i = 0; i < before.length; i++) {
            before[i] = m.parameters().get(i).value().toArray();
        }
        try (SparkExamples ex = SparkExamples.fromRows(SparkTests.sc(), ROWS, 3);
             PrivateOptimizer o = PrivateOptimizer.builder(m, Sgd.plain(0.1)).noiseMultiplier(1).sampling(0.5, N)
                     .noise(GaussianNoise.insecureSeeded(1)).build();
             SparkTrainingLoop loop = new SparkTrainingLoop(o, ex, GaussianNoise.insecureSeeded(2), factory(), 64, 2)) {
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, loop::step);
            int id = e.sampleIndex();
            assertTrue(id >= 0 && id < N && ROWS.label(id) == 0 && ROWS.token(id, 0) == 1, e.getMessage());
            assertTrue(e.getMessage().startsWith("example " + id + " "), e.getMessage());
            assertEquals(0, o.stepsTaken());
        }
        for (int i = 0; i < before.length; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(before[i], m.parameters().get(i).value().toArray());
        }
    }
}
