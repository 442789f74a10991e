package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticDevicesTest {

    /** Each device's stream depends on (seed, device) alone, lies in the corpus, and lengths are log-normal-ish. */
    @Test
    void streamsAreAFunctionOfSeedAndDevice() {
        int n = 20_000;
        long total = 0;
        int ones = 0;
        for (int d = 0; d < n; d++) {
            int[] s = SyntheticDevices.streamOf(d, 7, 50);
            assertEquals(SyntheticDevices.streamLength(d, 7), s.length);
            assertTrue(s.length >= 1 && s.length <= SyntheticDevices.MAX_STREAM);
            for (int e : s) {
                assertTrue(e >= 0 && e < 50);
            }
            total += s.length;
            ones += s.length == 1 ? 1 : 0;
        }
        double mean = total / (double) n;
        // Median 2, mean exp(0.7 + 0.81/2) = 3.0 before rounding and the cap at 16.
        assertTrue(mean > 2.6 && mean < 3.4, "mean " + mean);
        // P(L = 1) = P(exp(0.7 + 0.9 z) < 1.5) = Phi((ln 1.5 - 0.7) / 0.9) = 0.372 (sd 0.0034 over 20,000).
        assertTrue(ones > 0.35 * n && ones < 0.40 * n, "devices with one example: " + ones);
        assertArrayEquals(SyntheticDevices.streamOf(123, 7, 50), SyntheticDevices.streamOf(123, 7, 50));
    }

    @Test
    void blocksCoverTheDevicesInOrder() {
        int devices = 103;
        int next = 0;
        for (int b = 0; b < 4; b++) {
            DeviceBlock block = SyntheticDevices.block(b, 4, devices, 30, 9);
            assertEquals(next, block.firstDevice());
            for (int k = 0; k < block.count(); k++) {
                int[] s = SyntheticDevices.streamOf(next + k, 9, 30);
                assertEquals(s.length, block.streamLength(k));
                for (int i = 0; i < s.length; i++) {
                    assertEquals(s[i], block.example(k, i));
                }
            }
            next += block.count();
        }
        assertEquals(devices, next);
    }
}
