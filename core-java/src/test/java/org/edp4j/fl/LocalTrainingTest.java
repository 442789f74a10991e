package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalTrainingTest {
    @Test
    void seedsAreStableAndDistinctPerRoundAndDevice() {
        LocalTraining l = new LocalTraining(1, 1, 0.1, 7);
        Set<Long> seen = new HashSet<>();
        for (long t = 0; t < 50; t++) {
            for (int d = 0; d < 50; d++) {
                assertTrue(seen.add(l.seedFor(t, d)), "round " + t + " device " + d);
            }
        }
        assertEquals(l.seedFor(3, 4), new LocalTraining(2, 5, 1, 7).seedFor(3, 4));
        assertTrue(l.seedFor(3, 4) != new LocalTraining(1, 1, 0.1, 8).seedFor(3, 4));
    }

    @Test
    void refusesOutOfRangeFields() {
        assertEquals("local epochs must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new LocalTraining(0, 1, 1, 0)).getMessage());
        assertEquals("local batch size must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new LocalTraining(1, 0, 1, 0)).getMessage());
        assertEquals("local learning rate must be > 0 and finite, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new LocalTraining(1, 1, Double.NaN, 0)).getMessage());
    }
}
