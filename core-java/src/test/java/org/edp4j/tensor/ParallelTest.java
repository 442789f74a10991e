package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Property(tries = 200)
    void everyIndexRunsOnceInAlignedRanges(@ForAll @IntRange(min = 0, max = 5000) int n,
                                           @ForAll @IntRange(min = 1, max = 700) int grain,
                                           @ForAll @IntRange(min = 1, max = 16) int align) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Set<Integer> starts = ConcurrentHashMap.newKeySet();
        Parallel.range(n, grain, align, (i0, i1) -> {
            starts.add(i0);
            for (int i = i0; i < i1; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "index " + i);
        }
        assertTrue(starts.size() <= Parallel.threads(), starts.toString());
        for (int s : starts) {
            assertEquals(0, s % align, "range start " + s);
        }
    }

    @Property(tries = 200)
    void itemsRunEveryIndexOnceInUpToSharesRangesPerThread(@ForAll @IntRange(min = 0, max = 3000) int n) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Set<Integer> starts = ConcurrentHashMap.newKeySet();
        Parallel.items(n, (i0, i1) -> {
            starts.add(i0);
            for (int i = i0; i < i1; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "index " + i);
        }
        int threads = Parallel.threads();
        assertTrue(starts.size() <= threads * Parallel.SHARES, starts.toString());
        if (threads > 1 && n >= threads * Parallel.SHARES) {
            assertTrue(starts.size() > threads, starts.size() + " ranges for " + n + " items");
        }
    }

    /**
     * A thread that finishes its range early takes the next one: while the first range is held up,
     * the other threads run all the others (a split into one range per thread would leave only one).
     */
    @Test
    void itemsAreClaimedByWhicheverThreadIsFree() {
        Assumptions.assumeTrue(Parallel.threads() >= 2, "one thread: nothing runs concurrently");
        int n = Parallel.threads() * Parallel.SHARES;
        AtomicInteger othersRan = new AtomicInteger();
        CountDownLatch lastRan = new CountDownLatch(1);
        Parallel.items(n, (i0, i1) -> {
            if (i0 == 0) {
                try {
                    lastRan.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            othersRan.incrementAndGet();
            if (i1 == n) {
                lastRan.countDown();
            }
        });
        assertEquals(0, lastRan.getCount(), "the last range never ran while the first was held up");
        assertEquals(n - 1, othersRan.get());
    }

    /**
     * Two ranges run at the same time, one on the caller: each waits for the other to start. A
     * split that queues both on the pool's one worker (2 cores) times out here.
     */
    @Test
    void theCallerRunsOneRangeWhileAWorkerRunsTheOther() {
        Assumptions.assumeTrue(Parallel.threads() >= 2, "one thread: nothing runs concurrently");
        CountDownLatch started = new CountDownLatch(2);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray met = new AtomicIntegerArray(2);
        Parallel.range(2, 1, (i0, i1) -> {
            threads.add(Thread.currentThread());
            started.countDown();
            try {
                met.set(i0, started.await(10, TimeUnit.SECONDS) ? 1 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(1, met.get(0), "range 0 never saw range 1 running");
        assertEquals(1, met.get(1), "range 1 never saw range 0 running");
        assertTrue(threads.contains(Thread.currentThread()), threads.toString());
        assertEquals(2, threads.size());
    }

    @Test
    void aFailureOnTheCallerPropagatesAfterTheOtherRangesFinished() {
        AtomicIntegerArray done = new AtomicIntegerArray(1);
        IllegalStateException e = new IllegalStateException("range 0");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallel.range(1000, 1, (i0, i1) -> {
                    if (i0 == 0) {
                        throw e;
                    }
                    sleep(50);
                    done.set(0, 1);
                }));
        assertSame(e, thrown);
        if (Parallel.threads() >= 2) {
            assertEquals(1, done.get(0), "returned before the worker's range finished");
        }
    }

    @Test
    void aFailureOnAWorkerPropagates() {
        Assumptions.assumeTrue(Parallel.threads() >= 2);
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Parallel.range(1000, 1, (i0, i1) -> {
            if (i0 > 0) {
                throw new ArithmeticException("worker range");
            }
        }));
        assertTrue(thrown instanceof ArithmeticException || thrown.getCause() instanceof ArithmeticException,
                thrown.toString());
    }

    @Test
    void loopsInsideLoopsCoverEverything() {
        int n = 64;
        AtomicIntegerArray seen = new AtomicIntegerArray(n * n);
        Parallel.range(n, 1, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int row = i;
                Parallel.range(n, 1, (j0, j1) -> {
                    for (int j = j0; j < j1; j++) {
                        seen.incrementAndGet(row * n + j);
                    }
                });
            }
        });
        for (int x = 0; x < n * n; x++) {
            assertEquals(1, seen.get(x), "element " + x);
        }
    }

    /** A loop started inside a loop runs on the thread that started it, whole: no deadlock, nothing lost. */
    @Test
    void aLoopInsideALoopRunsOnItsOwnThread() {
        int n = 8;
        Set<String> mixed = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray seen = new AtomicIntegerArray(n * n);
        Parallel.range(n, 1, (i0, i1) -> {
            Thread outer = Thread.currentThread();
            for (int i = i0; i < i1; i++) {
                int row = i;
                Parallel.range(n, 1, (j0, j1) -> {
                    if (Thread.currentThread() != outer) {
                        mixed.add(row + ": " + Thread.currentThread().getName());
                    }
                    for (int j = j0; j < j1; j++) {
                        seen.incrementAndGet(row * n + j);
                    }
                });
            }
        });
        assertTrue(mixed.isEmpty(), mixed.toString());
        for (int x = 0; x < n * n; x++) {
            assertEquals(1, seen.get(x), "element " + x);
        }
    }

    /**
     * Loops from several threads at once: one gets the workers, the others run on their own threads;
     * every index of every loop runs exactly once.
     */
    @Test
    void concurrentLoopsFromSeveralThreadsCoverEverything() throws Exception {
        int callers = 4;
        int n = 20_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(callers * n);
        Thread[] threads = new Thread[callers];
        for (int c = 0; c < callers; c++) {
            int base = c * n;
            threads[c] = new Thread(() -> {
                for (int rep = 0; rep < 50; rep++) {
                    Parallel.range(n, 1, (i0, i1) -> {
                        for (int i = i0; i < i1; i++) {
                            seen.incrementAndGet(base + i);
                        }
                    });
                }
            });
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        for (int x = 0; x < callers * n; x++) {
            assertEquals(50, seen.get(x), "element " + x);
        }
    }

    /**
     * Every range throwing the same exception instance: that instance reaches the caller (not an
     * IllegalArgumentException from suppressing it in itself), and the workers survive it: the next
     * loop still runs two ranges at the same time.
     */
    @Test
    void theSameExceptionFromEveryRangeReachesTheCallerAndTheWorkersSurvive() {
        IllegalStateException shared = new IllegalStateException("shared");
        for (int rep = 0; rep < 20; rep++) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> Parallel.range(1000, 1, (i0, i1) -> {
                        sleep(1);
                        throw shared;
                    }));
            assertSame(shared, thrown);
        }
        theCallerRunsOneRangeWhileAWorkerRunsTheOther();
    }

    /** After the workers have parked (idle longer than their spin), a loop still runs every range once. */
    @Test
    void aLoopAfterTheWorkersParkedRunsEveryRange() {
        for (int rep = 0; rep < 20; rep++) {
            sleep(2);
            AtomicIntegerArray seen = new AtomicIntegerArray(2);
            Parallel.range(2, 1, (i0, i1) -> seen.incrementAndGet(i0));
            assertEquals(1, seen.get(0));
            assertEquals(1, seen.get(1));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
