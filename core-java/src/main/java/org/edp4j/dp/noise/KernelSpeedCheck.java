package org.edp4j.dp.noise;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Says once per JVM when the Vector API noise kernel runs far below its speed. On JDK 17, C2
 * sometimes compiles {@code VectorNoiseKernel} without its Vector API intrinsics, for the JVM's
 * life: about 10-30M normals/s a core instead of 165-260M, a private step several times slower
 * (docs/design-notes.md, "The Vector API noise kernel's slow path"). Nothing in the results
 * changes, so without this check it goes unnoticed.
 *
 * <p>The thread CPU time of every large fill is summed (a loaded machine slows the wall clock, not
 * this); after {@value #WARM_NORMALS} normals, past the JIT's warm-up, each window of
 * {@value #WINDOW_NORMALS} normals is compared with {@value #SLOW_RATE} normals per CPU second, under
 * a third of the slowest healthy rate measured here. The second slow window in a row is reported.
 */
final class KernelSpeedCheck {
    /** Normals drawn before any window counts (the Vector API code runs boxed until C2 compiles it). */
    static final long WARM_NORMALS = 1L << 26;
    /** Normals per window. */
    static final long WINDOW_NORMALS = 1L << 25;
    /** Consecutive slow windows before the report (one could be a JIT still at work). */
    static final int SLOW_WINDOWS = 2;
    /** Normals per CPU second below which a window is slow. */
    static final double SLOW_RATE = 50e6;
    /** Fills smaller than this are not timed (the clock's cost would show). */
    static final int TIMED_FILL = 1 << 16;

    private final LongSupplier cpuNanos;
    private long total;
    private long windowNormals;
    private long windowNanos;
    private int slowWindows;
    private boolean reported;

    /** @param cpuNanos the calling thread's CPU time in nanoseconds */
    KernelSpeedCheck(LongSupplier cpuNanos) {
        this.cpuNanos = cpuNanos;
    }

    /** The calling thread's CPU time, for {@link #observe}'s {@code start}. */
    long now() {
        return cpuNanos.getAsLong();
    }

    /**
     * Records a fill of {@code normals} that started at {@link #now()} = {@code start}.
     *
     * @return the one line to report the first time a window is slow, else null
     */
    synchronized String observe(long normals, long start) {
        long nanos = now() - start;
        if (reported) {
            return null;
        }
        total += normals;
        if (total <= WARM_NORMALS) {
            return null;
        }
        windowNormals += normals;
        windowNanos += nanos;
        if (windowNormals < WINDOW_NORMALS) {
            return null;
        }
        double rate = windowNormals / Math.max(1e-9, windowNanos * 1e-9);
        windowNormals = 0;
        windowNanos = 0;
        slowWindows = rate < SLOW_RATE ? slowWindows + 1 : 0;
        if (slowWindows < SLOW_WINDOWS) {
            return null;
        }
        reported = true;
        return String.format(Locale.ROOT, "the Vector API noise kernel draws %.0fM normals per CPU second, several "
                + "times below its speed: C2 compiled it without its intrinsics (JDK 17, see docs/design-notes.md, "
                + "\"The Vector API noise kernel's slow path\"); the values are unchanged. Passing "
                + "-XX:PerMethodTrapLimit=10000 to java avoids it", rate / 1e6);
    }
}
