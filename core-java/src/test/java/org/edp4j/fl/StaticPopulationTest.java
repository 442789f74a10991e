package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StaticPopulationTest {
    @Test
    void everyDeviceHoldsItsWholePartitionEveryRound() {
        Partition p = Partition.of(new int[][] {{4, 2}, {}, {7}});
        StaticPopulation pop = new StaticPopulation(p);
        int[] dst = new int[pop.maxHeld()];
        for (int t = 0; t < 3; t++) {
            pop.beginRound(t);
            assertEquals(2, pop.held(0, dst));
            assertArrayEquals(new int[] {4, 2}, Arrays.copyOf(dst, 2));
            assertEquals(0, pop.heldCount(1));
            assertEquals(1, pop.heldCount(2));
        }
        assertEquals("rounds must come in order: expected round 3, got 5",
                assertThrows(IllegalArgumentException.class, () -> pop.beginRound(5)).getMessage());
    }
}
