package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which step times are kept, and why blocks: a simulated noise prefetch that runs on after the private step. */
class StepTimesTest {

    @Test
    void warmupAndEveryBlocksFirstStepAreNotKept() {
        StepTimes t = new StepTimes(2);
        t.newBlock();
        for (long x : new long[] {100, 101, 102, 103}) {
            t.record(x);
        }
        t.newBlock();
        for (long x : new long[] {104, 105}) {
            t.record(x);
        }
        assertEquals(List.of(102L, 103L, 105L), t.kept());
        assertEquals(103e-9, t.medianSeconds(), 1e-18);
        assertTrue(Double.isNaN(new StepTimes(0).medianSeconds()));
        StepTimes resumed = new StepTimes(5, 7, List.of(1L, 2L));
        resumed.newBlock();
        resumed.record(3);
        resumed.record(4);
        assertEquals(List.of(1L, 2L, 4L), resumed.kept());
        assertThrows(IllegalArgumentException.class, () -> StepTimes.alternate(10, 1, t, () -> { }, t, () -> { }));
    }

    /**
     * A machine where the private step costs 3 units of work, 1 of which (its noise prefetch) runs on
     * after it returns and delays whatever step comes next; the non-private step costs 1 unit.
     */
    static final class Machine {
        long clock;
        long carried;

        void privateStep() {
            clock += carried + 2;
            carried = 1;
        }

        void plainStep() {
            clock += carried + 1;
            carried = 0;
        }
    }

    /** Single alternating steps charge the prefetch to the non-private step: ratio 1 instead of 3 (demo's 0.96). */
    @Test
    void alternatingSingleStepsHideThePrefetch() {
        Machine m = new Machine();
        StepTimes p = new StepTimes(0, () -> m.clock);
        StepTimes n = new StepTimes(0, () -> m.clock);
        for (int s = 0; s < 50; s++) {
            p.time(() -> { // no newBlock: the old demo timed every step
                m.privateStep();
                return null;
            });
            n.time(() -> {
                m.plainStep();
                return null;
            });
        }
        assertEquals(1.0, p.medianSeconds() / n.medianSeconds(), 0.0);
    }

    @Test
    void blocksWithTheFirstStepDroppedChargeItToThePrivateRun() {
        Machine m = new Machine();
        StepTimes p = new StepTimes(0, () -> m.clock);
        StepTimes n = new StepTimes(0, () -> m.clock);
        StepTimes.alternate(50, 5, p, m::privateStep, n, m::plainStep);
        assertEquals(3.0, p.medianSeconds() / n.medianSeconds(), 0.0);
        assertEquals(40, p.kept().size());
    }

    @Test
    void alternateRunsBothInBlocksAFirst() {
        StringBuilder order = new StringBuilder();
        StepTimes a = new StepTimes(0);
        StepTimes b = new StepTimes(0);
        StepTimes.alternate(7, 3, a, () -> order.append('a'), b, () -> order.append('b'));
        assertEquals("aaabbbaaabbbab", order.toString());
        assertEquals(4, a.kept().size()); // 2 + 2 + 0
        assertEquals(4, b.kept().size());
    }
}
