package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    /** Per-example losses over several batches (the last one partial) equal logsumexp(z) - z[y] in float64. */
    @Test
    void lossesMatchTheFloat64CrossEntropyOfTheLogits() {
        CpuBackend be = CpuBackend.instance();
        SplittableRandom rng = new SplittableRandom(7);
        int n = 11;
        int t = 5;
        int vocab = 20;
        int[] tok = new int[n * t];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int len = 1 + rng.nextInt(t);
            for (int p = 0; p < len; p++) {
                tok[i * t + p] = 1 + rng.nextInt(vocab - 1);
            }
            y[i] = rng.nextInt(3);
        }
        Sequential model = Models.bag(be, new SplittableRandom(1), vocab, 4, 6, 3);
        try (Batch batch = Batch.tokens(be, 4, t, 3); Batch one = Batch.tokens(be, 1, t, 3)) {
            BatchLoader loader = (b, rows, from, count) -> b.loadTokens(tok, y, java.util.Arrays.copyOfRange(rows, from,
                    from + count), count, vocab);
            double[] losses = Evaluation.losses(model, batch, loader, y);
            assertEquals(n, losses.length);
            for (int i = 0; i < n; i++) {
                one.loadTokens(tok, y, new int[] {i}, 1, vocab);
                float[] z = model.forward(one).toArray();
                double max = Math.max(z[0], Math.max(z[1], z[2]));
                double lse = max + Math.log(Math.exp(z[0] - max) + Math.exp(z[1] - max) + Math.exp(z[2] - max));
                assertEquals(lse - z[y[i]], losses[i], 1e-5, "example " + i);
            }
            assertEquals(0, Evaluation.losses(model, batch, loader, new int[0]).length);
        }
    }

    /** A confident prediction keeps a distinct, accurate tiny loss (float32 would give 0 or a few ulps). */
    @Test
    void tinyLossesStayDistinct() {
        float[] z = {30f, 0f, -5f, 10f, 30f, 1f};
        double a = Evaluation.crossEntropy(z, 0, 2, 0);
        assertEquals(Math.exp(-30), a, 1e-25);
        assertEquals(Math.log1p(Math.exp(15)), Evaluation.crossEntropy(z, 2, 2, 0), 1e-12);
        assertEquals(Math.log1p(Math.exp(-20)), Evaluation.crossEntropy(z, 3, 2, 1), 1e-22);
        assertTrue(Evaluation.crossEntropy(z, 4, 2, 0) != a);
    }
}
