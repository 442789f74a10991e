package org.edp4j.nn;

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
 * {@link PositionEmbeddingRule} against the float64 per-example gradient (row t gets
 * {@code g_it}, rows past T nothing), on every backend: T up to maxLen, B = 0 and 1, masked
 * samples whose gradients are NaN; privacy units of 1-3 samples (position t in every sample of a
 * unit: the cross terms), some repeating or cancelling their first sample.
 */
class PositionEmbeddingRuleTest {

    @Property(tries = 40)
    void normsAndClippedSumsMatchTheFloat64Reference(@ForAll @IntRange(min = 0, max = 5) int units,
                                                     @ForAll @IntRange(min = 1, max = 3) int rowsPerUnit,
                                                     @ForAll @IntRange(min = 1, max = 9) int seq,
                                                     @ForAll @IntRange(min = 0, max = 3) int extra,
                                                     @ForAll @IntRange(min = 1, max = 9) int d, @ForAll long seed) {
        int maxLen = seq + extra;
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean[] masked = RuleInputs.masks(rng, units, rowsPerUnit);
            RuleInputs.Relation[] related = RuleInputs.relations(rng, units, rowsPerUnit);
            float[] g = RuleInputs.rows(rng, batch, seq, d, masked);
            RuleInputs.relate(g, related, rowsPerUnit, seq * d, true);
            PositionEmbeddingRule rule = new PositionEmbeddingRule(RuleInputs.parameter(be, rng, "table", maxLen, d));
            rule.inputs(be.tensor(g, batch, seq, d));
            PerSampleRuleChecker.check(rule, batch, rowsPerUnit, i -> {
                if (masked[i]) {
                    return null;
                }
                double[] gp = new double[maxLen * d];
                for (int k = 0; k < seq * d; k++) {
                    gp[k] = g[i * seq * d + k];
                }
                return new double[][] {gp};
            });
        }
    }

    @Test
    void aSequenceLongerThanTheTableIsRefused() {
        CpuBackend be = CpuBackend.instance();
        PositionEmbeddingRule rule = new PositionEmbeddingRule(new Parameter("p", be.zeros(4, 2)));
        assertThrows(IllegalArgumentException.class, () -> rule.inputs(be.zeros(1, 5, 2)));
    }
}
