package org.edp4j.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The wall times of one run's steps when two or more runs take turns on the machine in blocks of
 * steps (interleaved, as the benchmarks' {@code StepProfile} does), so that a neighbour's load on a
 * shared machine hits every run alike.
 *
 * <p>Two kinds of step are timed but not kept: the first {@code warmup} steps of the run (JIT
 * compilation), and the first step of every block, which pays for what the other run left running
 * (the private step's prefetch of its next noise keeps a core busy after the step returns). Timing
 * single alternating steps instead hides that prefetch inside the non-private step and flatters
 * the private one ({@code edp demo} printed a private/non-private ratio of 0.96 that way).
 *
 * <pre>{@code
 * StepTimes priv = new StepTimes(warmup), plain = new StepTimes(warmup);
 * StepTimes.alternate(steps, 5, priv, privateLoop::step, plain, plainLoop::step);
 * double ratio = priv.medianSeconds() / plain.medianSeconds();
 * }</pre>
 *
 * <p>Not thread-safe: one run's steps are timed by one thread at a time.
 */
public final class StepTimes {
    private final long warmup;
    private final LongSupplier clock;
    private final List<Long> kept;
    private long seen;
    private boolean blockStart = true;

    /**
     * A fresh run's times.
     *
     * @param warmup steps at the start of the run whose times are not kept, &gt;= 0
     * @throws IllegalArgumentException when {@code warmup < 0}
     */
    public StepTimes(long warmup) {
        this(warmup, 0, List.of());
    }

    /**
     * The times of a run that already took {@code seen} steps and kept {@code kept} (a resumed run).
     *
     * @param warmup steps at the start of the run whose times are not kept, &gt;= 0
     * @param seen steps already taken, &gt;= 0
     * @param kept the nanoseconds already kept; not modified (copied)
     * @throws IllegalArgumentException when {@code warmup} or {@code seen} is negative
     */
    public StepTimes(long warmup, long seen, List<Long> kept) {
        this(warmup, seen, kept, System::nanoTime);
    }

    /** A fresh run's times read from {@code clock} in nanoseconds (tests). */
    StepTimes(long warmup, LongSupplier clock) {
        this(warmup, 0, List.of(), clock);
    }

    private StepTimes(long warmup, long seen, List<Long> kept, LongSupplier clock) {
        if (warmup < 0 || seen < 0) {
            throw new IllegalArgumentException("warmup and seen must be >= 0, got " + warmup + " and " + seen);
        }
        this.warmup = warmup;
        this.clock = clock;
        this.seen = seen;
        this.kept = new ArrayList<>(kept);
    }

    /**
     * Runs {@code steps} steps of each of two runs, taking turns in blocks of {@code block} steps
     * (run a first; the last block may be shorter), and times every step.
     *
     * @param steps steps of each run, &gt;= 0
     * @param block steps per turn, &gt;= 2 (with 1, no step would be kept)
     * @throws IllegalArgumentException when {@code steps < 0} or {@code block < 2}
     */
    public static void alternate(long steps, int block, StepTimes aTimes, Runnable aStep, StepTimes bTimes,
            Runnable bStep) {
        if (steps < 0 || block < 2) {
            throw new IllegalArgumentException("steps must be >= 0 and block >= 2, got " + steps + " and " + block);
        }
        for (long from = 0; from < steps; from += block) {
            long n = Math.min(block, steps - from);
            aTimes.block(n, aStep);
            bTimes.block(n, bStep);
        }
    }

    private void block(long n, Runnable step) {
        newBlock();
        for (long k = 0; k < n; k++) {
            long t0 = clock.getAsLong();
            step.run();
            record(clock.getAsLong() - t0);
        }
    }

    /** The next step starts a block: the other run ran since this run's last step (or never did). */
    public void newBlock() {
        blockStart = true;
    }

    /** Runs {@code step}, times it and keeps the time unless it is a warm-up step or a block's first. */
    public <T> T time(Supplier<T> step) {
        long t0 = clock.getAsLong();
        T result = step.get();
        record(clock.getAsLong() - t0);
        return result;
    }

    /** Records one step's wall time (kept unless it is a warm-up step or a block's first). */
    public void record(long nanos) {
        if (!blockStart && seen >= warmup) {
            kept.add(nanos);
        }
        blockStart = false;
        seen++;
    }

    /** The kept times in nanoseconds, in step order (unmodifiable). */
    public List<Long> kept() {
        return Collections.unmodifiableList(kept);
    }

    /** The median kept time in seconds (upper median for an even count); NaN when none was kept. */
    public double medianSeconds() {
        if (kept.isEmpty()) {
            return Double.NaN;
        }
        long[] a = kept.stream().mapToLong(Long::longValue).sorted().toArray();
        return a[a.length / 2] / 1e9;
    }
}
