package org.edp4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Turns: one task works at a time, in order; a failure stops the others. */
class LockstepTest {

    /** A task of {@code blocks} blocks that logs "name block" and checks no other task is working. */
    static Lockstep.Task<String> task(String name, int blocks, List<String> log, AtomicInteger working) {
        return turn -> {
            for (int b = 0; b < blocks; b++) {
                if (b > 0) {
                    turn.next();
                }
                assertEquals(1, working.incrementAndGet(), "another task is working");
                log.add(name + b);
                Thread.sleep(2);
                working.decrementAndGet();
            }
            return name;
        };
    }

    @Test
    void tasksTakeTurnsOfOneBlock() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger working = new AtomicInteger();
        List<String> results = Lockstep.run(List.of(task("p", 3, log, working), task("n", 4, log, working),
                task("s", 1, log, working)));
        assertEquals(List.of("p", "n", "s"), results);
        assertEquals(List.of("p0", "n0", "s0", "p1", "n1", "p2", "n2", "n3"), log);
    }

    @Test
    void aFailureStopsTheOthersAndIsRethrown() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger working = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        Lockstep.Task<String> failing = turn -> {
            log.add("f0");
            turn.next();
            throw boom;
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Lockstep.run(List.of(failing, task("n", 5, log, working))));
        assertSame(boom, e);
        assertEquals(List.of("f0", "n0"), log, "n stops at its next turn");
    }

    @Test
    void anErrorIsRethrownAsIs() {
        OutOfMemoryError oom = new OutOfMemoryError("test");
        Lockstep.Task<String> failing = turn -> {
            throw oom;
        };
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> Lockstep.run(List.of(failing))));
    }
}
