package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.BiasRule;
import org.edp4j.nn.LinearRule;
import org.edp4j.nn.Parameter;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.PrivacyBudgetExceededException;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stages of {@link PrivateStep} on parameters and activations the test owns (not a
 * Sequential): the noisy gradient it hands back equals the float64 clipped sum plus the stream's
 * noise at the offsets it computed; staged and fused steps agree; the rules of the step hold.
 */
class PrivateStepTest {
    static List<Backend> backends() {
        return TestBackends.all();
    }

    static final int B = 6;
    static final int D = 5;
    static final int P = 3;

    /** A linear layer y = a W + b held by "the caller": W [D, P], b [P], activations a [B, D], gradients g [B, P]. */
    static final class Caller {
        final Backend be;
        final float[] a;
        final float[] g;
        final float[] mask;
        final Parameter w;
        final Parameter b;
        final LinearRule linear;
        final BiasRule extra;
        final Parameter shift;

        Caller(Backend be, long seed) {
            this.be = be;
            SplittableRandom rng = new SplittableRandom(seed);
            a = gaussian(rng, B * D, 3);
            g = gaussian(rng, B * P, 3);
            mask = new float[] {1, 1, 1, 1, 1, 0};
            w = new Parameter("w", be.tensor(gaussian(rng, D * P, 1), D, P));
            b = new Parameter("b", be.tensor(gaussian(rng, P, 1), P));
            shift = new Parameter("shift", be.tensor(gaussian(rng, P, 1), P));
            linear = LinearRule.of(w, b).inputs(be.tensor(a, B, D), be.tensor(g, B, P));
            extra = new BiasRule(shift).inputs(be.tensor(g, B, P));
        }

        PrivateStep.Builder step() {
            return PrivateStep.builder(be).group(linear).group(extra).noiseMultiplier(1.3).sampling(0.25, 20)
                    .clipping(Clipping.flat(0.5)).noise(GaussianNoise.insecureSeeded(17));
        }

        Tensor mask() {
            return be.tensor(mask, B);
        }

        /** Example i's float64 gradient of [w, b, shift]. */
        double[][] gradient(int i) {
            double[] gw = new double[D * P];
            double[] gb = new double[P];
            for (int k = 0; k < D; k++) {
                for (int j = 0; j < P; j++) {
                    gw[k * P + j] = (double) a[i * D + k] * g[i * P + j];
                }
            }
            for (int j = 0; j < P; j++) {
                gb[j] = g[i * P + j];
            }
            return new double[][] {gw, gb, gb.clone()};
        }
    }

    static float[] gaussian(SplittableRandom rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * scale);
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void handedBackGradientIsTheNoisyClippedMeanAtTheOffsetsItComputed(Backend be) {
        Caller c = new Caller(be, 1);
        GaussianNoise noise = GaussianNoise.insecureSeeded(17);
        try (PrivateStep step = c.step().build()) {
            step.zeroGrad();
            step.accumulate(c.mask());
            step.addNoise();
            step.scaleGradients();
            // float64 reference: clip factors, clipped sum, the stream's noise, the scale
            double[] factor = new double[B];
            for (int i = 0; i < B; i++) {
                double sq = 0;
                for (double[] gi : c.gradient(i)) {
                    for (double v : gi) {
                        sq += v * v;
                    }
                }
                factor[i] = c.mask[i] == 0 ? 0 : Math.min(1, 0.5 / (Math.sqrt(sq) + Clipping.STABILIZER));
            }
            assertArrayEquals(new long[] {0, D * P, D * P + P}, new long[] {step.noiseOffset(0), step.noiseOffset(1),
                    step.noiseOffset(2)});
            for (int p = 0; p < 3; p++) {
                float[] got = step.parameters().get(p).grad().toArray();
                for (int j = 0; j < got.length; j++) {
                    double sum = 0;
                    for (int i = 0; i < B; i++) {
                        sum += factor[i] * c.gradient(i)[p][j];
                    }
                    double z = noise.normal(GaussianNoise.GRADIENT_NOISE, 0, step.noiseOffset(p) + j);
                    double expected = (sum + 1.3 * 0.5 * z) / (0.25 * 20);
                    assertEquals(expected, got[j], 1e-5 * Math.max(1, Math.abs(expected)), "param " + p + "[" + j + "]");
                }
            }
            StepReport r = step.account();
            assertEquals(5, r.examples());
            assertEquals(1, step.accountant().totalSteps());
            assertEquals(1, step.stepsTaken());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stagedAndFusedStepsAgree(Backend be) {
        Caller fused = new Caller(be, 2);
        Caller staged = new Caller(be, 2);
        try (PrivateStep f = fused.step().optimizer(Sgd.withMomentum(0.1, 0.9)).build();
             PrivateStep s = staged.step().optimizer(Sgd.withMomentum(0.1, 0.9)).build()) {
            for (int t = 0; t < 3; t++) {
                f.zeroGrad();
                f.accumulate(fused.mask());
                StepReport rf = f.step();
                s.zeroGrad();
                s.computeNorms(staged.mask());
                s.computeClipFactors(null, null);
                s.accumulateClippedSums();
                s.addNoise();
                s.scaleGradients();
                s.update();
                StepReport rs = s.account();
                assertEquals(rf.noiseStddev(), rs.noiseStddev());
                assertEquals(rf.clippedFraction(), rs.clippedFraction());
            }
            for (int p = 0; p < 3; p++) {
                float[] x = f.parameters().get(p).value().toArray();
                float[] y = s.parameters().get(p).value().toArray();
                for (int j = 0; j < x.length; j++) {
                    assertEquals(x[j], y[j], 1e-5 * Math.max(1, Math.abs(x[j])), "param " + p + "[" + j + "]");
                }
            }
        }
    }

    @Test
    void stagesRunInOrder() {
        Caller c = new Caller(CpuBackend.instance(), 3);
        try (PrivateStep step = c.step().optimizer(Sgd.plain(0.1)).build()) {
            assertThrows(IllegalStateException.class, () -> step.accumulate(c.mask()), "before zeroGrad");
            step.zeroGrad();
            assertThrows(IllegalStateException.class, step::accumulateClippedSums, "sums before factors");
            assertThrows(IllegalStateException.class, step::scaleGradients, "scale before noise");
            assertThrows(IllegalStateException.class, step::account, "account before noise");
            step.accumulate(c.mask());
            step.addNoise();
            assertThrows(IllegalStateException.class, step::update, "update before scale");
            assertThrows(IllegalStateException.class, () -> step.accumulate(c.mask()), "a batch after the noise");
            IllegalStateException e = assertThrows(IllegalStateException.class, step::zeroGrad);
            assertTrue(e.getMessage().contains("call account()"), e.getMessage());
            step.scaleGradients();
            step.update();
            step.account();
            step.zeroGrad();
        }
        try (PrivateStep noOptimizer = c.step().build()) {
            noOptimizer.zeroGrad();
            noOptimizer.accumulate(c.mask());
            assertThrows(IllegalStateException.class, noOptimizer::step);
        }
    }

    /**
     * Clipped sums from data-parallel workers: checked before any change, the first part of a step
     * overwrites the gradients (stale values gone), later parts and local batches add to them, and
     * the counts reach the step's report.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void addClippedSumsChecksItsArgumentsAndAddsToTheStep(Backend be) {
        Caller c = new Caller(be, 5);
        try (PrivateStep step = c.step().optimizer(Sgd.plain(0.1)).build()) {
            float[][] sums = {new float[D * P], new float[P], new float[P]};
            assertTrue(assertThrows(IllegalStateException.class, () -> step.addClippedSums(sums, 1, 0, 1, 0))
                    .getMessage().startsWith("call zeroGrad() first"));
            c.w.grad().copyFrom(gaussian(new SplittableRandom(9), D * P, 1)); // stale: must be overwritten
            step.zeroGrad();
            assertEquals("sums has 1 arrays, the step 3 parameters", assertThrows(IllegalArgumentException.class,
                    () -> step.addClippedSums(new float[][] {sums[0]}, 1, 0, 1, 0)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> step.addClippedSums(
                    new float[][] {sums[0], new float[P + 1], sums[2]}, 1, 0, 1, 0)).getMessage()
                    .startsWith("sum 1 has 4 values"));
            assertEquals("counts must satisfy 0 <= withinBound (2) and 0 <= clipped (0) with withinBound + clipped "
                    + "<= examples (1)", assertThrows(IllegalArgumentException.class,
                            () -> step.addClippedSums(sums, 1, 0, 2, 0)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> step.addClippedSums(sums, 3, 0, 1, 3));
            assertThrows(IllegalArgumentException.class, () -> step.addClippedSums(sums, -1, 0, 0, 0));
            sums[0][4] = 3f;
            sums[2][1] = -0.5f;
            step.addClippedSums(sums, 2, 0.5, 1, 1);
            float[] w = c.w.grad().toArray();
            for (int j = 0; j < w.length; j++) {
                assertEquals(j == 4 ? 3f : 0f, w[j], "w[" + j + "] after the first part");
            }
            step.addClippedSums(sums, 1, 0.25, 0, 1);
            assertEquals(6f, c.w.grad().toArray()[4], "the second part adds to the first");
            assertEquals(-1f, c.shift.grad().toArray()[1]);
            assertEquals(1, step.withinBoundCount());
            assertEquals(2, step.clippedCount());
            step.computeNorms(c.mask());
            assertThrows(IllegalStateException.class, () -> step.addClippedSums(sums, 1, 0, 1, 0),
                    "between the stages of a local batch");
            step.computeClipFactors(null, null);
            step.accumulateClippedSums();
            assertEquals(3 + 5, step.withinBoundCount() + step.clippedCount(), "the local batch's 5 rows counted too");
            StepReport r = step.step();
            assertEquals(3 + 5, r.examples());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aHalfDoneBatchFailsTheStepUntilZeroGrad(Backend be) {
        Caller c = new Caller(be, 4);
        try (PrivateStep step = c.step().optimizer(Sgd.plain(0.1)).build()) {
            step.zeroGrad();
            step.computeNorms(c.mask());
            IllegalStateException e = assertThrows(IllegalStateException.class, step::step);
            assertTrue(e.getMessage().contains("zeroGrad()"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> step.accumulate(c.mask()));
            step.zeroGrad();
            step.accumulate(c.mask());
            step.step();
            assertEquals(1, step.stepsTaken());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void nonFiniteLossesFollowThePolicy(Backend be) {
        Caller c = new Caller(be, 5);
        float[] losses = {0.5f, Float.NaN, 1f, 2f, 3f, Float.NaN}; // row 5 is padding: not checked
        try (PrivateStep step = c.step().optimizer(Sgd.plain(0.1)).build()) {
            step.zeroGrad();
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                    () -> step.accumulate(c.mask(), r -> 100 + r, be.tensor(losses, B)));
            assertEquals(101, e.sampleIndex());
            assertTrue(e.getMessage().contains("the loss of example 101"), e.getMessage());
            assertThrows(IllegalStateException.class, step::step, "a failed stage blocks the step");
        }
        try (PrivateStep step = c.step().optimizer(Sgd.plain(0.1)).nonFinitePolicy(NonFinitePolicy.SKIP_SAMPLE)
                .build()) {
            step.zeroGrad();
            double l = step.accumulate(c.mask(), null, be.tensor(losses, B));
            assertTrue(Double.isNaN(l), "the summed loss reports the NaN");
            assertEquals(0f, step.clipFactors(0).toArray()[1], "the example is dropped");
            step.step();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void budgetIsCheckedBeforeTheNoiseChangesAnything(Backend be) {
        Caller c = new Caller(be, 6);
        PrivacyBudget budget = new PrivacyBudget(new RdpAccountant(), 0.5, 1e-5);
        try (PrivateStep step = c.step().budget(budget).build()) {
            PrivacyBudgetExceededException refused = null;
            for (int t = 0; t < 1000 && refused == null; t++) {
                step.zeroGrad();
                step.accumulate(c.mask());
                float[] before = c.w.grad().toArray();
                try {
                    step.addNoise();
                } catch (PrivacyBudgetExceededException e) {
                    refused = e;
                    assertArrayEquals(before, c.w.grad().toArray(), "the clipped sum is untouched");
                    break;
                }
                step.scaleGradients();
                step.account();
            }
            assertTrue(refused != null, "the budget must refuse a step");
            assertTrue(budget.spentEpsilon() <= 0.5);
        }
    }

    /** An empty logical step zeroes the gradients, but only after the budget allowed the step. */
    @Test
    void aRefusedEmptyStepLeavesTheCallersGradientsAlone() {
        Caller c = new Caller(CpuBackend.instance(), 10);
        PrivacyBudget tiny = new PrivacyBudget(new RdpAccountant(), 1e-3, 1e-5);
        try (PrivateStep step = c.step().budget(tiny).build()) {
            CpuBackend.instance().fill(c.w.grad(), 7f);
            step.zeroGrad();
            assertThrows(PrivacyBudgetExceededException.class, step::addNoise);
            for (float v : c.w.grad().toArray()) {
                assertEquals(7f, v);
            }
        }
    }

    @Test
    void perLayerClippingBoundsEachGroup() {
        Caller c = new Caller(CpuBackend.instance(), 7);
        try (PrivateStep step = c.step().clipping(Clipping.perLayer(0.5)).build()) {
            assertEquals(2, step.clippingGroupCount());
            step.zeroGrad();
            step.computeNorms(c.mask());
            step.computeClipFactors(null, null);
            double bound = 0.5 / Math.sqrt(2);
            for (int grp = 0; grp < 2; grp++) {
                float[] sq = step.squaredNorms(grp).toArray();
                float[] f = step.clipFactors(grp).toArray();
                for (int i = 0; i < B - 1; i++) {
                    assertTrue(f[i] * Math.sqrt(sq[i]) <= bound * (1 + 1e-5), "group " + grp + " sample " + i);
                }
                assertEquals(0f, f[B - 1], "padding");
            }
        }
    }

    @Test
    void aParameterInTwoGroupsOrWithoutRulesIsRefused() {
        Caller c = new Caller(CpuBackend.instance(), 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrivateStep.builder(c.be).group(c.linear).group(new BiasRule(c.b)).noiseMultiplier(1)
                        .sampling(0.5, 10).build());
        assertTrue(e.getMessage().contains("registered twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PrivateStep.builder(c.be).noiseMultiplier(1)
                .sampling(0.5, 10).build());
    }

    @Test
    void nonPrivateStepUsesTheMaskAndAddsNoNoise() {
        Caller c = new Caller(CpuBackend.instance(), 9);
        try (PrivateStep step = c.step().nonPrivate().build()) {
            step.zeroGrad();
            assertThrows(IllegalStateException.class, () -> step.computeNorms(c.mask()));
            step.zeroGrad();
            step.accumulate(c.mask());
            step.addNoise();
            step.scaleGradients();
            float[] got = c.shift.grad().toArray();
            for (int j = 0; j < P; j++) {
                double sum = 0;
                for (int i = 0; i < B; i++) {
                    sum += c.mask[i] * c.g[i * P + j];
                }
                assertEquals(sum / 5.0, got[j], 1e-6);
            }
            StepReport r = step.account();
            assertEquals(0.0, r.noiseStddev());
            assertEquals(null, step.accountant());
        }
    }
}
