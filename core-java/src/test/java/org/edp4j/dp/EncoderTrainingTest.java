package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.EncoderConfig;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The transformer encoder of {@link Models#encoder} under the private optimizer. */
class EncoderTrainingTest {
    static final int VOCAB = 30;
    static final int SEQ = 12;
    static final int CLASSES = 3;

    static List<Backend> backends() {
        return TestBackends.all();
    }

    /**
     * A keyword task: example of class c holds token {@code 1 + c} once, at a random position
     * among 4..12 real tokens drawn from ids 4..29, then padding.
     */
    record Task(int[] tokens, int[] labels) {
        static Task of(int n, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] tok = new int[n * SEQ];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                int len = 4 + rng.nextInt(SEQ - 3);
                y[i] = rng.nextInt(CLASSES);
                int at = rng.nextInt(len);
                for (int t = 0; t < len; t++) {
                    tok[i * SEQ + t] = t == at ? 1 + y[i] : 4 + rng.nextInt(VOCAB - 4);
                }
            }
            return new Task(tok, y);
        }

        BatchLoader loader() {
            return (b, rows, from, count) -> b.loadTokens(tokens, labels,
                    java.util.Arrays.copyOfRange(rows, from, from + count), count, VOCAB);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void privateEncoderLearnsAKeywordTask(Backend be) {
        int n = 2000;
        Task train = Task.of(n, 1);
        Task test = Task.of(600, 2);
        Sequential model = Models.encoder(be, new SplittableRandom(3),
                new EncoderConfig(VOCAB, SEQ, 16, 1, 2, 32, CLASSES));
        GaussianNoise g = GaussianNoise.insecureSeeded(4);
        double q = 64.0 / n;
        try (PrivateOptimizer opt = PrivateOptimizer.builder(model, Adam.of(0.01)).clipping(Clipping.flat(1.0))
                .noiseMultiplier(1.0).sampling(q, n).noise(g).build();
             Batch batch = Batch.tokens(be, PoissonSampler.suggestedCapacity(n, q), SEQ, CLASSES)) {
            double before = Evaluation.accuracy(model, batch, test.loader(), test.labels());
            TrainingLoop loop = new TrainingLoop(opt, new PoissonSampler(g, n, q), batch, train.loader());
            for (int s = 0; s < 3 * loop.stepsPerEpoch(); s++) {
                loop.step();
            }
            double after = Evaluation.accuracy(model, batch, test.loader(), test.labels());
            double eps = opt.accountant().getEpsilon(1e-5);
            assertTrue(before < 0.6, "accuracy before training " + before);
            assertTrue(after >= 0.8, "accuracy " + before + " -> " + after + " at epsilon " + eps);
        }
    }

    /** Per-layer clipping bounds each leaf layer inside the Residual blocks separately. */
    @ParameterizedTest
    @MethodSource("backends")
    void perLayerClippingBoundsEveryLeafLayer(Backend be) {
        Sequential model = Models.encoder(be, new SplittableRandom(2), new EncoderConfig(VOCAB, SEQ, 8, 2, 2, 8,
                CLASSES));
        int cap = 9;
        Task data = Task.of(cap - 1, 5);
        double c = 0.05;
        try (Batch batch = Batch.tokens(be, cap, SEQ, CLASSES);
             PrivateOptimizer opt = PrivateOptimizer.builder(model, Sgd.plain(0.1)).clipping(Clipping.perLayer(c))
                     .noiseMultiplier(1).sampling(0.5, 20).noise(GaussianNoise.insecureSeeded(1)).build()) {
            int[] rows = new int[cap - 1];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i;
            }
            batch.loadTokens(data.tokens(), data.labels(), rows, cap - 1, VOCAB); // last row is padding
            opt.zeroGrad();
            opt.accumulate(batch);
            List<Layer> groups = model.trainableLayers();
            assertEquals(2 + 6 * 2 + 2, groups.size());
            double bound = c / Math.sqrt(groups.size());
            int clipped = 0;
            for (int gi = 0; gi < groups.size(); gi++) {
                float[] f = opt.lastFactors(gi).toArray();
                Tensor sq = be.zeros(cap);
                groups.get(gi).addSquaredNorms(sq);
                float[] norms = sq.toArray();
                for (int i = 0; i < cap - 1; i++) {
                    assertTrue(f[i] * Math.sqrt(norms[i]) <= bound * (1 + 1e-5), groups.get(gi).describe() + " sample "
                            + i);
                    clipped += f[i] < 1 ? 1 : 0;
                }
                assertEquals(0f, f[cap - 1], "a padding row gets factor 0");
            }
            assertTrue(clipped > 0, "the test must exercise clipping");
        }
    }
}
