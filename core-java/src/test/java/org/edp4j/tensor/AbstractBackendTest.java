package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The checks of the validating base: the same message on every backend, before any kernel runs. */
class AbstractBackendTest {
    static List<Backend> backends() {
        return TestBackends.all();
    }

    private static void refused(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void wrongSizesAreRefusedNamingTheTensor(Backend be) {
        Tensor a = be.zeros(3, 4);
        Tensor b = be.zeros(4, 2);
        Tensor c = be.zeros(3, 3);
        float[] before = c.toArray();
        refused("tensor 'C' [3, 3] has 9 elements, expected 6", () -> be.gemm(false, false, 3, 2, 4, 1f, a, b, 0f, c));
        assertEquals(before.length, c.toArray().length);
        refused("tensor 'scale' [2] has 2 elements, expected 3",
                () -> be.columnSumScaled(3, 4, 1, a, be.zeros(2), 0f, be.zeros(4)));
        refused("rowsPerSample 2 must be > 0 and divide rows 3",
                () -> be.columnSumScaled(3, 4, 2, a, be.zeros(2), 0f, be.zeros(4)));
        refused("tensors 'x' [3, 4] and 'y' [4, 2] must have the same size", () -> be.axpy(1f, a, b));
        refused("copy: source [3, 4] and destination [4, 2] differ in size", () -> be.copy(a, b));
        refused("tensor 'table' [7] is not a [vocab, 2] matrix",
                () -> be.embeddingLookup(1, 2, be.zeros(7), be.intZeros(1), be.zeros(2)));
        refused("tensor 'mask' [2, 4] has 8 elements, expected 6",
                () -> be.embeddingBagMean(2, 3, 2, be.zeros(5, 2), be.intZeros(2, 3), be.zeros(2, 4), be.zeros(2, 2)));
        refused("rowsPerSample 2 must be > 0 and divide rows 3", () -> be.embeddingBagScatterAddScaled(3, 1, 2, 2,
                be.intZeros(3, 1), be.zeros(3, 1), be.zeros(3, 2), be.zeros(1), 0f, be.zeros(5, 2)));
        refused("embeddingBagNorms: rowsPerUnit must be > 0, got 0",
                () -> be.embeddingBagNorms(2, 0, 1, 2, be.intZeros(2), be.zeros(2), be.zeros(2, 2), be.zeros(2)));
        refused("tensor 'g' [2, 2] has 4 elements, expected 8",
                () -> be.embeddingBagNorms(2, 2, 1, 2, be.intZeros(4), be.zeros(4), be.zeros(2, 2), be.zeros(2)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void negativeSizesAndBadScalarsAreRefused(Backend be) {
        Tensor one = be.zeros(1);
        refused("gemm: sizes must be >= 0, got m=-1, n=-1, k=-1",
                () -> be.gemm(false, false, -1, -1, -1, 1f, one, one, 0f, one));
        refused("clipFactors: batch must be >= 0, got -1", () -> be.clipFactors(-1, one, one, 1f, 0f, false, one));
        refused("clip norm must be > 0 and finite, got 0.0", () -> be.clipFactors(1, one, one, 0f, 0f, false, one));
        refused("stabilizer must be >= 0 and finite, got NaN",
                () -> be.clipFactors(1, one, one, 1f, Float.NaN, false, one));
        refused("Adam step count t must be >= 1, got 0",
                () -> be.adamUpdate(one, one, UpdateNoise.NONE, 1f, 1f, 0.9f, 0.99f, 1e-8f, 0f, 0, one, one));
        refused("momentum 0.9 needs a velocity tensor",
                () -> be.sgdUpdate(one, one, UpdateNoise.NONE, 1f, 1f, 0.9f, 0f, null));
        refused("values has 3 elements, shape [2, 2] needs 4", () -> be.tensor(new float[3], 2, 2));
    }
}
