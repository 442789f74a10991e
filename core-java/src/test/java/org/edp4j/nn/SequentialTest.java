package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A layer or parameter used twice (one layer in two places, weight tying) would get per-use
 * norms instead of the norm of the summed gradient, and each use's clipped sum would overwrite
 * the other's: the sensitivity would be wrong without a sign. Sequential refuses it at build time.
 */
class SequentialTest {
    private final Backend be = CpuBackend.instance();
    private final SplittableRandom rng = new SplittableRandom(1);

    @Test
    void aLayerUsedTwiceIsRefused() {
        Linear square = new Linear(be, 4, 4, true, rng);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sequential.of(be, square, ActivationLayer.tanh(be), square));
        assertEquals("layer Linear(4 -> 4) appears twice in the model (positions 0 and 2); edp4j does not support "
                + "shared layers or parameters: per-sample norms would be taken per use instead of on the summed "
                + "gradient, so the clipping bound and the noise would not match the sensitivity", e.getMessage());
    }

    @Test
    void aLayerUsedTwiceInsideResidualBlocksIsRefused() {
        Linear inner = new Linear(be, 4, 4, true, rng);
        assertThrows(IllegalArgumentException.class, () -> Sequential.of(be,
                Residual.of(be, inner), Residual.of(be, ActivationLayer.gelu(be), inner)));
    }

    @Test
    void aParameterSharedByTwoLayersIsRefused() {
        Embedding emb = new Embedding(be, 10, 4, 1f, rng);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.of(be,
                emb, new MaskedMeanPool(be), new TiedOutput(emb.table())));
        assertEquals("parameter table[10, 4] appears twice in the model (in Embedding(10 x 4) and in Tied(table[10, 4])); "
                + "edp4j does not support shared layers or parameters: per-sample norms would be taken per use instead "
                + "of on the summed gradient, so the clipping bound and the noise would not match the sensitivity",
                e.getMessage());
    }

    @Test
    void parameterFreeLayersMayNotRepeatEither() {
        // A parameter-free layer keeps its input for the backward pass: a second use overwrites it.
        ActivationLayer relu = ActivationLayer.relu(be);
        assertThrows(IllegalArgumentException.class,
                () -> Sequential.of(be, new Linear(be, 2, 2, true, rng), relu, new Linear(be, 2, 2, true, rng), relu));
    }

    @Test
    void onlyTheFirstLayerSkipsItsInputGradient() {
        Recording first = new Recording();
        Recording middle = new Recording();
        Sequential model = Sequential.of(be, first, new Linear(be, 3, 4, true, rng), middle,
                new Linear(be, 4, 2, true, rng));
        Batch batch = denseBatch(5, 3, 2);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(be);
        loss.forward(model.forward(batch), batch);
        model.backward(loss.gradient(), batch);
        assertEquals("0 backward, 1 without input gradient", first.calls());
        assertEquals("1 backward, 0 without input gradient", middle.calls());
    }

    /**
     * A Linear first layer that skips dL/d input gives the same per-sample norms and clipped sums,
     * bit for bit, as one whose full backward ran (the rule reads only its input and dL/d output).
     */
    @Test
    void aFirstLinearWithoutItsInputGradientKeepsItsNormsAndSums() {
        Batch batch = denseBatch(7, 6, 3);
        float[][] skipped = normsAndSums(batch, false);
        float[][] full = normsAndSums(batch, true);
        for (int i = 0; i < full.length; i++) {
            assertArrayEquals(full[i], skipped[i], "array " + i);
        }
    }

    /** Squared norms, then each parameter's clipped sum, of a fixed-seed MLP after one backward pass. */
    private float[][] normsAndSums(Batch batch, boolean fullBackward) {
        SplittableRandom seeded = new SplittableRandom(7);
        Sequential model = Models.mlp(be, seeded, 6, 5, 3);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(be);
        loss.forward(model.forward(batch), batch);
        if (fullBackward) {
            Tensor g = loss.gradient();
            for (int i = model.layers().size() - 1; i >= 0; i--) {
                g = model.layers().get(i).backward(g, batch);
            }
        } else {
            model.backward(loss.gradient(), batch);
        }
        int cap = batch.capacity();
        Tensor sq = be.zeros(cap);
        float[] factors = new float[cap];
        for (int i = 0; i < cap; i++) {
            factors[i] = 0.25f + i;
        }
        for (Layer l : model.layers()) {
            l.addSquaredNorms(sq);
            l.clippedSum(be.tensor(factors, cap), 0f);
        }
        List<Parameter> ps = model.parameters();
        float[][] out = new float[ps.size() + 1][];
        out[0] = sq.toArray();
        for (int p = 0; p < ps.size(); p++) {
            out[p + 1] = ps.get(p).grad().toArray();
        }
        return out;
    }

    /** A full batch of random dense rows and labels. */
    private Batch denseBatch(int rows, int features, int classes) {
        SplittableRandom data = new SplittableRandom(3);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) data.nextGaussian();
        }
        int[] y = new int[rows];
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = data.nextInt(classes);
            order[i] = i;
        }
        Batch batch = Batch.dense(be, rows, features, classes);
        batch.loadDense(x, y, order, rows);
        return batch;
    }

    /** A parameter-free identity layer that counts its two kinds of backward pass. */
    static final class Recording implements Layer {
        private int full;
        private int withoutInput;

        String calls() {
            return full + " backward, " + withoutInput + " without input gradient";
        }

        @Override
        public Tensor forward(Tensor input, Batch batch) {
            return input != null ? input : batch.features();
        }

        @Override
        public Tensor backward(Tensor gradOutput, Batch batch) {
            full++;
            return gradOutput;
        }

        @Override
        public void backwardWithoutInputGradient(Tensor gradOutput, Batch batch) {
            withoutInput++;
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }

        @Override
        public void addSquaredNorms(Tensor sqNorms) {
        }

        @Override
        public void clippedSum(Tensor factors, float beta) {
        }

        @Override
        public String describe() {
            return "Recording";
        }
    }

    /** A weight-tied output layer: logits = x E^T with E another layer's embedding table. */
    static final class TiedOutput implements Layer {
        private final Parameter table;

        TiedOutput(Parameter table) {
            this.table = table;
        }

        @Override
        public Tensor forward(Tensor input, Batch batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Tensor backward(Tensor gradOutput, Batch batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(table);
        }

        @Override
        public void addSquaredNorms(Tensor sqNorms) {
        }

        @Override
        public void clippedSum(Tensor factors, float beta) {
        }

        @Override
        public String describe() {
            return "Tied(" + table + ")";
        }
    }
}
