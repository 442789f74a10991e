package org.edp4j.nn;

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
