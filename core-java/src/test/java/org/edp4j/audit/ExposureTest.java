package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExposureTest {

    static final double LOG2_10000 = Math.log(10000) / Math.log(2);

    @Test
    void strictlyLowestIsExtracted() {
        double[] others = new double[9999];
        java.util.Arrays.fill(others, 1.0);
        Exposure e = Exposure.of(0.5, others);
        assertEquals(1.0, e.rank());
        assertEquals(10000, e.candidates());
        assertTrue(e.extracted());
        assertEquals(LOG2_10000, e.exposure(), 1e-12);
    }

    @Test
    void tiesCountHalf() {
        double[] others = new double[9999];
        java.util.Arrays.fill(others, 1.0);
        // Everything tied: expected position under random tie-breaking, (|C| + 1) / 2.
        Exposure all = Exposure.of(1.0, others);
        assertEquals(5000.5, all.rank());
        assertFalse(all.extracted());
        assertEquals(LOG2_10000 - Math.log(5000.5) / Math.log(2), all.exposure(), 1e-12);
        // Two lower, three tied: 1 + 2 + 3/2.
        Exposure some = Exposure.of(2.0, new double[] {1, 1.5, 2, 2, 2, 3, 4});
        assertEquals(4.5, some.rank());
        assertEquals(8, some.candidates());
        // One tie at the top: rank 1.5, not extracted.
        assertEquals(1.5, Exposure.of(0.0, new double[] {0.0, 1.0}).rank());
        assertFalse(Exposure.of(0.0, new double[] {0.0, 1.0}).extracted());
    }

    @Test
    void worstRankHasZeroExposure() {
        Exposure e = Exposure.of(9, new double[] {1, 2, 3});
        assertEquals(4.0, e.rank());
        assertEquals(0.0, e.exposure(), 1e-15);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Exposure.of(Double.NaN, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Exposure.of(1, new double[] {Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> new Exposure(0.5, 10));
        assertThrows(IllegalArgumentException.class, () -> new Exposure(11, 10));
        assertThrows(IllegalArgumentException.class, () -> new Exposure(1, 0));
    }
}
