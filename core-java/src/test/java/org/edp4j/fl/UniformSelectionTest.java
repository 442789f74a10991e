package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UniformSelectionTest {
    @Test
    void everyDeviceAtKOverN() {
        DeviceSelection s = DeviceSelection.uniform(5, 2);
        double[] p = new double[5];
        s.probabilities(ActivitySelectionTest.holding(new int[] {0, 1, 2, 3, 4}), p);
        for (double x : p) {
            assertEquals(0.4, x, 0);
        }
        assertEquals(0.4, s.accountingRate(), 0);
        assertEquals(2, s.expectedParticipants(), 0);
        assertEquals("expected devices per round must be in (0, 5] (the number of devices), got 6.0",
                assertThrows(IllegalArgumentException.class, () -> DeviceSelection.uniform(5, 6)).getMessage());
        assertEquals("selection is for 5 devices, the population has 2", assertThrows(IllegalArgumentException.class,
                () -> s.probabilities(ActivitySelectionTest.holding(new int[] {1, 1}), p)).getMessage());
    }
}
