package org.edp4j.nn;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.TestBackends;
import org.edp4j.testkit.PerSampleRuleChecker;

/**
 * {@link EmbeddingRule} against the float64 per-example gradient (row v of the table gets
 * {@code sum_{t: tok_t = v} g_it}), on every backend: repeated tokens (a vocabulary of 1-6), one
 * token per sample ({@code [B]} ids), B = 0 and 1, masked samples whose gradients are NaN; privacy
 * units of 1-3 samples, where one token in two samples of a unit adds their cross term, some
 * repeating or cancelling their first sample.
 */
class EmbeddingRuleTest {

    @Property(tries = 60)
    void normsAndClippedSumsMatchTheFloat64Reference(@ForAll @IntRange(min = 0, max = 5) int units,
                                                     @ForAll @IntRange(min = 1, max = 3) int rowsPerUnit,
                                                     @ForAll @IntRange(min = 0, max = 9) int seq,
                                                     @ForAll @IntRange(min = 1, max = 6) int vocab,
                                                     @ForAll @IntRange(min = 1, max = 9) int d, @ForAll long seed) {
        int rows = Math.max(1, seq);
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean[] masked = RuleInputs.masks(rng, units, rowsPerUnit);
            RuleInputs.Relation[] related = RuleInputs.relations(rng, units, rowsPerUnit);
            float[] g = RuleInputs.rows(rng, batch, rows, d, masked);
            int[] tok = rng.ints(batch * rows, 0, vocab).toArray();
            RuleInputs.relate(g, related, rowsPerUnit, rows * d, true);
            RuleInputs.relate(tok, related, rowsPerUnit, rows);
            Parameter table = RuleInputs.parameter(be, rng, "table", vocab, d);
            EmbeddingRule rule = new EmbeddingRule(table);
            if (seq == 0) {
                rule.inputs(be.intTensor(tok, batch), be.tensor(g, batch, d));
            } else {
                rule.inputs(be.intTensor(tok, batch, seq), be.tensor(g, batch, seq, d));
            }
            PerSampleRuleChecker.check(rule, batch, rowsPerUnit, i -> {
                if (masked[i]) {
                    return null;
                }
                double[] ge = new double[vocab * d];
                for (int t = 0; t < rows; t++) {
                    int r = i * rows + t;
                    for (int j = 0; j < d; j++) {
                        ge[tok[r] * d + j] += g[r * d + j];
                    }
                }
                return new double[][] {ge};
            });
        }
    }
}
