package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link EmbeddingBag} is {@link Embedding} then {@link MaskedMeanPool} with the same table (the
 * same draws from the same generator): the same output bits and the same clipped sums on the CPU,
 * the same per-sample norms within float error. Its gradients against float64 per-example
 * autograd: {@code ModelGradientTest.bagModels} and {@link EmbeddingBagRuleTest}.
 */
class EmbeddingBagTest {
    static final Backend BE = CpuBackend.instance();

    @Test
    void isEmbeddingThenMaskedMeanPool() {
        int vocab = 50;
        int dim = 16;
        int seq = 12;
        int capacity = 9;
        SplittableRandom data = new SplittableRandom(7);
        int real = 8;
        int[] tok = new int[real * seq];
        int[] y = new int[real];
        for (int i = 0; i < real; i++) {
            int len = i == 3 ? 0 : 1 + data.nextInt(seq);
            for (int t = 0; t < len; t++) {
                tok[i * seq + t] = 1 + data.nextInt(6); // few distinct ids: repeats within a sample
            }
            y[i] = data.nextInt(2);
        }
        Batch batch = Batch.tokens(BE, capacity, seq, 2);
        batch.loadTokens(tok, y, java.util.stream.IntStream.range(0, real).toArray(), real, vocab);

        EmbeddingBag bag = new EmbeddingBag(BE, vocab, dim, 0.5f, new SplittableRandom(3));
        Embedding emb = new Embedding(BE, vocab, dim, 0.5f, new SplittableRandom(3));
        MaskedMeanPool pool = new MaskedMeanPool(BE);
        assertArrayEquals(emb.table().value().toArray(), bag.table().value().toArray(), "same initial table");

        Tensor out = bag.forward(null, batch);
        Tensor ref = pool.forward(emb.forward(null, batch), batch);
        assertArrayEquals(ref.toArray(), out.toArray(), "forward");

        float[] gv = new float[capacity * dim];
        for (int i = 0; i < gv.length; i++) {
            gv[i] = (float) data.nextGaussian();
        }
        Tensor g = BE.tensor(gv, capacity, dim);
        assertEquals(null, bag.backward(g, batch));
        emb.backward(pool.backward(g, batch), batch);

        Tensor bagNorms = BE.zeros(capacity);
        Tensor embNorms = BE.zeros(capacity);
        bag.addSquaredNorms(bagNorms);
        emb.addSquaredNorms(embNorms);
        float[] want = embNorms.toArray();
        float[] got = bagNorms.toArray();
        for (int i = 0; i < capacity; i++) {
            assertEquals(want[i], got[i], 1e-5 * Math.max(1e-3, want[i]), "squared norm of sample " + i);
        }
        assertEquals(0f, got[3], "a sample without tokens has no gradient");

        float[] c = new float[capacity];
        for (int i = 0; i < real; i++) {
            c[i] = (float) data.nextDouble();
        }
        Tensor factors = BE.tensor(c, capacity);
        for (float beta : new float[] {0f, 1f}) {
            bag.clippedSum(factors, beta);
            emb.clippedSum(factors, beta);
            assertArrayEquals(emb.table().grad().toArray(), bag.table().grad().toArray(), "clipped sum, beta " + beta);
        }
        assertEquals("EmbeddingBag(50 x 16, mean)", bag.describe());
    }

    @Test
    void badSizesAndDenseBatchesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EmbeddingBag(BE, 0, 4, 1f, new SplittableRandom(1)));
        assertEquals("EmbeddingBag sizes must be > 0, got vocab=0, dim=4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EmbeddingBag(BE, 3, 4, Float.NaN,
                new SplittableRandom(1)));
        assertEquals("std must be >= 0, got NaN", e.getMessage());
        EmbeddingBag bag = new EmbeddingBag(BE, 3, 4, 1f, new SplittableRandom(1));
        e = assertThrows(IllegalArgumentException.class, () -> bag.forward(null, Batch.dense(BE, 2, 4, 2)));
        assertEquals("EmbeddingBag needs a token batch", e.getMessage());
    }
}
