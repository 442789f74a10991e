package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The noise is calibrated to the sensitivity of every clipping mode, and the sums do not depend on
 * how a logical batch is cut into physical batches: tests that would catch a sensitivity bug.
 */
class SensitivityTest {
    static final double SIGMA = 1.3;
    static final double CLIP = 0.7;
    /** ADAPTIVE: the std of the noise on the clipped count, below sigma / 2 would be refused. */
    static final double COUNT_NOISE = 0.8;

    static Clipping clipping(ClippingMode mode) {
        return switch (mode) {
            case FLAT -> Clipping.flat(CLIP);
            case PER_LAYER -> Clipping.perLayer(CLIP);
            case AUTOMATIC -> Clipping.automatic(CLIP);
            case ADAPTIVE -> Clipping.adaptive(CLIP, 0.5, 0.2, COUNT_NOISE);
        };
    }

    /**
     * The standard deviation the noise must have: sigma C for the modes whose clipped sum has
     * sensitivity C (flat; per-layer, whose bounds C / sqrt(L) add up to C; automatic). Adaptive
     * clipping (Andrew et al. 2021, Theorem 1) spends part of the budget on the count: the
     * gradient gets sigma_g with sigma^-2 = sigma_g^-2 + (2 sigma_b)^-2 (the centred count has
     * sensitivity 1/2), so sigma_g = (sigma^-2 - (2 sigma_b)^-2)^(-1/2), here 2.23 against 1.3.
     */
    static double expectedStddev(ClippingMode mode) {
        if (mode != ClippingMode.ADAPTIVE) {
            return SIGMA * CLIP;
        }
        double twoSb = 2 * COUNT_NOISE;
        return CLIP / Math.sqrt(1 / (SIGMA * SIGMA) - 1 / (twoSb * twoSb));
    }

    /**
     * Zero gradients (an empty Poisson batch), plain SGD with lr 1 and q n = 1: each coordinate
     * moves by exactly its noise, so the 84,410 moves of an MLP 200-400-10 are a sample of the
     * noise. The sample standard deviation of n normals is within 6 / sqrt(2 n) (1.5 %) of the
     * true one except with probability ~1e-9: a noise off by the adaptive split (x 1.7), by
     * sqrt(L) (per-layer bounds taken for C) or by any factor beyond 1.5 % cannot pass.
     */
    @ParameterizedTest
    @EnumSource(ClippingMode.class)
    void noiseStddevIsSigmaTimesTheSensitivity(ClippingMode mode) {
        for (Backend be : TestBackends.all()) {
            Sequential model = Models.mlp(be, new SplittableRandom(1), 200, 400, 10);
            GaussianNoise g = GaussianNoise.insecureSeeded(17);
            double q = 0.01;
            int n = 100; // q n = 1: the update is the noise itself
            try (PrivateOptimizer opt = PrivateOptimizer.builder(model, Sgd.plain(1.0)).clipping(clipping(mode))
                    .noiseMultiplier(SIGMA).sampling(q, n).noise(g).build();
                 Batch batch = Batch.dense(be, 4, 200, 10)) {
                List<float[]> before = PrivateOptimizerTest.snapshot(model.parameters());
                batch.loadDense(new float[0], new int[0], new int[0], 0);
                opt.zeroGrad();
                opt.accumulate(batch);
                StepReport report = opt.step();
                double sum = 0;
                double sumSq = 0;
                long count = 0;
                for (int p = 0; p < model.parameters().size(); p++) {
                    float[] after = model.parameters().get(p).value().toArray();
                    for (int j = 0; j < after.length; j++) {
                        double noise = (before.get(p)[j] - (double) after[j]) * (q * n);
                        sum += noise;
                        sumSq += noise * noise;
                        count++;
                    }
                }
                assertEquals(84_410, count);
                double want = expectedStddev(mode);
                double got = Math.sqrt(sumSq / count);
                double bound = 6 / Math.sqrt(2.0 * count);
                String what = be.name() + " " + mode + ": noise stddev " + got + ", expected " + want;
                assertTrue(Math.abs(got / want - 1) <= bound, what);
                assertTrue(Math.abs(sum / count) <= 6 * want / Math.sqrt(count), what + ", mean " + sum / count);
                assertEquals(want, report.noiseStddev(), 1e-9 * want, "reported stddev");
                if (mode == ClippingMode.ADAPTIVE) {
                    // The count's own noise: sigma_b z with z the seeded normal of the step. With no
                    // example, the noisy unclipped fraction is sigma_b z / (q n) + 1/2.
                    double fraction = COUNT_NOISE * g.normal(GaussianNoise.CLIP_QUANTILE_NOISE, 0, 0) / (q * n) + 0.5;
                    assertEquals(CLIP * Math.exp(-0.2 * (fraction - 0.5)), opt.clipNorm(), 1e-12, "adaptive bound");
                }
            }
        }
    }

    /**
     * An oversized Poisson batch (here q = 1: all 10 examples, with capacity 4) goes through
     * three physical batches, the last one part padding. The clipped sums, clip fractions,
     * losses, updates and (ADAPTIVE) the next bound equal those of one batch of capacity 10,
     * element by element, up to float summation order.
     */
    @ParameterizedTest
    @EnumSource(ClippingMode.class)
    void aBatchSplitIntoPhysicalBatchesGivesTheSameSums(ClippingMode mode) {
        SyntheticClassification data = SyntheticClassification.gaussianClusters(10, 6, 3, 2.0, 5);
        BatchLoader loader = PrivateOptimizerTest.loader(data);
        for (Backend be : TestBackends.all()) {
            Sequential whole = Models.mlp(be, new SplittableRandom(3), 6, 8, 8, 3);
            Sequential split = Models.mlp(be, new SplittableRandom(3), 6, 8, 8, 3);
            // C small enough that most examples are clipped
            Clipping c = mode == ClippingMode.ADAPTIVE ? Clipping.adaptive(0.05, 0.5, 0.2, 5) : clipping(mode);
            try (PrivateOptimizer a = optimizer(whole, c); PrivateOptimizer b = optimizer(split, c);
                 Batch ten = Batch.dense(be, 10, 6, 3); Batch four = Batch.dense(be, 4, 6, 3)) {
                TrainingLoop one = new TrainingLoop(a, new PoissonSampler(GaussianNoise.insecureSeeded(9), 10, 1.0),
                        ten, loader);
                TrainingLoop three = new TrainingLoop(b, new PoissonSampler(GaussianNoise.insecureSeeded(9), 10, 1.0),
                        four, loader);
                for (int s = 0; s < 2; s++) {
                    StepReport ra = one.step();
                    StepReport rb = three.step();
                    String what = be.name() + " " + mode + " step " + s;
                    assertEquals(10, ra.examples());
                    assertTrue(ra.clippedFraction() > 0, what + ": the bound must clip some examples");
                    assertEquals(ra.examples(), rb.examples(), what);
                    assertEquals(ra.loss(), rb.loss(), 1e-5 * Math.abs(ra.loss()), what + " loss");
                    assertEquals(ra.clippedFraction(), rb.clippedFraction(), 0.0, what + " clipped fraction");
                    assertEquals(ra.clipNorm(), rb.clipNorm(), 1e-12 * ra.clipNorm(), what + " clip bound");
                    for (int p = 0; p < whole.parameters().size(); p++) {
                        Parameter pa = whole.parameters().get(p);
                        Parameter pb = split.parameters().get(p);
                        assertElementsClose(what + " clipped sum of " + pa, pa.grad().toArray(), pb.grad().toArray());
                        assertElementsClose(what + " " + pa, pa.value().toArray(), pb.value().toArray());
                    }
                    assertEquals(a.clipNorm(), b.clipNorm(), 1e-12 * a.clipNorm(), what + " next bound");
                }
            }
        }
    }

    static PrivateOptimizer optimizer(Sequential model, Clipping c) {
        return PrivateOptimizer.builder(model, Sgd.withMomentum(0.1, 0.5)).clipping(c).noiseMultiplier(SIGMA)
                .sampling(1.0, 10).noise(GaussianNoise.insecureSeeded(21)).build();
    }

    /** Element by element, relative to the vector's largest magnitude (float summation order). */
    static void assertElementsClose(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what);
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * scale + 1e-7 * Math.abs(want[i]), what + " [" + i + "]");
        }
    }
}
