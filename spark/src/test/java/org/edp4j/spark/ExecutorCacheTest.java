package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExecutorCacheTest {
    static final class Worker implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void borrowedWorkersComeBackAndOnlyTheNewestKeysAreKept() {
        AtomicInteger made = new AtomicInteger();
        Worker a = ExecutorCache.borrow("t-a", () -> {
            made.incrementAndGet();
            return new Worker();
        });
        Worker b = ExecutorCache.borrow("t-a", Worker::new);
        assertNotSame(a, b, "two tasks at once get two workers");
        ExecutorCache.giveBack("t-a", a);
        assertSame(a, ExecutorCache.borrow("t-a", Worker::new), "a kept worker is reused");
        ExecutorCache.giveBack("t-a", a);
        assertEquals(1, ExecutorCache.kept("t-a"));
        for (int k = 0; k < ExecutorCache.KEYS; k++) {
            ExecutorCache.giveBack("t-other-" + k, new Worker());
        }
        assertEquals(0, ExecutorCache.kept("t-a"), "the oldest key was dropped");
        assertTrue(a.closed, "and its workers closed");
        Worker c = new Worker();
        ExecutorCache.giveBack("t-c", c);
        ExecutorCache.clear("t-c");
        assertTrue(c.closed);
        assertEquals(0, ExecutorCache.kept("t-c"));
        assertEquals(1, made.get());
    }
}
