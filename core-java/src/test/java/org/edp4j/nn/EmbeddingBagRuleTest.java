package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.TestBackends;
import org.edp4j.testkit.PerSampleRuleChecker;

/**
 * {@link EmbeddingBagRule} against the float64 per-example gradient (row v of the table gets
 * {@code sum_{t: tok_t = v} w_t g_i}, {@code w_t = mask_t / max(1, sum mask)}), on every backend:
 * repeated tokens (a vocabulary of 1-6), padding positions (some with ids outside the vocabulary,
 * which are never read), all-padding samples, fractional mask weights, B = 0 and 1, masked samples
 * whose gradients are NaN; privacy units of 1-3 samples, some repeating or cancelling their first
 * sample.
 */
class EmbeddingBagRuleTest {

    @Property(tries = 60)
    void normsAndClippedSumsMatchTheFloat64Reference(@ForAll @IntRange(min = 0, max = 5) int units,
                                                     @ForAll @IntRange(min = 1, max = 3) int rowsPerUnit,
                                                     @ForAll @IntRange(min = 1, max = 9) int seq,
                                                     @ForAll @IntRange(min = 1, max = 6) int vocab,
                                                     @ForAll @IntRange(min = 1, max = 9) int d,
                                                     @ForAll boolean fractional, @ForAll long seed) {
        int batch = units * rowsPerUnit;
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean[] masked = RuleInputs.masks(rng, units, rowsPerUnit);
            RuleInputs.Relation[] related = RuleInputs.relations(rng, units, rowsPerUnit);
            float[] g = RuleInputs.rows(rng, batch, 1, d, masked);
            int[] tok = rng.ints(batch * seq, 0, vocab).toArray();
            float[] mask = new float[batch * seq];
            for (int r = 0; r < mask.length; r++) {
                mask[r] = rng.nextInt(4) == 0 ? 0f : fractional ? (float) (0.25 + rng.nextDouble()) : 1f;
                if (mask[r] == 0f && be instanceof CpuBackend && rng.nextBoolean()) {
                    tok[r] = vocab + 100; // padding's id is not read (the CPU's fused kernels)
                }
            }
            RuleInputs.relate(g, related, rowsPerUnit, d, true);
            RuleInputs.relate(tok, related, rowsPerUnit, seq);
            RuleInputs.relate(mask, related, rowsPerUnit, seq, false);
            Parameter table = RuleInputs.parameter(be, rng, "table", vocab, d);
            EmbeddingBagRule rule = new EmbeddingBagRule(table);
            rule.inputs(be.intTensor(tok, batch, seq), be.tensor(mask, batch, seq), be.tensor(g, batch, d));
            PerSampleRuleChecker.check(rule, batch, rowsPerUnit, i -> {
                if (masked[i]) {
                    return null;
                }
                double count = 0;
                for (int t = 0; t < seq; t++) {
                    count += mask[i * seq + t];
                }
                double[] ge = new double[vocab * d];
                for (int t = 0; t < seq; t++) {
                    double w = mask[i * seq + t] / Math.max(1, count);
                    for (int j = 0; w != 0 && j < d; j++) {
                        ge[tok[i * seq + t] * d + j] += w * g[i * d + j];
                    }
                }
                return new double[][] {ge};
            });
        }
    }

    @Example
    void inputsOfTheWrongShapeAreRefusedNamingWhich() {
        Backend be = CpuBackend.instance();
        EmbeddingBagRule rule = new EmbeddingBagRule(RuleInputs.parameter(be, new SplittableRandom(1), "table", 5, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule.inputs(be.intZeros(2, 4), be.zeros(2, 4), be.zeros(2, 4, 3)));
        assertEquals("EmbeddingBagRule(5 x 3): 'g' must be [B, 3], got [2, 4, 3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> rule.inputs(be.intZeros(3, 4), be.zeros(3, 4), be.zeros(2, 3)));
        assertEquals("EmbeddingBagRule(5 x 3): tokens must be [B, T] for gradients [2, 3], got [3, 4]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> rule.inputs(be.intZeros(2, 4), be.zeros(2, 5), be.zeros(2, 3)));
        assertEquals("EmbeddingBagRule(5 x 3): mask must be [2, 4] as the tokens, got [2, 5]", e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> rule.addSquaredNorms(be.zeros(2)));
        assertEquals("EmbeddingBagRule(5 x 3): no inputs yet; call inputs(...) after the backward pass",
                s.getMessage());
    }
}
