package org.edp4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Announces work running beside the CPU backend's parallel loops, so that their idle workers leave
 * it the cores.
 *
 * <p>Between two loops a worker spins for a short while (a spinning worker joins the next loop within
 * a microsecond, a parked one takes 30-150 microseconds on a virtual machine), but a spinning
 * worker also holds a core. While background work is announced, say the noise prefetch of the next
 * private step, idle workers park as soon as a loop ends instead, and the gaps between loops (the
 * serial parts of a step) go to the background thread.
 *
 * <p>Announcements nest and may come from any thread: each {@link #begin()} is matched by one
 * {@link #end()}, in a {@code finally} block.
 */
public final class BackgroundWork {
    private static final AtomicInteger RUNNING = new AtomicInteger();

    private BackgroundWork() {
    }

    /** Background work starts: until the matching {@link #end()}, idle CPU workers do not spin. */
    public static void begin() {
        RUNNING.incrementAndGet();
    }

    /**
     * Background work announced by {@link #begin()} has finished.
     *
     * @throws IllegalStateException if there is no {@link #begin()} left to match
     */
    public static void end() {
        if (RUNNING.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
            throw new IllegalStateException("BackgroundWork.end() without a matching begin()");
        }
    }

    /** Whether background work is announced now. */
    static boolean active() {
        return RUNNING.get() > 0;
    }

    /** Number of announcements not yet ended (for tests). */
    static int announced() {
        return RUNNING.get();
    }
}
