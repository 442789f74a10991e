package org.edp4j.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.edp4j.fl.Partition;
import org.edp4j.fl.RoundReport;
import org.junit.jupiter.api.Test;

/** The benchmark's population and both kinds of round, once, so a broken benchmark fails the build. */
class FederatedBenchmarkTest {
    @Test
    void populationHasTheStatedShape() {
        Partition p = FederatedBenchmark.population(4717, 10_000, 10, 3);
        assertEquals(10_000, p.deviceCount());
        double mean = p.totalExamples() / 10_000.0;
        assertTrue(Math.abs(mean - 10) < 0.5, "mean size " + mean);
        for (int d = 0; d < p.deviceCount(); d++) {
            assertTrue(p.size(d) >= 1);
            for (int e : p.examples(d)) {
                assertTrue(e >= 0 && e < 4717);
            }
        }
        assertTrue(p.largestDevice() > 60, "log-normal: a few busy devices (" + p.largestDevice() + ")");
    }

    @Test
    void roundsRun() {
        FederatedBenchmark b = new FederatedBenchmark();
        b.bag = "4000x16";
        b.selection = "activity";
        b.threads = 2;
        b.setup();
        try {
            RoundReport r = b.round();
            assertTrue(r.tally().participants() > 50 && r.tally().participants() < 150, "about 100 devices");
            RoundReport s = b.serverSide();
            assertTrue(s.tally().participants() > 50 && s.tally().participants() < 150);
        } finally {
            b.tearDown();
        }
    }

    @Test
    void sumAndCopyCountTheSameBytesAndTheSumAddsEveryUpdate() {
        FederatedSumBenchmark b = new FederatedSumBenchmark();
        b.bag = "4000x16";
        b.setup();
        FederatedSumBenchmark.Counters c = new FederatedSumBenchmark.Counters();
        org.edp4j.fl.ModelVector sum = b.sum(c);
        assertEquals(4L * 64_306 * 101, c.bytes);
        assertTrue(sum.squaredNorm(0) > 0);
        b.copyUpdates(c);
        assertEquals(2 * 4L * 64_306 * 101, c.bytes);
    }
}
