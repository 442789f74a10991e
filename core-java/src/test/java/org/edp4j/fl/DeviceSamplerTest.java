package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.edp4j.dp.noise.GaussianNoise;
import org.junit.jupiter.api.Test;

class DeviceSamplerTest {
    /**
     * Over T = 4000 rounds device d is selected Binomial(T, p_d) times: every count within 5 standard
     * deviations (+1 for the discreteness) of T p_d. The chance that one of 51 honest counts falls
     * outside is below 51 * 6e-7; a sampler off by 10% at p = 0.5 misses by 13 standard deviations.
     * Pairs are independent: device 20 and 40 together about T p_20 p_40 times.
     */
    @Test
    void selectionFrequenciesMatchTheProbabilities() {
        int n = 51;
        double[] p = new double[n];
        for (int d = 0; d < n; d++) {
            p[d] = d / 50.0;
        }
        DeviceSampler s = new DeviceSampler(GaussianNoise.insecureSeeded(77), n);
        int rounds = 4000;
        int[] hits = new int[n];
        int together = 0;
        int[] out = new int[n];
        for (int t = 0; t < rounds; t++) {
            int c = s.sample(t, p, out);
            boolean a = false;
            boolean b = false;
            for (int k = 0; k < c; k++) {
                hits[out[k]]++;
                if (k > 0) {
                    assertTrue(out[k] > out[k - 1], "ascending");
                }
                a |= out[k] == 20;
                b |= out[k] == 40;
            }
            together += a && b ? 1 : 0;
        }
        for (int d = 0; d < n; d++) {
            double mean = rounds * p[d];
            double sd = Math.sqrt(rounds * p[d] * (1 - p[d]));
            assertTrue(Math.abs(hits[d] - mean) <= 5 * sd + 1, "device " + d + ": " + hits[d] + " vs " + mean);
        }
        assertEquals(0, hits[0], "p = 0: never");
        assertEquals(rounds, hits[50], "p = 1: always");
        double pairs = rounds * p[20] * p[40];
        assertTrue(Math.abs(together - pairs) <= 5 * Math.sqrt(pairs) + 1, together + " vs " + pairs);
    }

    @Test
    void sameKeyAndRoundReproduceAndOtherRoundsDiffer() {
        double[] p = new double[200];
        Arrays.fill(p, 0.3);
        int[] a = new int[200];
        int[] b = new int[200];
        int ca = new DeviceSampler(GaussianNoise.insecureSeeded(5), 200).sample(9, p, a);
        int cb = new DeviceSampler(GaussianNoise.insecureSeeded(5), 200).sample(9, p, b);
        assertArrayEquals(Arrays.copyOf(a, ca), Arrays.copyOf(b, cb));
        int c10 = new DeviceSampler(GaussianNoise.insecureSeeded(5), 200).sample(10, p, b);
        assertTrue(!Arrays.equals(Arrays.copyOf(a, ca), Arrays.copyOf(b, c10)));
        // The coins are uniforms of their own stream: device d joins iff uniform d of (DEVICE_SELECTION, round) < p_d.
        GaussianNoise g = GaussianNoise.insecureSeeded(5);
        for (int k = 0; k < ca; k++) {
            assertTrue(g.uniform(GaussianNoise.DEVICE_SELECTION, 9, a[k]) < 0.3);
        }
    }

    @Test
    void refusesProbabilitiesOutsideTheUnitInterval() {
        DeviceSampler s = new DeviceSampler(GaussianNoise.insecureSeeded(5), 2);
        assertEquals("inclusion probability of device 1 must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> s.sample(0, new double[] {0.5, 1.5}, new int[2]))
                        .getMessage());
    }
}
