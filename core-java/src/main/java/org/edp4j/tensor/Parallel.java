package org.edp4j.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a loop over {@code [0, n)} into ranges run on edp4j's own fork-join pool.
 *
 * <p>Ranges smaller than the grain run on the caller's thread: forking costs microseconds, so
 * small loops stay serial.
 *
 * <p>Threads: the common pool's parallelism plus the caller, or fewer with the system property
 * {@value #THREADS_PROPERTY} (e.g. {@code -Dedp4j.threads=1}: every loop on the caller's thread; the
 * benchmarks' one-thread rows use it).
 *
 * <p>The pool: {@code threads() - 1} daemon threads named {@code edp4j-cpu-*} (the caller is the
 * last thread), the common pool's size by default, but not the common pool itself: on JDK 17
 * the common pool's workers erase their thread-locals after every top-level task, so the kernels'
 * per-thread scratch (CpuGemm's packing buffers, 270 KB a thread) was allocated again by every
 * parallel GEMM on a worker (measured with JFR on a private step of a 100-200-10 MLP at batch 64:
 * about 160 MB/s of scratch on the one worker of a 2-core machine).
 */
final class Parallel {
    /** A loop body over {@code [start, end)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }

    /** System property capping {@link #threads()}. */
    static final String THREADS_PROPERTY = "edp4j.threads";

    private static final int THREADS = Math.max(1, Math.min(ForkJoinPool.getCommonPoolParallelism() + 1,
            Integer.getInteger(THREADS_PROPERTY, Integer.MAX_VALUE)));
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS - 1, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("edp4j-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false) : null;

    private Parallel() {
    }

    /** Number of threads a loop may use (the pool plus the caller). */
    static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} ranges of at least
     * {@code grain} indices each (aligned to {@code align}).
     */
    static void range(int n, int grain, int align, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        per = (per + align - 1) / align * align;
        if (per >= n) {
            body.run(0, n);
            return;
        }
        if (Thread.currentThread() instanceof ForkJoinWorkerThread worker && worker.getPool() == POOL) {
            new Task(body, 0, n, per).invoke(); // a loop inside a loop: already on one of the pool's threads
            return;
        }
        // The caller runs the first range itself. POOL.invoke(whole task) would not do that: a thread
        // outside a fork-join pool only waits for it (JDK 17 lets it help only the common pool), so
        // with one worker (2 cores) both ranges ran one after the other on the worker.
        Task rest = new Task(body, per, n, per);
        POOL.execute(rest);
        Throwable failure = null;
        try {
            body.run(0, per);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        try {
            rest.join();
        } catch (RuntimeException | Error e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure != null) {
            throw (Error) failure;
        }
    }

    static void range(int n, int grain, RangeBody body) {
        range(n, grain, 1, body);
    }

    private static final class Task extends RecursiveAction {
        private final RangeBody body;
        private final int start;
        private final int end;
        private final int per;

        Task(RangeBody body, int start, int end, int per) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.per = per;
        }

        @Override
        protected void compute() {
            if (end - start <= per) {
                body.run(start, end);
                return;
            }
            int mid = start + per;
            Task rest = new Task(body, mid, end, per);
            rest.fork();
            body.run(start, mid);
            rest.join();
        }
    }
}
