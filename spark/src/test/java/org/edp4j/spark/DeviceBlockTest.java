package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DeviceBlockTest {

    @Test
    void devicesAreRangesOfTheExamples() {
        DeviceBlock b = new DeviceBlock(10, new int[] {0, 2, 2, 5}, new int[] {7, 8, 1, 2, 3}, null);
        assertEquals(10, b.firstDevice());
        assertEquals(3, b.count());
        assertEquals(2, b.streamLength(0));
        assertEquals(0, b.streamLength(1), "an empty device");
        assertEquals(3, b.streamLength(2));
        assertEquals(8, b.example(0, 1));
        assertEquals(3, b.example(2, 2));
        assertNull(b.rows(), "examples of the shared corpus");
    }

    @Test
    void offsetsMustAscendFromZeroToTheExamples() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceBlock(0, new int[] {1, 2}, new int[2], null));
        assertThrows(IllegalArgumentException.class, () -> new DeviceBlock(0, new int[] {0, 3}, new int[2], null));
        assertThrows(IllegalArgumentException.class, () -> new DeviceBlock(-1, new int[] {0}, new int[0], null));
        assertEquals("offsets must ascend, got 2 before 1", assertThrows(IllegalArgumentException.class,
                () -> new DeviceBlock(0, new int[] {0, 2, 1, 2}, new int[2], null)).getMessage());
    }
}
