package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The CPU embedding clipped sum checks every id it will use before it changes the table. */
class CpuEmbeddingTest {

    @Test
    void aBadIdThrowsBeforeTheTableChanges() {
        CpuBackend be = CpuBackend.instance();
        float[] table = {1, 2, 3, 4, 5, 6};
        Tensor grad = be.tensor(table, 3, 2);
        IntTensor ids = be.intTensor(new int[] {0, 2, 3, 9}, 4); // 3 is out of range; 9 has factor 0
        Tensor scale = be.tensor(new float[] {1, 1, 0.5f, 0}, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.embeddingScatterAddScaled(4, 2, 1, ids, be.zeros(4, 2), scale, 0f, grad));
        assertEquals("token id 3 at position 2 is outside the vocabulary [0, 3)", e.getMessage());
        assertArrayEquals(table, grad.toArray(), "beta 0 has not cleared the table");
    }
}
