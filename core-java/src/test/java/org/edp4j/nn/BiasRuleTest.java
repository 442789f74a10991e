package org.edp4j.nn;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.TestBackends;
import org.edp4j.testkit.PerSampleRuleChecker;

/**
 * {@link BiasRule} and {@link MaterializedRule} against float64 per-example gradients on every
 * backend: {@code sum_t g_it} for a bias; the caller's own per-sample rows for a materialized
 * gradient. B = 0 and 1, masked samples whose inputs are NaN; privacy units of 1-3 samples (the
 * norm of their summed gradient), some repeating or cancelling their first sample.
 */
class BiasRuleTest {

    @Property(tries = 40)
    void biasNormsAndClippedSumsMatchTheFloat64Reference(@ForAll @IntRange(min = 0, max = 5) int units,
                                                         @ForAll @IntRange(min = 1, max = 3) int rowsPerUnit,
                                                         @ForAll @IntRange(min = 0, max = 9) int seq,
                                                         @ForAll @IntRange(min = 1, max = 9) int p,
                                                         @ForAll long seed) {
        int rows = Math.max(1, seq);
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean[] masked = RuleInputs.masks(rng, units, rowsPerUnit);
            RuleInputs.Relation[] related = RuleInputs.relations(rng, units, rowsPerUnit);
            float[] g = RuleInputs.rows(rng, batch, rows, p, masked);
            RuleInputs.relate(g, related, rowsPerUnit, rows * p, true);
            BiasRule rule = new BiasRule(RuleInputs.parameter(be, rng, "bias", p));
            rule.inputs(seq == 0 ? be.tensor(g, batch, p) : be.tensor(g, batch, seq, p));
            PerSampleRuleChecker.check(rule, batch, rowsPerUnit, i -> {
                if (masked[i]) {
                    return null;
                }
                double[] gb = new double[p];
                for (int t = 0; t < rows; t++) {
                    for (int j = 0; j < p; j++) {
                        gb[j] += g[(i * rows + t) * p + j];
                    }
                }
                return new double[][] {gb};
            });
        }
    }

    @Property(tries = 30)
    void materializedGradientsMatchTheFloat64Reference(@ForAll @IntRange(min = 0, max = 5) int units,
                                                       @ForAll @IntRange(min = 1, max = 3) int rowsPerUnit,
                                                       @ForAll @IntRange(min = 1, max = 4) int rows,
                                                       @ForAll @IntRange(min = 1, max = 4) int cols,
                                                       @ForAll long seed) {
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean[] masked = RuleInputs.masks(rng, units, rowsPerUnit);
            RuleInputs.Relation[] related = RuleInputs.relations(rng, units, rowsPerUnit);
            float[] per = RuleInputs.rows(rng, batch, 1, rows * cols, masked);
            RuleInputs.relate(per, related, rowsPerUnit, rows * cols, true);
            MaterializedRule rule = new MaterializedRule(RuleInputs.parameter(be, rng, "scale", rows, cols));
            rule.inputs(be.tensor(per, batch, rows * cols));
            PerSampleRuleChecker.check(rule, batch, rowsPerUnit, i -> {
                if (masked[i]) {
                    return null;
                }
                double[] gi = new double[rows * cols];
                for (int k = 0; k < gi.length; k++) {
                    gi[k] = per[i * rows * cols + k];
                }
                return new double[][] {gi};
            });
        }
    }
}
