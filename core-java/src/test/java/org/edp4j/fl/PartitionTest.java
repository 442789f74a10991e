package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PartitionTest {
    @Test
    void ofCopiesAndCountsAndHistograms() {
        int[][] lists = {{3, 1}, {}, {0, 2, 4}};
        Partition p = Partition.of(lists);
        lists[0][0] = 99;
        assertEquals(3, p.deviceCount());
        assertArrayEquals(new int[] {3, 1}, p.examples(0), "copied on the way in");
        p.examples(0)[0] = 42;
        assertEquals(3, p.example(0, 0), "copied on the way out");
        assertArrayEquals(new int[] {2, 0, 3}, p.sizes());
        assertEquals(5, p.totalExamples());
        assertEquals(3, p.largestDevice());
        int[] labels = {0, 1, 1, 0, 1};
        assertArrayEquals(new int[] {1, 2}, p.labelHistogram(2, labels, 2));
        assertEquals("label 1 of example 1 is outside [0, 1)",
                assertThrows(IllegalArgumentException.class, () -> p.labelHistogram(0, labels, 1)).getMessage());
    }

    @Test
    void refusesNoDeviceAndNegativeIndices() {
        assertEquals("a partition needs at least one device, got 0",
                assertThrows(IllegalArgumentException.class, () -> Partition.of(new int[0][])).getMessage());
        assertEquals("example indices must be >= 0, got -1 on device 1", assertThrows(IllegalArgumentException.class,
                () -> Partition.of(new int[][] {{0}, {-1}})).getMessage());
    }
}
