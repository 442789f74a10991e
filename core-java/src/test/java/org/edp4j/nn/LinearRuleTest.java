package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.TestBackends;
import org.edp4j.testkit.PerSampleRuleChecker;
import org.junit.jupiter.api.Test;

/**
 * {@link LinearRule} against the float64 per-example gradient {@code A_i^T G_i} (and
 * {@code sum_t g_it} for the bias), on every backend: rows and sequences, ghost and direct, both
 * weight layouts, B = 0 and 1, T = 1, masked samples whose inputs are NaN; privacy units of 1-3
 * samples (the norm of their summed gradient, cross terms included), some repeating or cancelling
 * their first sample. And the AUTO choice.
 */
class LinearRuleTest {

    @Property(tries = 60)
    void normsAndClippedSumsMatchTheFloat64Reference(@ForAll @IntRange(min = 0, max = 5) int units,
                                                     @ForAll @IntRange(min = 1, max = 3) int rowsPerUnit,
                                                     @ForAll @IntRange(min = 0, max = 9) int seq,
                                                     @ForAll @IntRange(min = 1, max = 9) int d,
                                                     @ForAll @IntRange(min = 1, max = 9) int p,
                                                     @ForAll boolean bias, @ForAll boolean transposed,
                                                     @ForAll LinearRule.NormMethod method, @ForAll long seed) {
        int rows = Math.max(1, seq); // seq 0: a [B, d] input (one row per sample)
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean[] masked = RuleInputs.masks(rng, units, rowsPerUnit);
            RuleInputs.Relation[] related = RuleInputs.relations(rng, units, rowsPerUnit);
            float[] a = RuleInputs.rows(rng, batch, rows, d, masked);
            float[] g = RuleInputs.rows(rng, batch, rows, p, masked);
            RuleInputs.relate(a, related, rowsPerUnit, rows * d, false);
            RuleInputs.relate(g, related, rowsPerUnit, rows * p, true);
            Parameter w = transposed ? RuleInputs.parameter(be, rng, "weight", p, d)
                    : RuleInputs.parameter(be, rng, "weight", d, p);
            Parameter b = bias ? RuleInputs.parameter(be, rng, "bias", p) : null;
            LinearRule rule = (transposed ? LinearRule.transposed(w, b) : LinearRule.of(w, b)).normMethod(method);
            if (seq == 0) {
                rule.inputs(be.tensor(a, batch, d), be.tensor(g, batch, p));
            } else {
                rule.inputs(be.tensor(a, batch, seq, d), be.tensor(g, batch, seq, p));
            }
            PerSampleRuleChecker.check(rule, batch, rowsPerUnit, i -> {
                if (masked[i]) {
                    return null;
                }
                double[] gw = new double[d * p];
                double[] gb = new double[p];
                for (int t = 0; t < rows; t++) {
                    int r = i * rows + t;
                    for (int k = 0; k < d; k++) {
                        for (int j = 0; j < p; j++) {
                            double v = (double) a[r * d + k] * g[r * p + j];
                            gw[transposed ? j * d + k : k * p + j] += v;
                        }
                    }
                    for (int j = 0; j < p; j++) {
                        gb[j] += g[r * p + j];
                    }
                }
                return bias ? new double[][] {gw, gb} : new double[][] {gw};
            });
        }
    }

    @Test
    void mismatchedInputsAreRefusedNamingTheRule() {
        CpuBackend be = CpuBackend.instance();
        LinearRule rule = LinearRule.of(new Parameter("w", be.zeros(3, 2)), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule.inputs(be.zeros(4, 3), be.zeros(5, 2)));
        assertEquals("LinearRule(3 -> 2, no bias): 'a' [4, 3] and 'g' [5, 2] must have the same batch dimensions",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rule.inputs(be.zeros(4, 2), be.zeros(4, 2)));
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> rule.addSquaredNorms(be.zeros(4)));
        assertEquals("LinearRule(3 -> 2, no bias): no inputs yet; call inputs(...) after the backward pass",
                none.getMessage());
        rule.inputs(be.zeros(4, 3), be.zeros(4, 2));
        assertThrows(IllegalArgumentException.class, () -> rule.addSquaredNorms(be.zeros(5)));
        assertThrows(IllegalArgumentException.class,
                () -> LinearRule.of(new Parameter("w", be.zeros(3, 2)), new Parameter("b", be.zeros(3))));
    }

    @Test
    void autoPicksTheGhostNormBelowTheMeasuredCrossover() {
        // 5 T (d + p) < 8 d p: the encoder's layers at T = 128 all take the ghost norm.
        int[][] ghostAt128 = {{256, 768}, {256, 256}, {256, 1024}, {1024, 256}};
        for (int[] s : ghostAt128) {
            assertEquals(true, rule(s[0], s[1]).useGhost(128), s[0] + " -> " + s[1]);
        }
        assertEquals(true, rule(256, 256).useGhost(204));
        assertEquals(false, rule(256, 256).useGhost(205));
        assertEquals(true, rule(64, 64).useGhost(51));
        assertEquals(false, rule(64, 64).useGhost(52));
        assertEquals(false, rule(1, 1).useGhost(2));
    }

    @Test
    void normMethodOverridesAuto() {
        assertEquals(true, rule(4, 4).normMethod(LinearRule.NormMethod.GHOST).useGhost(1000));
        assertEquals(false, rule(256, 256).normMethod(LinearRule.NormMethod.DIRECT).useGhost(2));
    }

    static LinearRule rule(int in, int out) {
        return new Linear(CpuBackend.instance(), in, out, true, new SplittableRandom(1)).rule();
    }
}
