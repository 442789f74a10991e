package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Model builders: sizes whose product overflows an int are refused by name, before any allocation. */
class ModelsTest {

    @Test
    void bagHasTheDocumentedParameterCount() {
        Sequential m = Models.bag(CpuBackend.instance(), new SplittableRandom(1), 100, 8, 4, 2);
        assertEquals(100 * 8 + 8 * 4 + 4 + 4 * 2 + 2, m.parameterCount());
    }

    /**
     * {@code vocab * dim} over 2^31 - 1 wrapped around in int arithmetic: a negative array size
     * (50000^2), an empty table (65536^2 = 2^32), or a table of the wrong size (70000^2).
     */
    @ParameterizedTest
    @CsvSource({"50000, 50000", "65536, 65536", "70000, 70000", "2147483647, 2"})
    void bagWithAnEmbeddingOverTheTensorLimitIsRefused(int vocab, int dim) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.bag(CpuBackend.instance(), new SplittableRandom(1), vocab, dim, 4, 2));
        assertTrue(e.getMessage().startsWith("embedding table [vocab, dim] = [" + vocab + ", " + dim + "] would hold "
                + (long) vocab * dim + " values, more than 2^31 - 1"), e.getMessage());
    }

    @Test
    void linearAndPositionEmbeddingOverTheLimitAreRefused() {
        SplittableRandom rng = new SplittableRandom(1);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Linear(CpuBackend.instance(), 65536, 65536, true, rng)).getMessage()
                .startsWith("Linear weight [in, out] = [65536, 65536]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new PositionEmbedding(CpuBackend.instance(), 65536, 65536, 0.01f, rng)).getMessage()
                .startsWith("position embedding [maxLen, dim] = [65536, 65536]"));
    }
}
