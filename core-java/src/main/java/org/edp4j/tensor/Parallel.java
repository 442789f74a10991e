package org.edp4j.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over {@code [0, n)} into ranges run on the caller and edp4j's own worker threads.
 *
 * <p>Ranges smaller than the grain run on the caller's thread: handing work over costs microseconds,
 * so small loops stay serial.
 *
 * <p>Threads: the common pool's parallelism plus the caller, or fewer with the system property
 * {@value #THREADS_PROPERTY} (e.g. {@code -Dedp4j.threads=1}: every loop on the caller's thread; the
 * benchmarks' one-thread rows use it). The workers are {@code threads() - 1} daemon threads named
 * {@code edp4j-cpu-*}, started once and kept, so the kernels' per-thread scratch (CpuGemm's packing
 * buffers, 270 KB a thread) lives as long as they do.
 *
 * <p>How a loop runs. The caller publishes the loop, wakes the workers that are parked, and claims
 * ranges itself, starting with the first; the workers claim the others. Ranges are claimed, not
 * assigned: when a worker is slow to wake (a parked thread takes 50-150 microseconds to run again on
 * the 2-core VM of BENCHMARKS.md, measured), the caller runs the ranges nobody has started instead of
 * waiting, so a loop is never slower than the caller alone by more than one range. A worker that
 * finishes spins for {@value #SPIN_MICROS} microseconds before parking: the loops of a training step
 * follow each other closely, and a spinning worker takes the next one within about a microsecond.
 * While background work is announced ({@link BackgroundWork}, e.g. the noise prefetch) the workers
 * park at once instead, leaving the gaps between loops to it.
 *
 * <p>One loop at a time: a loop started inside a loop (on the caller or a worker) or by a second
 * thread while one is running runs on its caller's thread alone. Every range runs even if another
 * throws; the first throwable is rethrown on the caller once all ranges have finished, later ones
 * attached to it as suppressed.
 */
final class Parallel {
    /** A loop body over {@code [start, end)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }

    /** System property capping {@link #threads()}. */
    static final String THREADS_PROPERTY = "edp4j.threads";

    /** Ranges per thread of {@link #items}. */
    static final int SHARES = 4;

    /** How long an idle worker spins before parking (see the class comment). */
    static final long SPIN_MICROS = 200;

    private static final int THREADS = Math.max(1, Math.min(ForkJoinPool.getCommonPoolParallelism() + 1,
            Integer.getInteger(THREADS_PROPERTY, Integer.MAX_VALUE)));
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    /** Held while a loop runs on more than one thread. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** The loop the workers should join; null between loops. */
    private static volatile Loop current;

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker(i);
            WORKERS[i].start();
        }
    }

    private Parallel() {
    }

    /** Number of threads a loop may use (the workers plus the caller). */
    static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} ranges of at least
     * {@code grain} indices each (aligned to {@code align}).
     */
    static void range(int n, int grain, int align, RangeBody body) {
        run(n, grain, align, THREADS, body);
    }

    static void range(int n, int grain, RangeBody body) {
        range(n, grain, 1, body);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in up to {@value #SHARES} ranges per thread (at least one
     * index each), claimed one at a time: for loops over costly items whose costs differ (samples of
     * different lengths), so that a thread that finishes early takes the next range instead of waiting
     * for the other half. Ghost norms of a batch of 64 whose first 32 sequences are twice as long as the
     * others, 2 threads: 17.4-17.9 ms a layer against 22.2-22.3 ms in two ranges (2026-12-01; no
     * measurable change on sequences of one length). Not for loops whose ranges each pay a setup
     * (CpuGemm packs op(B) once per range).
     */
    static void items(int n, RangeBody body) {
        run(n, 1, 1, THREADS * SHARES, body);
    }

    /** At most {@code maxRanges} ranges of at least {@code grain} indices, aligned to {@code align}. */
    private static void run(int n, int grain, int align, int maxRanges, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(maxRanges, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || THREADS == 1) {
            body.run(0, n);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        per = (per + align - 1) / align * align;
        if (per >= n || Thread.currentThread() instanceof Worker || !BUSY.compareAndSet(false, true)) {
            body.run(0, n); // one range, or a loop inside a loop or beside another one: this thread alone
            return;
        }
        Loop loop = new Loop(body, n, per);
        try {
            current = loop;
            for (Worker w : WORKERS) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            loop.claim();
            loop.awaitAll();
        } finally {
            current = null;
            BUSY.set(false);
        }
        Throwable failure = loop.failure.get();
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure != null) {
            throw (Error) failure;
        }
    }

    /** One parallel loop: its ranges, claimed by the threads one at a time. */
    private static final class Loop {
        final RangeBody body;
        final int n;
        final int per;
        final int ranges;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(RangeBody body, int n, int per) {
            this.body = body;
            this.n = n;
            this.per = per;
            this.ranges = (n + per - 1) / per;
        }

        /** Runs ranges until none is left to claim. */
        void claim() {
            int r;
            while ((r = next.getAndIncrement()) < ranges) {
                int start = r * per;
                try {
                    body.run(start, Math.min(n, start + per));
                } catch (RuntimeException | Error e) {
                    Throwable first = failure.compareAndExchange(null, e);
                    if (first != null && first != e) { // the same instance twice: addSuppressed would throw
                        first.addSuppressed(e);
                    }
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        /** Waits for the ranges other threads claimed (all are claimed when the caller gets here). */
        void awaitAll() {
            int spins = 0;
            while (finished.get() < ranges) {
                if (++spins < 1 << 14) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the worker holding the last range was descheduled
                }
            }
        }
    }

    /** A worker: joins each published loop, spins a while between loops, then parks. */
    private static final class Worker extends Thread {
        volatile boolean parked;

        Worker(int index) {
            super("edp4j-cpu-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            Loop seen = null;
            long spinNanos = SPIN_MICROS * 1000;
            long idleSince = System.nanoTime();
            while (true) {
                Loop loop = current;
                if (loop != null && loop != seen) {
                    seen = loop;
                    loop.claim();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < spinNanos && !BackgroundWork.active()) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // re-read after announcing: a loop published before this read is seen here, one published
                    // after it finds parked == true and unparks this thread
                    loop = current;
                    if (loop == null || loop == seen) {
                        LockSupport.park(Parallel.class);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
