package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Loss} objects on a {@link Batch}: targets made from labels (one-hot, or the label
 * with one output) or taken from the caller's tensor, the sum over real rows only, a caller's own
 * per-sample loss. The kernels themselves are checked against float64 in BackendLossesTest.
 */
class LossTest {
    static List<Backend> backends() {
        return TestBackends.all();
    }

    static Batch batch(Backend be, int classes) {
        Batch b = Batch.dense(be, 4, 1, classes);
        b.loadDense(new float[] {0, 0, 0}, new int[] {1, 0, classes - 1}, new int[] {0, 1, 2}, 3); // row 3 padding
        return b;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void targetsFromLabelsAreOneHotOrTheLabel(Backend be) {
        float[] z = {0.5f, -1f, 2f, 0.25f, 9f, 9f, 9f, 9f, 9f, 9f, 9f, 9f};
        Batch three = batch(be, 3);
        MeanSquaredError mse = MeanSquaredError.fromLabels(be);
        double sum = mse.forward(be.tensor(z, 4, 3), three);
        float[] t = {0, 1, 0, 1, 0, 0, 0, 0, 1};
        double expected = 0;
        for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                s += (z[r * 3 + j] - t[r * 3 + j]) * (z[r * 3 + j] - t[r * 3 + j]);
            }
            assertEquals(s / 3, mse.perSampleLoss().toArray()[r], 1e-6 * s);
            expected += s / 3;
        }
        assertEquals(expected, sum, 1e-6 * expected, "padding row 3 is left out");
        assertEquals(0f, mse.perSampleLoss().toArray()[3]);

        Batch two = batch(be, 2);
        BinaryCrossEntropy bce = BinaryCrossEntropy.fromLabels(be);
        bce.forward(be.tensor(new float[] {0f, 0f, 0f, 5f}, 4, 1), two);
        float[] grad = bce.gradient().toArray();
        assertArrayEquals(new float[] {-0.5f, 0.5f, -0.5f, 0f}, grad, 1e-6f, "sigmoid(0) - label, padding 0");
        assertThrows(IllegalArgumentException.class, () -> bce.forward(be.tensor(new float[4], 4, 1), three),
                "one output needs two classes");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void callerTargetsAndCallerLosses(Backend be) {
        Batch b = batch(be, 2);
        float[] targets = {0.5f, 2f, -1f, 0f};
        MeanSquaredError mse = MeanSquaredError.withTargets(be, be.tensor(targets, 4, 1));
        double sum = mse.forward(be.tensor(new float[] {1f, 1f, 1f, 1f}, 4, 1), b);
        assertEquals(0.25 + 1 + 4, sum, 1e-6);
        assertThrows(IllegalArgumentException.class, () -> mse.forward(be.tensor(new float[8], 4, 2), b));

        CustomLoss custom = new CustomLoss(be, (out, batch, loss, grad) -> {
            loss.copyFrom(new float[] {1f, 2f, 3f, 1e9f}); // the padding row's value is ignored
            be.copy(out, grad);
        });
        assertEquals(6.0, custom.forward(be.tensor(new float[] {4, 5, 6, 7}, 4, 1), b));
        assertArrayEquals(new float[] {4, 5, 6, 7}, custom.gradient().toArray());
    }
}
