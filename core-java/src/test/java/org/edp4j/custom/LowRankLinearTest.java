package org.edp4j.custom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.Evaluation;
import org.edp4j.dp.PoissonSampler;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.TrainingLoop;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.ActivationLayer;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Linear;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.TestBackends;
import org.edp4j.testkit.PerSampleRuleChecker;
import org.junit.jupiter.api.Test;

/**
 * The custom-layer test of docs/embedding.md: {@link LowRankLinear}'s per-sample norms and
 * clipped sums against its float64 per-example gradients, with the published
 * {@link PerSampleRuleChecker}, on every backend (rows and sequences, B = 0 and 1, masked samples
 * holding NaN); then the layer trains privately inside a Sequential.
 */
class LowRankLinearTest {

    @Property(tries = 40)
    void normsAndClippedSumsMatchTheFloat64PerExampleGradients(@ForAll @IntRange(min = 0, max = 5) int units,
                                                               @ForAll @IntRange(min = 1, max = 2) int rowsPerUnit,
                                                               @ForAll @IntRange(min = 0, max = 6) int seq,
                                                               @ForAll @IntRange(min = 1, max = 7) int d,
                                                               @ForAll @IntRange(min = 1, max = 3) int r,
                                                               @ForAll @IntRange(min = 1, max = 7) int p,
                                                               @ForAll long seed) {
        int rows = Math.max(1, seq);
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            LowRankLinear layer = new LowRankLinear(be, d, r, p, rng);
            boolean[] masked = new boolean[batch];
            float[] x = new float[batch * rows * d];
            float[] g = new float[batch * rows * p];
            for (int i = 0; i < batch; i++) {
                masked[i] = i % rowsPerUnit == 0 ? rng.nextInt(4) == 0 : masked[i - 1]; // per unit
                for (int k = 0; k < rows * d; k++) {
                    x[i * rows * d + k] = masked[i] ? Float.NaN : (float) rng.nextGaussian();
                }
                for (int k = 0; k < rows * p; k++) {
                    g[i * rows * p + k] = masked[i] ? Float.NaN : (float) rng.nextGaussian();
                }
            }
            layer.forward(seq == 0 ? be.tensor(x, batch, d) : be.tensor(x, batch, seq, d), null);
            layer.backward(seq == 0 ? be.tensor(g, batch, p) : be.tensor(g, batch, seq, p), null);
            double[] av = toDouble(layer.a().value().toArray());
            double[] bv = toDouble(layer.b().value().toArray());
            PerSampleRuleChecker.check(layer, batch, rowsPerUnit, i -> masked[i] ? null
                    : perExample(x, g, i, rows, d, r, p, av, bv));
        }
    }

    /** Example i alone, in float64: h = x A, gh = g B^T, dA = x^T gh, dB = h^T g. */
    static double[][] perExample(float[] x, float[] g, int i, int rows, int d, int r, int p, double[] a, double[] b) {
        double[] da = new double[d * r];
        double[] db = new double[r * p];
        for (int t = 0; t < rows; t++) {
            int xr = (i * rows + t) * d;
            int gr = (i * rows + t) * p;
            double[] h = new double[r];
            double[] gh = new double[r];
            for (int k = 0; k < r; k++) {
                for (int j = 0; j < d; j++) {
                    h[k] += x[xr + j] * a[j * r + k];
                }
                for (int j = 0; j < p; j++) {
                    gh[k] += g[gr + j] * b[k * p + j];
                }
            }
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < r; k++) {
                    da[j * r + k] += x[xr + j] * gh[k];
                }
            }
            for (int k = 0; k < r; k++) {
                for (int j = 0; j < p; j++) {
                    db[k * p + j] += h[k] * g[gr + j];
                }
            }
        }
        return new double[][] {da, db};
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void trainsPrivatelyInsideASequential() {
        Backend be = TestBackends.all().get(0);
        SyntheticClassification task = SyntheticClassification.gaussianClusters(2500, 20, 4, 3.0, 11);
        SplittableRandom rng = new SplittableRandom(1);
        Sequential model = Sequential.of(be, new LowRankLinear(be, 20, 4, 32, rng), ActivationLayer.relu(be),
                new Linear(be, 32, 4, true, rng));
        GaussianNoise noise = GaussianNoise.insecureSeeded(5);
        double q = 64.0 / 2000;
        try (PrivateOptimizer opt = PrivateOptimizer.builder(model, Sgd.withMomentum(0.5, 0.5)).noiseMultiplier(1.0)
                .sampling(q, 2000).noise(noise).build();
             Batch batch = Batch.dense(be, PoissonSampler.suggestedCapacity(2000, q), 20, 4)) {
            SyntheticClassification train = task.head(2000);
            TrainingLoop loop = new TrainingLoop(opt, new PoissonSampler(noise, 2000, q), batch,
                    (bt, rows, from, count) -> bt.loadDense(train.features(), train.labels(),
                            java.util.Arrays.copyOfRange(rows, from, from + count), count));
            for (int s = 0; s < 3 * loop.stepsPerEpoch(); s++) {
                loop.step();
            }
            SyntheticClassification test = task.tail(2000);
            double acc = Evaluation.accuracy(model, batch, (bt, rows, from, count) -> bt.loadDense(test.features(),
                    test.labels(), java.util.Arrays.copyOfRange(rows, from, from + count), count), test.labels());
            assertTrue(acc >= 0.85, "accuracy " + acc);
        }
    }
}
