package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU embedding kernels: the clipped sum checks every id it will use before it changes the
 * table; the embedding bag's three kernels against a float64 reference on fresh random inputs
 * (repeated tokens, padding, all-padding samples, fractional mask weights, units of several
 * samples), and against the unfused pair they replace, bit for bit where they promise it.
 */
class CpuEmbeddingTest {
    static final CpuBackend BE = CpuBackend.instance();
    static final long SEED = Long.getLong("edp4j.test.seed", System.nanoTime());
    final Random rnd = new Random(SEED);

    @Test
    void aBadIdThrowsBeforeTheTableChanges() {
        float[] table = {1, 2, 3, 4, 5, 6};
        Tensor grad = BE.tensor(table, 3, 2);
        IntTensor ids = BE.intTensor(new int[] {0, 2, 3, 9}, 4); // 3 is out of range; 9 has factor 0
        Tensor scale = BE.tensor(new float[] {1, 1, 0.5f, 0}, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BE.embeddingScatterAddScaled(4, 2, 1, ids, BE.zeros(4, 2), scale, 0f, grad));
        assertEquals("token id 3 at position 2 is outside the vocabulary [0, 3)", e.getMessage());
        assertArrayEquals(table, grad.toArray(), "beta 0 has not cleared the table");
    }

    /** One random case: B samples of T positions, ids in a small vocabulary (so they repeat). */
    final class Bag {
        final int batch;
        final int seq;
        final int d;
        final int vocab;
        final int[] tok;
        final float[] mask;
        final float[] table;
        final float[] g;

        Bag(int batch, int seq, int d, int vocab, boolean fractional) {
            this.batch = batch;
            this.seq = seq;
            this.d = d;
            this.vocab = vocab;
            tok = new int[batch * seq];
            mask = new float[batch * seq];
            for (int r = 0; r < tok.length; r++) {
                tok[r] = rnd.nextInt(vocab);
                mask[r] = rnd.nextDouble() < 0.3 ? 0f : fractional ? 0.25f + rnd.nextFloat() : 1f;
            }
            if (batch > 1) {
                Arrays.fill(mask, seq, 2 * seq, 0f); // sample 1 is all padding
            }
            table = gaussian(vocab * d);
            g = gaussian(batch * d);
        }

        Tensor maskTensor() {
            return BE.tensor(mask, batch, seq);
        }

        IntTensor tokTensor() {
            return BE.intTensor(tok, batch, seq);
        }

        /** {@code w_bt = m_bt / max(1, sum_t m_bt)} in float64. */
        double weight(int b, int t) {
            double c = 0;
            for (int s = 0; s < seq; s++) {
                c += mask[b * seq + s];
            }
            return mask[b * seq + t] / Math.max(1, c);
        }
    }

    float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static void close(String what, double[] ref, float[] got, double rel) {
        assertEquals(ref.length, got.length, what + ": length");
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < ref.length; i++) {
            double tol = rel * (Math.abs(ref[i]) + scale) + 1e-30;
            if (!(Math.abs(ref[i] - got[i]) <= tol)) {
                throw new AssertionError(what + " [" + i + "]: float64 reference " + ref[i] + ", got " + got[i]
                        + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void bagMeanIsTheFloat64MeanAndTheLookupThenPoolBitForBit() {
        for (int[] cs : new int[][] {{7, 11, 5, 6}, {16, 64, 128, 300}, {1, 1, 1, 2}, {0, 4, 3, 5}, {3, 1, 9, 4}}) {
            for (boolean fractional : new boolean[] {false, true}) {
                Bag c = new Bag(cs[0], cs[1], cs[2], cs[3], fractional);
                String what = "bagMean " + Arrays.toString(cs) + (fractional ? " fractional mask" : "");
                Tensor out = BE.tensor(gaussian(c.batch * c.d), c.batch, c.d); // overwritten
                BE.embeddingBagMean(c.batch, c.seq, c.d, BE.tensor(c.table, c.vocab, c.d), c.tokTensor(),
                        c.maskTensor(), out);
                double[] ref = new double[c.batch * c.d];
                for (int b = 0; b < c.batch; b++) {
                    for (int t = 0; t < c.seq; t++) {
                        double w = c.weight(b, t);
                        for (int j = 0; j < c.d; j++) {
                            ref[b * c.d + j] += w * c.table[c.tok[b * c.seq + t] * c.d + j];
                        }
                    }
                }
                close(what, ref, out.toArray(), 1e-5);
                Tensor rows = BE.zeros(c.batch * c.seq, c.d);
                Tensor pooled = BE.zeros(c.batch, c.d);
                BE.embeddingLookup(c.batch * c.seq, c.d, BE.tensor(c.table, c.vocab, c.d), c.tokTensor(), rows);
                BE.maskedMeanPool(c.batch, c.seq, c.d, rows, c.maskTensor(), pooled);
                assertArrayEquals(pooled.toArray(), out.toArray(), what + ": not the unfused pair's bits");
            }
        }
    }

    @Test
    void bagScatterAddIsTheFloat64SumAndThePoolBackwardThenScatterBitForBit() {
        // B, T, d, vocab, k, poisoned; {128, 64, 64, 3000}: past CpuEmbedding.SPLIT_WORK, the threads split the rows
        for (int[] cs : new int[][] {{8, 11, 5, 6, 1, 1}, {12, 40, 64, 200, 3, 1}, {1, 1, 1, 2, 1, 1}, {0, 3, 2, 4, 1, 1},
                {128, 64, 64, 3000, 2, 0}}) {
            int k = cs[4];
            assertEquals(cs[0] == 128, (long) cs[3] * cs[2] + (long) cs[0] * cs[1] * cs[2] >= CpuEmbedding.SPLIT_WORK);
            Bag c = new Bag(cs[0], cs[1], cs[2], cs[3], true);
            float[] scale = new float[c.batch / k];
            for (int u = 0; u < scale.length; u++) {
                scale[u] = u % 3 == 2 ? 0f : rnd.nextFloat();
            }
            boolean poisoned = cs[5] == 1 && scale.length > 2;
            if (poisoned) { // a unit with factor 0 may hold NaN gradients and bad ids: neither is read
                Arrays.fill(c.g, 2 * k * c.d, 3 * k * c.d, Float.NaN);
                Arrays.fill(c.tok, 2 * k * c.seq, 3 * k * c.seq, -7);
            }
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                String what = "bagScatterAddScaled " + Arrays.toString(cs) + " beta " + beta;
                float[] start = gaussian(c.vocab * c.d);
                Tensor grad = BE.tensor(start, c.vocab, c.d);
                BE.embeddingBagScatterAddScaled(c.batch, c.seq, c.d, k, c.tokTensor(), c.maskTensor(),
                        BE.tensor(c.g, c.batch, c.d), BE.tensor(scale, scale.length), beta, grad);
                double[] ref = new double[c.vocab * c.d];
                for (int i = 0; i < ref.length; i++) {
                    ref[i] = beta * (double) start[i];
                }
                for (int b = 0; b < c.batch; b++) {
                    double f = scale[b / k];
                    for (int t = 0; f != 0 && t < c.seq; t++) {
                        double w = c.weight(b, t);
                        for (int j = 0; w != 0 && j < c.d; j++) {
                            ref[c.tok[b * c.seq + t] * c.d + j] += f * w * c.g[b * c.d + j];
                        }
                    }
                }
                close(what, ref, grad.toArray(), 1e-5);
                if (!poisoned) { // the unfused pair reads the ids of padding positions, and multiplies NaN by 0
                    Tensor rows = BE.zeros(c.batch * c.seq, c.d);
                    BE.maskedMeanPoolBackward(c.batch, c.seq, c.d, BE.tensor(c.g, c.batch, c.d), c.maskTensor(), rows);
                    Tensor unfused = BE.tensor(start, c.vocab, c.d);
                    BE.embeddingScatterAddScaled(c.batch * c.seq, c.d, k * c.seq, c.tokTensor(), rows,
                            BE.tensor(scale, scale.length), beta, unfused);
                    assertArrayEquals(unfused.toArray(), grad.toArray(), what + ": not the unfused pair's bits");
                }
            }
        }
    }

    @Test
    void bagNormsAreTheFloat64NormsForOneOrSeveralSamplesPerUnit() {
        for (int[] cs : new int[][] {{8, 11, 5, 4, 1}, {12, 40, 64, 30, 1}, {12, 40, 64, 30, 3}, {6, 7, 3, 2, 6},
                {1, 1, 1, 2, 1}, {0, 3, 2, 4, 1}}) {
            int k = cs[4];
            for (boolean fractional : new boolean[] {false, true}) {
                Bag c = new Bag(cs[0], cs[1], cs[2], cs[3], fractional);
                String what = "bagNorms " + Arrays.toString(cs) + (fractional ? " fractional mask" : "");
                int units = c.batch / k;
                Tensor out = BE.zeros(units);
                float[] before = gaussian(units);
                for (int u = 0; u < units; u++) {
                    before[u] = Math.abs(before[u]);
                }
                out.copyFrom(before);
                BE.embeddingBagNorms(units, k, c.seq, c.d, c.tokTensor(), c.maskTensor(),
                        BE.tensor(c.g, c.batch, c.d), out);
                double[] ref = new double[units];
                for (int u = 0; u < units; u++) {
                    double[] unitGrad = new double[c.vocab * c.d];
                    for (int b = u * k; b < (u + 1) * k; b++) {
                        for (int t = 0; t < c.seq; t++) {
                            double w = c.weight(b, t);
                            for (int j = 0; j < c.d; j++) {
                                unitGrad[c.tok[b * c.seq + t] * c.d + j] += w * c.g[b * c.d + j];
                            }
                        }
                    }
                    double sq = 0;
                    for (double v : unitGrad) {
                        sq += v * v;
                    }
                    ref[u] = before[u] + sq;
                }
                close(what, ref, out.toArray(), 1e-5);
            }
        }
    }

    @Test
    void bagNormsPassNaNOnAndSkipPaddingIds() {
        // sample 0: ids 1, 1, padding with an id the vocabulary does not have; sample 1: NaN gradient
        IntTensor tok = BE.intTensor(new int[] {1, 1, 999, 2, 3, 0}, 2, 3);
        Tensor mask = BE.tensor(new float[] {1, 1, 0, 1, 1, 0}, 2, 3);
        Tensor g = BE.tensor(new float[] {3, 4, Float.NaN, 1}, 2, 2);
        Tensor out = BE.zeros(2);
        BE.embeddingBagNorms(2, 1, 3, 2, tok, mask, g, out);
        assertEquals(25f, out.toArray()[0], 0f, "token 1 twice at weight 1/2: the whole g, norm 5");
        assertEquals(Float.NaN, out.toArray()[1]);
    }

    @Test
    void aBadIdThrowsBeforeTheBagsOutputOrTableChange() {
        float[] start = {1, 2, 3, 4, 5, 6};
        Tensor table = BE.tensor(start, 3, 2);
        IntTensor tok = BE.intTensor(new int[] {0, 2, 1, 3}, 2, 2); // 3 is out of range, at position 3
        Tensor mask = BE.tensor(new float[] {1, 1, 1, 1}, 2, 2);
        Tensor out = BE.tensor(new float[] {9, 9, 9, 9}, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BE.embeddingBagMean(2, 2, 2, table, tok, mask, out));
        assertEquals("token id 3 at position 3 is outside the vocabulary [0, 3)", e.getMessage());
        assertArrayEquals(new float[] {9, 9, 9, 9}, out.toArray(), "out changed before the throw");
        e = assertThrows(IllegalArgumentException.class, () -> BE.embeddingBagScatterAddScaled(2, 2, 2, 1, tok, mask,
                BE.zeros(2, 2), BE.tensor(new float[] {1, 1}, 2), 0f, table));
        assertEquals("token id 3 at position 3 is outside the vocabulary [0, 3)", e.getMessage());
        assertArrayEquals(start, table.toArray(), "beta 0 has cleared the table before the throw");
    }
}
