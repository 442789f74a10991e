package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClopperPearsonTest {

    @Test
    void closedFormsAtTheEnds() {
        // k = 0: upper = 1 - alpha^(1/n); k = n: lower = alpha^(1/n).
        for (int n : new int[] {1, 10, 590, 1180}) {
            assertEquals(1 - Math.pow(0.05, 1.0 / n), ClopperPearson.upper(0, n, 0.05), 1e-13);
            assertEquals(Math.pow(0.05, 1.0 / n), ClopperPearson.lower(n, n, 0.05), 1e-13);
            assertEquals(0.0, ClopperPearson.lower(0, n, 0.05));
            assertEquals(1.0, ClopperPearson.upper(n, n, 0.05));
        }
    }

    /** Two-sided 95% interval of 5 in 10: (0.18708602844739855, 0.8129139715526015), scipy 1.17.1. */
    @Test
    void knownInterval() {
        assertEquals(0.18708602844739855, ClopperPearson.lower(5, 10, 0.025), 1e-12);
        assertEquals(0.8129139715526015, ClopperPearson.upper(5, 10, 0.025), 1e-12);
    }

    /** Coverage: for p = 0.3 and n = 40, the one-sided bounds fail at most alpha of the time. */
    @Test
    void coversAtLeastTheStatedLevel() {
        SplittableRandom rng = new SplittableRandom(3);
        int trials = 4000;
        int lowFails = 0;
        int highFails = 0;
        for (int t = 0; t < trials; t++) {
            int k = 0;
            for (int i = 0; i < 40; i++) {
                k += rng.nextDouble() < 0.3 ? 1 : 0;
            }
            lowFails += ClopperPearson.lower(k, 40, 0.05) > 0.3 ? 1 : 0;
            highFails += ClopperPearson.upper(k, 40, 0.05) < 0.3 ? 1 : 0;
        }
        assertTrue(lowFails <= 0.05 * trials + 3 * Math.sqrt(0.05 * trials), "lower failed " + lowFails);
        assertTrue(highFails <= 0.05 * trials + 3 * Math.sqrt(0.05 * trials), "upper failed " + highFails);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(1, 0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(-1, 5, 0.05));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.upper(6, 5, 0.05));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.upper(1, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.upper(1, 5, 1));
    }
}
