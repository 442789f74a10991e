package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.BiasRule;
import org.edp4j.nn.LinearRule;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.PerSampleRule;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PrivateStep} with privacy units of two rows ({@code rowsPerUnit(2)}, the pair of an example
 * and its counterfactual copy): one norm per unit (the norm of the summed gradient), one clip factor
 * per unit, the unit's contribution at most C whatever its rows hold, accounting and the report per
 * unit, and the refusals (a unit that mixes real rows and padding, a rule without unit methods).
 */
class PrivateStepUnitsTest {
    static List<Backend> backends() {
        return TestBackends.all();
    }

    static final int B = 6;
    static final int D = 5;
    static final int P = 3;
    static final double C = 0.5;

    /** A linear layer y = a W + b and an extra bias on the same g, over B rows the test owns. */
    static final class Rows {
        final Backend be;
        final float[] a;
        final float[] g;
        final Parameter w;
        final Parameter b;
        final Parameter shift;

        Rows(Backend be, long seed) {
            this.be = be;
            SplittableRandom rng = new SplittableRandom(seed);
            a = PrivateStepTest.gaussian(rng, B * D, 3);
            g = PrivateStepTest.gaussian(rng, B * P, 3);
            w = new Parameter("w", be.tensor(PrivateStepTest.gaussian(rng, D * P, 1), D, P));
            b = new Parameter("b", be.tensor(PrivateStepTest.gaussian(rng, P, 1), P));
            shift = new Parameter("shift", be.tensor(PrivateStepTest.gaussian(rng, P, 1), P));
        }

        /** Row {@code to} becomes a copy of row {@code from} (activation and gradient). */
        Rows copy(int from, int to) {
            System.arraycopy(a, from * D, a, to * D, D);
            System.arraycopy(g, from * P, g, to * P, P);
            return this;
        }

        /** A step over the rows as they are now, with {@code k} rows per unit. */
        PrivateStep.Builder step(int k) {
            LinearRule linear = LinearRule.of(w, b).inputs(be.tensor(a, B, D), be.tensor(g, B, P));
            BiasRule extra = new BiasRule(shift).inputs(be.tensor(g, B, P));
            return PrivateStep.builder(be).group(linear).group(extra).noiseMultiplier(1.3).sampling(0.25, 20)
                    .clipping(Clipping.flat(C)).noise(GaussianNoise.insecureSeeded(17)).rowsPerUnit(k);
        }

        /** Row i's float64 gradient of [w, b, shift]. */
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

        /** The float64 gradient of the unit of rows i and i + 1: the sum of theirs. */
        double[][] unitGradient(int i) {
            double[][] x = gradient(i);
            double[][] y = gradient(i + 1);
            for (int p = 0; p < x.length; p++) {
                for (int j = 0; j < x[p].length; j++) {
                    x[p][j] += y[p][j];
                }
            }
            return x;
        }
    }

    static double squaredNorm(double[][] grads) {
        double s = 0;
        for (double[] g : grads) {
            for (double v : g) {
                s += v * v;
            }
        }
        return s;
    }

    /** The L2 norm of the summed gradient buffers of the step's parameters (before noise). */
    static double gradientNorm(PrivateStep step) {
        double s = 0;
        for (Parameter p : step.parameters()) {
            for (float v : p.grad().toArray()) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void eachUnitIsClippedByTheNormOfItsSummedGradient(Backend be) {
        Rows r = new Rows(be, 1);
        float[] mask = {1, 1, 1, 1, 0, 0};
        try (PrivateStep step = r.step(2).build()) {
            step.zeroGrad();
            step.computeNorms(be.tensor(mask, B));
            step.computeClipFactors(null, null);
            step.accumulateClippedSums();
            float[] sq = step.squaredNorms(0).toArray();
            float[] f = step.clipFactors(0).toArray();
            assertEquals(3, sq.length, "one norm per unit");
            double[] factor = new double[3];
            for (int u = 0; u < 2; u++) {
                double ref = squaredNorm(r.unitGradient(2 * u));
                double rows = squaredNorm(r.gradient(2 * u)) + squaredNorm(r.gradient(2 * u + 1));
                assertEquals(ref, sq[u], 1e-5 * ref, "unit " + u + " (the rows' own norms would give " + rows + ")");
                factor[u] = Math.min(1, C / (Math.sqrt(ref) + Clipping.STABILIZER));
                assertEquals(factor[u], f[u], 1e-5 * factor[u], "factor of unit " + u);
            }
            assertEquals(0f, f[2], "the padding unit");
            for (int p = 0; p < 3; p++) {
                float[] got = step.parameters().get(p).grad().toArray();
                for (int j = 0; j < got.length; j++) {
                    double expected = 0;
                    for (int u = 0; u < 2; u++) {
                        expected += factor[u] * r.unitGradient(2 * u)[p][j];
                    }
                    assertEquals(expected, got[j], 1e-5 * Math.max(1, Math.abs(expected)), "param " + p + "[" + j + "]");
                }
            }
        }
    }

    /** The test that fails if the two rows were clipped separately: two identical rows would add 2C. */
    @ParameterizedTest
    @MethodSource("backends")
    void aUnitOfTwoIdenticalRowsContributesAtMostC(Backend be) {
        float[] mask = {1, 1, 0, 0, 0, 0};
        Rows r = new Rows(be, 2).copy(0, 1);
        assertTrue(Math.sqrt(squaredNorm(r.gradient(0))) > C, "the row alone is clipped");
        try (PrivateStep unit = r.step(2).build(); PrivateStep rows = r.step(1).build()) {
            unit.zeroGrad();
            unit.computeNorms(be.tensor(mask, B));
            unit.computeClipFactors(null, null);
            unit.accumulateClippedSums();
            double n = gradientNorm(unit);
            assertTrue(n <= C * (1 + 1e-5), "the unit's contribution " + n + " exceeds C = " + C);
            assertEquals(C, n, 1e-4, "clipped to C exactly");
            // The same two rows as two units of one row each: 2C. This is what the unit prevents.
            rows.zeroGrad();
            rows.computeNorms(be.tensor(mask, B));
            rows.computeClipFactors(null, null);
            rows.accumulateClippedSums();
            assertEquals(2 * C, gradientNorm(rows), 1e-4);
        }
    }

    @Test
    void rowsThatCancelContributeNothing() {
        Backend be = CpuBackend.instance();
        float[] mask = {1, 1, 0, 0, 0, 0};
        Rows r = new Rows(be, 3).copy(0, 1);
        for (int j = 0; j < P; j++) {
            r.g[P + j] = -r.g[j];
        }
        try (PrivateStep step = r.step(2).build()) {
            step.zeroGrad();
            step.computeNorms(be.tensor(mask, B));
            step.computeClipFactors(null, null);
            step.accumulateClippedSums();
            assertEquals(0f, step.squaredNorms(0).toArray()[0], 1e-6f, "the summed gradient is 0");
            assertEquals(1f, step.clipFactors(0).toArray()[0], "nothing to clip");
            assertEquals(0, gradientNorm(step), 1e-6);
        }
    }

    /** Sampling q and n count units, and so does the accountant: epsilon is that of one row per unit. */
    @ParameterizedTest
    @MethodSource("backends")
    void accountingAndTheReportCountUnits(Backend be) {
        Rows r = new Rows(be, 4);
        float[] mask = {1, 1, 1, 1, 0, 0};
        try (PrivateStep units = r.step(2).optimizer(Sgd.plain(0.1)).build();
             PrivateStep rows = new Rows(be, 4).step(1).optimizer(Sgd.plain(0.1)).build()) {
            StepReport ru = null;
            StepReport rr = null;
            for (int t = 0; t < 3; t++) {
                units.zeroGrad();
                units.accumulate(be.tensor(mask, B));
                ru = units.step();
                rows.zeroGrad();
                rows.accumulate(be.tensor(mask, B));
                rr = rows.step();
            }
            assertEquals(2, ru.examples(), "two units of two rows");
            assertEquals(4, rr.examples());
            assertEquals(rr.noiseStddev(), ru.noiseStddev(), "noise sigma C, the same");
            assertEquals(rows.accountant().getEpsilon(1e-5), units.accountant().getEpsilon(1e-5));
            assertEquals(rows.accountant().history(), units.accountant().history());
        }
    }

    @Test
    void aUnitMixingRealRowsAndPaddingIsRefused() {
        Backend be = CpuBackend.instance();
        Rows r = new Rows(be, 5);
        try (PrivateStep step = r.step(2).build()) {
            step.zeroGrad();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> step.accumulate(be.tensor(new float[] {1, 1, 1, 0, 0, 0}, B)));
            assertEquals("privacy unit 1 (batch rows 2..3) mixes real rows and padding: the 2 rows of a unit are all "
                    + "real or all padding", e.getMessage());
            assertThrows(IllegalStateException.class, step::step, "the step is failed until zeroGrad");
            step.zeroGrad();
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> step.accumulate(be.tensor(new float[] {1, 1, 0, 0, 0}, 5)));
            assertTrue(odd.getMessage().contains("not a multiple of the 2 rows per privacy unit"), odd.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> PrivateStep.builder(be).rowsPerUnit(0));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aNonFiniteLossInOneRowFailsTheWholeUnit(Backend be) {
        Rows r = new Rows(be, 6);
        float[] mask = {1, 1, 1, 1, 0, 0};
        float[] losses = {0.5f, 1f, 2f, Float.NaN, Float.NaN, Float.NaN}; // rows 4, 5: padding, not checked
        try (PrivateStep step = r.step(2).build()) {
            step.zeroGrad();
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                    () -> step.accumulate(be.tensor(mask, B), u -> 100 + u, be.tensor(losses, B)));
            assertEquals(101, e.sampleIndex());
            assertTrue(e.getMessage().contains("the loss of example 101 (batch unit 1, rows 2..3)"), e.getMessage());
        }
        try (PrivateStep step = r.step(2).nonFinitePolicy(NonFinitePolicy.SKIP_SAMPLE).build()) {
            step.zeroGrad();
            step.accumulate(be.tensor(mask, B), null, be.tensor(losses, B));
            float[] f = step.clipFactors(0).toArray();
            assertEquals(0f, f[1], "the unit is dropped");
            assertTrue(f[0] > 0, "the other unit stays");
        }
    }

    @Test
    void nonPrivateUnitsSumEveryRealRow() {
        Backend be = CpuBackend.instance();
        Rows r = new Rows(be, 7);
        float[] mask = {1, 1, 1, 1, 0, 0};
        try (PrivateStep step = r.step(2).nonPrivate().optimizer(Sgd.plain(0.1)).build()) {
            step.zeroGrad();
            step.accumulate(be.tensor(mask, B));
            float[] got = r.shift.grad().toArray();
            for (int j = 0; j < P; j++) {
                double sum = 0;
                for (int i = 0; i < 4; i++) {
                    sum += r.g[i * P + j];
                }
                assertEquals(sum, got[j], 1e-5);
            }
            assertEquals(2, step.step().examples());
        }
    }

    /** A rule of one row per sample only (the SPI's default unit methods) refuses units before any noise. */
    @Test
    void aRuleWithoutUnitMethodsIsRefusedClearly() {
        Backend be = CpuBackend.instance();
        Parameter p = new Parameter("p", be.zeros(2));
        PerSampleRule oneRow = new PerSampleRule() {
            @Override
            public List<Parameter> parameters() {
                return List.of(p);
            }

            @Override
            public void addSquaredNorms(Tensor sqNorms) {
            }

            @Override
            public void clippedSum(Tensor factors, float beta) {
            }

            @Override
            public String toString() {
                return "OneRowRule";
            }
        };
        try (PrivateStep step = PrivateStep.builder(be).group(oneRow).noiseMultiplier(1).sampling(0.5, 10)
                .rowsPerUnit(2).build()) {
            step.zeroGrad();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> step.accumulate(be.tensor(new float[] {1, 1}, 2)));
            assertTrue(e.getMessage().startsWith("OneRowRule implements per-sample norms and clipped sums of one row "
                    + "per sample only"), e.getMessage());
            assertThrows(IllegalStateException.class, step::addNoise, "no noise after the refusal");
        }
    }
}
