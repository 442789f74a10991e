package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.edp4j.data.EncodedDataset;
import org.edp4j.nn.Batch;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

class TokenRowsTest {

    @Test
    void slicesAndLoadsTheRowsItWasGiven() {
        EncodedDataset d = EncodedDataset.of(3, 2, new int[] {1, 2, 0, 3, 0, 0, 4, 4, 4}, new int[] {2, 1, 3},
                new int[] {0, 1, 1});
        TokenRows all = TokenRows.of(d, 5);
        assertEquals(3, all.size());
        assertEquals(5, all.vocab());
        assertEquals(2, all.classes());
        TokenRows tail = all.slice(1, 2);
        assertEquals(2, tail.size());
        assertEquals(3, tail.token(0, 0));
        assertEquals(1, tail.label(1));
        try (Batch b = Batch.tokens(CpuBackend.instance(), 4, 3, 2)) {
            tail.loader(4).load(b, new int[] {9, 1, 0}, 1, 2);
            assertEquals(2, b.size());
            assertEquals(1, b.rowId(0), "row ids are the set's own");
            assertArrayEquals(new int[] {4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0}, b.tokens().toArray());
        }
    }

    @Test
    void sizesAreChecked() {
        assertEquals("tokens has 5 ids, expected 2 rows x 3", assertThrows(IllegalArgumentException.class,
                () -> new TokenRows(3, 4, 2, new int[5], new int[2])).getMessage());
        assertEquals("maxLen, vocab and classes must be >= 1, got 0, 4, 2", assertThrows(IllegalArgumentException.class,
                () -> new TokenRows(0, 4, 2, new int[0], new int[0])).getMessage());
        TokenRows r = new TokenRows(2, 4, 2, new int[4], new int[2]);
        assertEquals("rows [1, 3) are outside [0, 2)",
                assertThrows(IllegalArgumentException.class, () -> r.slice(1, 2)).getMessage());
        try (Batch b = Batch.tokens(CpuBackend.instance(), 2, 2, 2)) {
            assertThrows(IllegalArgumentException.class, () -> r.load(b, new int[] {2}, 1), "a row outside the set");
        }
    }
}
