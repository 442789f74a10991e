package org.edp4j.nn;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.TestBackends;
import org.edp4j.testkit.PerSampleRuleChecker;

/**
 * {@link LayerNormRule} against the float64 per-example gradients {@code sum_t gy_it * xhat_it}
 * (gamma) and {@code sum_t gy_it} (beta), on every backend: rows and sequences, B = 0 and 1,
 * masked samples whose inputs are NaN; privacy units of 1-3 samples, some repeating or cancelling
 * their first sample.
 */
class LayerNormRuleTest {

    @Property(tries = 60)
    void normsAndClippedSumsMatchTheFloat64Reference(@ForAll @IntRange(min = 0, max = 5) int units,
                                                     @ForAll @IntRange(min = 1, max = 3) int rowsPerUnit,
                                                     @ForAll @IntRange(min = 0, max = 9) int seq,
                                                     @ForAll @IntRange(min = 1, max = 9) int d, @ForAll long seed) {
        int rows = Math.max(1, seq);
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean[] masked = RuleInputs.masks(rng, units, rowsPerUnit);
            RuleInputs.Relation[] related = RuleInputs.relations(rng, units, rowsPerUnit);
            float[] xhat = RuleInputs.rows(rng, batch, rows, d, masked);
            float[] gy = RuleInputs.rows(rng, batch, rows, d, masked);
            RuleInputs.relate(xhat, related, rowsPerUnit, rows * d, false);
            RuleInputs.relate(gy, related, rowsPerUnit, rows * d, true);
            LayerNormRule rule = new LayerNormRule(RuleInputs.parameter(be, rng, "gamma", d),
                    RuleInputs.parameter(be, rng, "beta", d));
            if (seq == 0) {
                rule.inputs(be.tensor(xhat, batch, d), be.tensor(gy, batch, d));
            } else {
                rule.inputs(be.tensor(xhat, batch, seq, d), be.tensor(gy, batch, seq, d));
            }
            PerSampleRuleChecker.check(rule, batch, rowsPerUnit, i -> {
                if (masked[i]) {
                    return null;
                }
                double[] gg = new double[d];
                double[] gb = new double[d];
                for (int t = 0; t < rows; t++) {
                    for (int j = 0; j < d; j++) {
                        int k = (i * rows + t) * d + j;
                        gg[j] += (double) gy[k] * xhat[k];
                        gb[j] += gy[k];
                    }
                }
                return new double[][] {gg, gb};
            });
        }
    }
}
