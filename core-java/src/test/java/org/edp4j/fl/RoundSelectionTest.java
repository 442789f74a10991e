package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.edp4j.dp.noise.GaussianNoise;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RoundSelectionTest {

    /**
     * Every device's coin is its own: selecting range by range, with ranges cut at random places
     * (not at ChaCha20 block boundaries), gives exactly the devices one machine selects, which are
     * those of {@link DeviceSampler#sample} with the selection's probabilities.
     */
    @RepeatedTest(20)
    void rangesSelectWhatOneMachineSelects(org.junit.jupiter.api.RepetitionInfo info) {
        SplittableRandom rng = new SplittableRandom(info.getCurrentRepetition());
        int n = 1 + rng.nextInt(3000);
        int[] counts = new int[n];
        for (int d = 0; d < n; d++) {
            counts[d] = rng.nextInt(4) == 0 ? 0 : rng.nextInt(30);
        }
        Population pop = ActivitySelectionTest.holding(counts);
        DeviceSelection sel = rng.nextBoolean() ? DeviceSelection.uniform(n, Math.max(1, n / 10.0))
                : DeviceSelection.activity(n, Math.max(1, n / 10.0), Math.min(1, 3.0 / 10));
        GaussianNoise coins = GaussianNoise.insecureSeeded(rng.nextLong());
        long round = rng.nextInt(1000);
        RoundSelection s = RoundSelection.poisson(sel.rule(pop), coins, pop);
        int[] all = s.devices(round);

        double[] p = new double[n];
        sel.probabilities(pop, p);
        int[] out = new int[n];
        assertArrayEquals(Arrays.copyOf(out, new DeviceSampler(coins, n).sample(round, p, out)), all);

        int[] joined = new int[n];
        int total = 0;
        for (int first = 0; first < n; ) {
            int len = Math.min(n - first, 1 + rng.nextInt(200));
            int[] held = Arrays.copyOfRange(counts, first, first + len);
            int[] part = new int[len];
            int c = s.select(round, first, held, len, part);
            System.arraycopy(part, 0, joined, total, c);
            total += c;
            first += len;
        }
        assertArrayEquals(all, Arrays.copyOf(joined, total));
    }

    @Test
    void aFixedListIsItsOwnSelectionInEveryRange() {
        RoundSelection s = RoundSelection.of(2, 5, 9, 10);
        assertArrayEquals(new int[] {2, 5, 9, 10}, s.devices(7));
        int[] out = new int[8];
        assertEquals(2, s.select(0, 5, new int[5], 5, out));
        assertArrayEquals(new int[] {5, 9}, Arrays.copyOf(out, 2));
        assertEquals(0, s.select(0, 11, new int[3], 3, out));
        assertEquals("devices must be distinct and ascending, got 4 before 4",
                assertThrows(IllegalArgumentException.class, () -> RoundSelection.of(1, 4, 4)).getMessage());
        assertEquals("devices must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> RoundSelection.of(-1)).getMessage());
    }
}
