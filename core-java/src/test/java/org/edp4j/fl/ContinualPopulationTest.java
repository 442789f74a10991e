package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContinualPopulationTest {
    /** Streams of length 0, 1, 7 and 40 over 5 delivery rounds, storage 6. */
    static final Partition STREAMS = Partition.of(new int[][] {{}, {100}, {0, 1, 2, 3, 4, 5, 6},
        java.util.stream.IntStream.range(200, 240).toArray()});

    @Test
    void deliversAtASteadyRateAndKeepsTheNewestK() {
        int k = 6;
        int rounds = 5;
        ContinualPopulation pop = new ContinualPopulation(STREAMS, k, rounds);
        int[] dst = new int[pop.maxHeld()];
        for (int t = 0; t < rounds + 3; t++) {
            pop.beginRound(t);
            for (int d = 0; d < STREAMS.deviceCount(); d++) {
                int len = STREAMS.size(d);
                long due = t >= rounds - 1 ? len : ((long) len * (t + 1) + rounds - 1) / rounds;
                int expected = (int) Math.min(k, due);
                int n = pop.held(d, dst);
                assertEquals(expected, n, "device " + d + " round " + t);
                assertTrue(n <= k, "storage bound");
                assertEquals(n, pop.heldCount(d));
                int[] newest = Arrays.copyOfRange(STREAMS.examples(d), (int) due - n, (int) due);
                assertArrayEquals(newest, Arrays.copyOf(dst, n), "the newest " + n + " examples, oldest first");
                // The stateless form an engine uses: stream positions [firstHeld, delivered).
                assertEquals(due, ContinualPopulation.delivered(len, t, rounds));
                assertEquals(due - n, ContinualPopulation.firstHeld(len, t, k, rounds));
                if (len > 0) {
                    assertTrue(n >= 1, "a device with a stream holds something from round 0");
                }
            }
        }
        assertEquals(6, pop.maxHeld());
        assertEquals(6, pop.storageCapacity());
    }

    @Test
    void roundsMustComeInOrder() {
        ContinualPopulation pop = new ContinualPopulation(STREAMS, 3, 5);
        pop.beginRound(0);
        assertEquals("rounds must come in order: expected round 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> pop.beginRound(0)).getMessage());
        assertEquals("delivery rounds must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new ContinualPopulation(STREAMS, 3, 0)).getMessage());
    }
}
