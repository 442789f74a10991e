package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class BackgroundWorkTest {

    @Test
    void announcementsNest() {
        awaitNoneAnnounced();
        BackgroundWork.begin();
        BackgroundWork.begin();
        BackgroundWork.end();
        assertTrue(BackgroundWork.active());
        BackgroundWork.end();
        assertEquals(0, BackgroundWork.announced());
        assertFalse(BackgroundWork.active());
    }

    @Test
    void anEndWithoutABeginIsRefusedAndLeavesNothingAnnounced() {
        awaitNoneAnnounced();
        IllegalStateException e = assertThrows(IllegalStateException.class, BackgroundWork::end);
        assertTrue(e.getMessage().contains("without a matching begin()"), e.getMessage());
        assertEquals(0, BackgroundWork.announced());
    }

    /** A noise prefetch left running by an earlier test in this JVM finishes within milliseconds. */
    private static void awaitNoneAnnounced() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (BackgroundWork.announced() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, BackgroundWork.announced(), "background work still announced after 10 s");
    }

    /** With background work announced, the workers park after every loop; loops still run every range. */
    @Test
    void loopsRunWhileBackgroundWorkIsAnnounced() {
        BackgroundWork.begin();
        try {
            for (int rep = 0; rep < 200; rep++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(64);
                Parallel.range(64, 1, (i0, i1) -> {
                    for (int i = i0; i < i1; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 64; i++) {
                    assertEquals(1, seen.get(i));
                }
            }
        } finally {
            BackgroundWork.end();
        }
    }
}
