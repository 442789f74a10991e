package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.edp4j.dp.noise.GaussianNoise;
import org.junit.jupiter.api.Test;

class PoissonSamplerTest {
    @Test
    void batchSizesAreBinomialAndIndicesSortedAndDistinct() {
        PoissonSampler s = new PoissonSampler(GaussianNoise.insecureSeeded(1), 10_000, 0.01);
        double sum = 0;
        double sumSq = 0;
        int steps = 400;
        for (int t = 0; t < steps; t++) {
            int c = s.sample(t);
            sum += c;
            sumSq += (double) c * c;
            for (int i = 1; i < c; i++) {
                assertTrue(s.indices()[i] > s.indices()[i - 1]);
            }
        }
        double mean = sum / steps;
        double var = sumSq / steps - mean * mean;
        assertEquals(100, mean, 3 * Math.sqrt(99.0 / steps) * 2, "mean batch size");
        assertEquals(99, var, 30, "binomial variance q n (1 - q)");
    }

    @Test
    void sameKeyAndStepReproduceOtherStepsDiffer() {
        PoissonSampler a = new PoissonSampler(GaussianNoise.insecureSeeded(7), 500, 0.2);
        PoissonSampler b = new PoissonSampler(GaussianNoise.insecureSeeded(7), 500, 0.2);
        int ca = a.sample(3);
        int cb = b.sample(3);
        assertArrayEquals(Arrays.copyOf(a.indices(), ca), Arrays.copyOf(b.indices(), cb));
        int[] step3 = Arrays.copyOf(a.indices(), ca);
        int c4 = a.sample(4);
        assertFalse(Arrays.equals(step3, Arrays.copyOf(a.indices(), c4)));
    }

    @Test
    void fullRateTakesEveryone() {
        PoissonSampler s = new PoissonSampler(GaussianNoise.insecureSeeded(7), 50, 1.0);
        assertEquals(50, s.sample(0));
    }

    @Test
    void capacityCoversTheMeanPlusSixSigmaAndRefusesBadRates() {
        assertEquals(Math.ceil(256 + 6 * Math.sqrt(256 * (1 - 256.0 / 60000))), PoissonSampler.suggestedCapacity(60000,
                256.0 / 60000), 0);
        assertEquals(10, PoissonSampler.suggestedCapacity(10, 1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PoissonSampler(GaussianNoise.insecureSeeded(1), 10, 1.5));
        assertEquals("sampling rate q must be in (0, 1], got 1.5", e.getMessage());
    }

    /** Ranges cut anywhere sample, together, exactly the batch of the whole dataset. */
    @Test
    void rangesSampleWhatTheWholeDatasetSamples() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rng.nextInt(5000);
            double q = 0.01 + 0.5 * rng.nextDouble();
            GaussianNoise coins = GaussianNoise.insecureSeeded(rng.nextLong());
            PoissonSampler whole = new PoissonSampler(coins, n, q);
            long step = rng.nextInt(100);
            int c = whole.sample(step);
            int[] joined = new int[n];
            int total = 0;
            for (int first = 0; first < n; ) {
                int len = Math.min(n - first, 1 + rng.nextInt(700));
                int[] part = new int[len];
                int k = PoissonSampler.sampleRange(coins, step, q, first, len, part);
                System.arraycopy(part, 0, joined, total, k);
                total += k;
                first += len;
            }
            assertArrayEquals(Arrays.copyOf(whole.indices(), c), Arrays.copyOf(joined, total), "trial " + trial);
        }
        assertEquals(0, PoissonSampler.sampleRange(GaussianNoise.insecureSeeded(1), 0, 0.5, 10, 0, new int[0]));
        assertEquals("sampling rate q must be in (0, 1], got 0.0", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> PoissonSampler.sampleRange(GaussianNoise.insecureSeeded(1), 0, 0, 0, 1, new int[1])).getMessage());
    }
}
