package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ActivitySelectionTest {
    /** A population whose devices hold {@code counts[d]} examples. */
    static Population holding(int[] counts) {
        int[][] d = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            d[i] = new int[counts[i]];
        }
        return new StaticPopulation(Partition.of(d));
    }

    /**
     * p_d in [0, cap], 0 exactly for empty devices, proportional to n_d below the cap, every capped
     * device at least as busy as every uncapped one, and sum K when the cap allows it (else every
     * non-empty device at the cap).
     */
    @Property(tries = 300)
    void waterFillingHitsKUnderTheCap(@ForAll @Size(min = 1, max = 50) List<@IntRange(min = 0, max = 200) Integer> sizes,
            @ForAll @DoubleRange(min = 0.01, max = 1) double kFraction, @ForAll @DoubleRange(min = 0, max = 1) double capMix) {
        int[] counts = sizes.stream().mapToInt(Integer::intValue).toArray();
        int n = counts.length;
        double k = Math.max(1e-3, kFraction * n);
        double q = k / n;
        double cap = q + capMix * (1 - q);
        DeviceSelection sel = DeviceSelection.activity(n, k, cap);
        double[] p = new double[n];
        sel.probabilities(holding(counts), p);
        double sum = 0;
        int nonEmpty = 0;
        double ratio = Double.NaN;
        int minCapped = Integer.MAX_VALUE;
        int maxUncapped = 0;
        for (int d = 0; d < n; d++) {
            assertTrue(p[d] >= 0 && p[d] <= cap * (1 + 1e-12), "p " + p[d] + " cap " + cap);
            if (counts[d] == 0) {
                assertEquals(0, p[d], "an empty device is never selected");
                continue;
            }
            nonEmpty++;
            sum += p[d];
            if (p[d] < cap * (1 - 1e-12)) {
                double r = p[d] / counts[d];
                if (!Double.isNaN(ratio)) {
                    assertEquals(ratio, r, 1e-9 * ratio, "proportional to the count below the cap");
                }
                ratio = r;
                maxUncapped = Math.max(maxUncapped, counts[d]);
            } else {
                minCapped = Math.min(minCapped, counts[d]);
            }
        }
        if (nonEmpty * cap >= k) {
            assertEquals(k, sum, 1e-9 * k, "expected participants");
        } else {
            assertEquals(nonEmpty * cap, sum, 1e-9 * k, "not enough devices: everyone at the cap");
        }
        assertTrue(maxUncapped <= minCapped || minCapped == Integer.MAX_VALUE, "busiest devices are the capped ones");
        assertTrue(sel.accountingRate() >= cap);
    }

    @Test
    void proportionalWhenTheCapDoesNotBindAndCappedWhenItDoes() {
        double[] p = new double[4];
        DeviceSelection.activity(4, 1, 1).probabilities(holding(new int[] {1, 2, 3, 4}), p);
        assertEquals(0.1, p[0], 1e-15);
        assertEquals(0.4, p[3], 1e-15);
        DeviceSelection.activity(4, 2, 0.6).probabilities(holding(new int[] {1, 1, 2, 100}), p);
        assertEquals(0.6, p[3], 0);
        // 1.4 left for counts 1, 1, 2: s = 0.35, so p = 0.35, 0.35, 0.7 > 0.6: the 2 is capped too, s = 0.4.
        assertEquals(0.6, p[2], 0);
        assertEquals(0.4, p[0], 1e-15);
        assertEquals("activity cap must be in [K / N, 1] = [0.5, 1], got 0.4",
                assertThrows(IllegalArgumentException.class, () -> DeviceSelection.activity(4, 2, 0.4)).getMessage());
    }
}
