package org.edp4j.dp.noise;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The speed check on a simulated clock: silent while warming up and while fast, one line once slow. */
class KernelSpeedCheckTest {
    long clock;

    /** A fill of n normals at the given rate (normals per CPU second) on the simulated clock. */
    String fill(KernelSpeedCheck check, long n, double rate) {
        long start = check.now();
        clock += (long) (n / rate * 1e9);
        return check.observe(n, start);
    }

    @Test
    void slowWindowsAfterTheWarmUpAreReportedOnce() {
        KernelSpeedCheck check = new KernelSpeedCheck(() -> clock);
        long n = 2_560_000; // a text step's noise
        // slow while the JIT warms up: not counted
        for (long drawn = 0; drawn + n <= KernelSpeedCheck.WARM_NORMALS; drawn += n) {
            assertNull(fill(check, n, 5e6));
        }
        // fast afterwards: nothing to say
        for (int i = 0; i < 200; i++) {
            assertNull(fill(check, n, 200e6));
        }
        // slow: reported within a window or two, then never again
        String line = null;
        int fills = 0;
        while (line == null && fills < 2 * (KernelSpeedCheck.WINDOW_NORMALS / n + 1)) {
            line = fill(check, n, 20e6);
            fills++;
        }
        assertNotNull(line, "a slow kernel was not reported");
        // the window that tipped it holds fast and slow fills: its rate is between 20M and 50M/s
        double rate = Double.parseDouble(line.replaceAll("^the Vector API noise kernel draws (\\d+)M normals.*", "$1"));
        assertTrue(rate >= 20 && rate < 50, line);
        assertTrue(line.contains("-XX:PerMethodTrapLimit=10000"), line);
        for (int i = 0; i < 100; i++) {
            assertNull(fill(check, n, 20e6));
        }
    }

    @Test
    void aHealthyKernelOnABusyMachineIsNotReported() {
        KernelSpeedCheck check = new KernelSpeedCheck(() -> clock);
        for (int i = 0; i < 2000; i++) {
            assertNull(fill(check, 1 << 20, i % 2 == 0 ? 60e6 : 300e6)); // CPU time only: never below 60M/s
        }
    }

    @Test
    void oneSlowWindowBetweenFastOnesIsNotReported() {
        KernelSpeedCheck check = new KernelSpeedCheck(() -> clock);
        long n = 1 << 20;
        for (long drawn = 0; drawn < KernelSpeedCheck.WARM_NORMALS; drawn += n) {
            assertNull(fill(check, n, 200e6));
        }
        for (int round = 0; round < 5; round++) {
            for (long drawn = 0; drawn < KernelSpeedCheck.WINDOW_NORMALS; drawn += n) {
                assertNull(fill(check, n, 10e6)); // one slow window (a recompilation, say)
            }
            for (long drawn = 0; drawn < KernelSpeedCheck.WINDOW_NORMALS; drawn += n) {
                assertNull(fill(check, n, 200e6));
            }
        }
    }
}
