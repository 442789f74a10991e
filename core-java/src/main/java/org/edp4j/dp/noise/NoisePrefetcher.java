package org.edp4j.dp.noise;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.edp4j.tensor.BackgroundWork;

/**
 * Generates a step's Gaussian noise off the critical path, with double buffering.
 *
 * <p>{@link #take(long) take(step)} returns the {@code n} standard normals (stddev 1) of elements
 * {@code [0, n)} of stream {@code (streamId, step)} of a {@link GaussianNoise} — bit for bit the values of
 * {@code noise.fillNormals(streamId, step, 0, dst, 0, n, 1f)} — and, before returning, starts generating
 * {@code step + 1} into the other buffer on background daemon threads. While the training step computes
 * its gradients, the next step's noise is being filled; the next {@code take(step + 1)} then generates
 * the chunks no worker has started itself (rather than idle) and waits for the chunks in progress. A {@code take} of any other step (the first call, a resume from a checkpoint, a skipped
 * step) cancels the prefetch and generates synchronously, the calling thread taking part in the fill.
 *
 * <h2>Threads</h2>
 * The fill is split into chunks of {@value #CHUNK} elements (a multiple of 8, so chunks are whole ChaCha20
 * blocks) that the workers claim one at a time; a fill of at most one chunk runs on a single thread. The
 * workers are a <em>dedicated</em> pool of {@code parallelism} daemon threads (named
 * {@code edp4j-noise-prefetch-*}; idle threads exit after 30 s), by default
 * {@link #defaultParallelism()} = {@code max(1, availableProcessors / 4)}. Not the CPU backend's pool
 * (the {@code edp4j-cpu-*} threads its GEMMs and other kernels run on) nor {@code ForkJoinPool.commonPool()}
 * (parallel streams): long-running noise chunks queued in front of their tasks would delay the critical path
 * that the prefetch is meant to stay off. A dedicated, bounded pool leaves sharing the cores to the OS scheduler and caps the
 * interference at {@code parallelism} cores; while it fills, it is announced as {@link BackgroundWork}, so the CPU
 * backend's idle threads park between the step's loops instead of spinning and leave it those gaps. Generation runs at roughly 2e8 normals per second per core
 * with Java's Vector API enabled ({@code --add-modules jdk.incubator.vector}) and 4e7 without it
 * (BENCHMARKS.md), so one worker keeps up with a step that updates 2e8 (4e7) parameters in a second;
 * raise {@code parallelism} for bigger models or faster steps.
 *
 * <h2>Thread-safety</h2>
 * {@link #take(long)} and {@link #close()} are synchronized and may be called from any thread, but the array
 * {@code take} returns is shared with the prefetcher and is valid only until the next {@code take}, so a
 * prefetcher is meant for one consumer (the training loop). The consumer may read and write the returned
 * array freely until then; its content does not affect later results.
 *
 * <h2>Errors</h2>
 * An exception thrown while generating (on a worker or on the calling thread) is rethrown by the
 * {@code take} that needs that fill, or by the next {@code take} if the failed fill was a prefetch of
 * another step (a prefetch cancelled before it reached the failing chunk has nothing to report), wrapped in an {@link IllegalStateException} whose cause is the original throwable. The
 * failed fill is discarded, so a later {@code take} tries again.
 */
public final class NoisePrefetcher implements AutoCloseable {

    /** Elements per parallel chunk: 2^16 (a multiple of {@link GaussianNoise#ELEMENTS_PER_BLOCK}). */
    public static final int CHUNK = 1 << 16;

    /** Fills {@code dst[off, off + len)} with normals {@code first..first + len - 1} of a step at stddev 1. */
    interface Filler {
        void fill(long step, long first, float[] dst, int off, int len);
    }

    private static final AtomicInteger THREAD_COUNT = new AtomicInteger();

    private final Filler filler;
    private final int streamId;
    private final int n;
    private final int parallelism;
    private final ThreadPoolExecutor workers;
    private final float[][] buffers;

    private Fill pending;
    private boolean closed;

    /**
     * Creates a prefetcher with {@link #defaultParallelism()} worker threads. Nothing is generated until the
     * first {@link #take(long)}.
     *
     * @param noise    the generator. Not modified.
     * @param streamId stream id, {@code >= 0} (usually {@link GaussianNoise#GRADIENT_NOISE})
     * @param n        number of normals per step, {@code >= 0} (two float buffers of {@code n} are allocated)
     * @throws IllegalArgumentException if {@code streamId < 0} or {@code n < 0}
     * @throws NullPointerException     if {@code noise} is null
     */
    public NoisePrefetcher(GaussianNoise noise, int streamId, int n) {
        this(noise, streamId, n, defaultParallelism());
    }

    /**
     * Creates a prefetcher with {@code parallelism} worker threads. Nothing is generated until the first
     * {@link #take(long)}.
     *
     * @param noise       the generator. Not modified.
     * @param streamId    stream id, {@code >= 0} (usually {@link GaussianNoise#GRADIENT_NOISE})
     * @param n           number of normals per step, {@code >= 0} (two float buffers of {@code n} are allocated)
     * @param parallelism number of worker threads, {@code >= 1}
     * @throws IllegalArgumentException if {@code streamId < 0}, {@code n < 0} or {@code parallelism < 1}
     * @throws NullPointerException     if {@code noise} is null
     */
    public NoisePrefetcher(GaussianNoise noise, int streamId, int n, int parallelism) {
        this(filler(Objects.requireNonNull(noise, "noise"), streamId), streamId, n, parallelism);
    }

    /** Package-private: lets tests inject a failing filler. */
    NoisePrefetcher(Filler filler, int streamId, int n, int parallelism) {
        if (streamId < 0) {
            throw new IllegalArgumentException("The 'streamId' must be >= 0, got " + streamId);
        }
        if (n < 0) {
            throw new IllegalArgumentException("The 'n' must be >= 0, got " + n);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("The 'parallelism' must be >= 1, got " + parallelism);
        }
        this.filler = filler;
        this.streamId = streamId;
        this.n = n;
        this.parallelism = parallelism;
        this.buffers = new float[][] {new float[n], new float[n]};
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, "edp4j-noise-prefetch-" + THREAD_COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = new ThreadPoolExecutor(parallelism, parallelism, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemons);
        this.workers.allowCoreThreadTimeOut(true);
    }

    private static Filler filler(GaussianNoise noise, int streamId) {
        return (step, first, dst, off, len) -> noise.fillNormals(streamId, step, first, dst, off, len, 1f);
    }

    /**
     * The default number of worker threads: {@code max(1, availableProcessors / 4)}, leaving at least three
     * quarters of the cores to the training step.
     *
     * @return the default parallelism, {@code >= 1}
     */
    public static int defaultParallelism() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
    }

    /**
     * Returns the standard normals of step {@code step}:
     * {@code result[i] = (float) z(streamId, step, i)} for {@code 0 <= i < n} (see {@link GaussianNoise}),
     * waiting for the prefetch if it was for {@code step} and generating synchronously otherwise; then
     * starts prefetching {@code step + 1} (unless {@code step == Long.MAX_VALUE}). If the calling thread is
     * interrupted while waiting, the wait continues and the interrupt status is restored before returning.
     *
     * @param step training step, {@code >= 0}
     * @return an internal buffer of length {@code n}, valid until the next call of {@code take}; the caller
     *         may modify it
     * @throws IllegalArgumentException if {@code step < 0}
     * @throws IllegalStateException    if the prefetcher is closed, or if generating noise failed (the cause
     *                                  is the original throwable)
     */
    public synchronized float[] take(long step) {
        if (closed) {
            throw new IllegalStateException("The NoisePrefetcher is closed");
        }
        if (step < 0) {
            throw new IllegalArgumentException("The 'step' must be >= 0, got " + step);
        }
        Fill f = pending;
        pending = null;
        int resultIndex;
        if (f != null && f.step == step) {
            f.help();
            f.await();
            f.rethrow();
            resultIndex = f.bufferIndex;
        } else {
            if (f != null) {
                f.cancelled = true;
                f.await();
                f.rethrow(); // a failed prefetch surfaces here, even though it was for another step
            }
            resultIndex = f != null ? f.bufferIndex : 0;
            Fill now = new Fill(step, resultIndex);
            int helpers = now.threads - 1;
            for (int i = 0; i < helpers; i++) {
                workers.execute(now::work);
            }
            if (now.threads > 0) {
                now.work();
            }
            now.await();
            now.rethrow();
        }
        if (step < Long.MAX_VALUE) {
            Fill next = new Fill(step + 1, 1 - resultIndex);
            for (int i = 0; i < next.threads; i++) {
                workers.execute(next::work);
            }
            pending = next;
        }
        return buffers[resultIndex];
    }

    /** @return the number of normals per step, {@code n} */
    public int size() {
        return n;
    }

    /** @return the stream id the normals are drawn from */
    public int streamId() {
        return streamId;
    }

    /** @return the number of worker threads */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Cancels the prefetch and lets the worker threads exit; returns without waiting (running workers stop
     * after their current chunk). Idempotent. After closing, {@link #take(long)} throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pending != null) {
            pending.cancelled = true;
            pending = null;
        }
        workers.shutdown();
    }

    /** One fill of a buffer: chunks claimed by up to {@code threads} workers. */
    private final class Fill {
        final long step;
        final int bufferIndex;
        final int chunks;
        final int threads;
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch done;
        volatile boolean cancelled;

        Fill(long step, int bufferIndex) {
            this.step = step;
            this.bufferIndex = bufferIndex;
            this.chunks = (int) (((long) n + CHUNK - 1) / CHUNK);
            this.threads = Math.min(parallelism, chunks);
            this.done = new CountDownLatch(threads);
        }

        /**
         * A worker's share: chunks claimed one at a time, announced as {@link BackgroundWork} so that the CPU
         * backend's idle threads leave it the cores between the step's loops.
         */
        void work() {
            BackgroundWork.begin();
            try {
                claimChunks();
            } catch (Throwable t) {
                error.compareAndSet(null, t);
                cancelled = true;
            } finally {
                BackgroundWork.end();
                done.countDown();
            }
        }

        /**
         * The consumer claims the chunks no worker has started, rather than idle while it waits: when
         * the step outruns the prefetch, the rest of the fill runs on two threads. Not counted in
         * {@link #done} (the workers are); the chunks it claims are finished before it returns.
         */
        void help() {
            try {
                claimChunks();
            } catch (Throwable t) {
                error.compareAndSet(null, t);
                cancelled = true;
            }
        }

        /** Fills the chunks this thread claims, until none is left or the fill is cancelled. */
        private void claimChunks() {
            float[] dst = buffers[bufferIndex];
            int c;
            while (!cancelled && (c = nextChunk.getAndIncrement()) < chunks) {
                int first = c * CHUNK;
                filler.fill(step, first, dst, first, Math.min(CHUNK, n - first));
            }
        }

        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void rethrow() {
            Throwable t = error.get();
            if (t != null) {
                throw new IllegalStateException("Generating the noise of step " + step + " failed", t);
            }
        }
    }
}
