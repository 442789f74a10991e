package org.edp4j.dp.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NoisePrefetcherTest {

    static final GaussianNoise NOISE = GaussianNoise.insecureSeeded(31);

    static float[] direct(int stream, long step, int n) {
        float[] x = new float[n];
        NOISE.fillNormals(stream, step, 0, x, 0, n, 1f);
        return x;
    }

    @Test
    void consecutiveStepsEqualDirectFillsAcrossChunks() {
        int n = 3 * NoisePrefetcher.CHUNK + 13;
        try (NoisePrefetcher p = new NoisePrefetcher(NOISE, GaussianNoise.GRADIENT_NOISE, n, 3)) {
            for (long step = 0; step < 5; step++) {
                float[] got = p.take(step);
                assertEquals(n, got.length);
                assertArrayEquals(direct(0, step, n), got, "step " + step);
            }
        }
    }

    @Property(tries = 15)
    void anySequenceOfStepsEqualsDirectFills(
            @ForAll @Size(min = 1, max = 6) List<@LongRange(min = 0, max = 12) Long> steps,
            @ForAll @IntRange(min = 0, max = 2 * NoisePrefetcher.CHUNK + 9) int n,
            @ForAll @IntRange(min = 1, max = 4) int parallelism) {
        try (NoisePrefetcher p = new NoisePrefetcher(NOISE, 1, n, parallelism)) {
            for (long step : steps) {
                assertArrayEquals(direct(1, step, n), p.take(step), "step " + step);
            }
        }
    }

    @Test
    void resumeAndRepeatGenerateSynchronously() {
        int n = 1001;
        try (NoisePrefetcher p = new NoisePrefetcher(NOISE, 0, n, 2)) {
            for (long step : new long[] {7, 8, 8, 3, 100, 101, Long.MAX_VALUE, 0}) {
                assertArrayEquals(direct(0, step, n), p.take(step), "step " + step);
            }
        }
    }

    @Test
    void returnedBufferIsNotTouchedByThePrefetchAndMayBeModified() throws Exception {
        int n = 2 * NoisePrefetcher.CHUNK;
        try (NoisePrefetcher p = new NoisePrefetcher(NOISE, 0, n, 2)) {
            float[] a = p.take(4);
            Thread.sleep(100); // let the prefetch of step 5 run; it must write the other buffer
            assertArrayEquals(direct(0, 4, n), a);
            Arrays.fill(a, Float.NaN);
            float[] b = p.take(5);
            assertArrayEquals(direct(0, 5, n), b);
            float[] c = p.take(6);
            assertArrayEquals(direct(0, 6, n), c);
            assertTrue(c == a && p.take(7) == b, "the two buffers alternate");
        }
    }

    @Test
    void nextStepIsGeneratedInTheBackgroundOnDaemonThreads() throws Exception {
        List<String> fills = new CopyOnWriteArrayList<>();
        CountDownLatch step2Done = new CountDownLatch(1);
        AtomicBoolean allDaemon = new AtomicBoolean(true);
        NoisePrefetcher.Filler filler = (step, first, dst, off, len) -> {
            NOISE.fillNormals(0, step, first, dst, off, len, 1f);
            fills.add(step + "@" + Thread.currentThread().getName());
            if (Thread.currentThread() != testThread) {
                allDaemon.compareAndSet(true, Thread.currentThread().isDaemon());
            }
            if (step == 2) {
                step2Done.countDown();
            }
        };
        testThread = Thread.currentThread();
        try (NoisePrefetcher p = new NoisePrefetcher(filler, 0, 100, 1)) {
            p.take(1);
            assertTrue(step2Done.await(10, TimeUnit.SECONDS));
            assertArrayEquals(direct(0, 2, 100), p.take(2));
        }
        assertTrue(fills.contains("1@" + testThread.getName()), fills.toString()); // synchronous first step
        assertFalse(fills.contains("2@" + testThread.getName()), fills.toString()); // prefetched
        assertTrue(allDaemon.get());
    }

    private volatile Thread testThread;

    @Test
    void backgroundFailureSurfacesOnTheNextTakeAndIsNotCached() {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        NoisePrefetcher.Filler filler = (step, first, dst, off, len) -> {
            if (step == 3 && failOnce.getAndSet(false)) {
                throw new ArithmeticException("injected");
            }
            NOISE.fillNormals(0, step, first, dst, off, len, 1f);
        };
        try (NoisePrefetcher p = new NoisePrefetcher(filler, 0, 50, 2)) {
            assertArrayEquals(direct(0, 2, 50), p.take(2)); // starts the failing prefetch of step 3
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.take(3));
            assertTrue(e.getCause() instanceof ArithmeticException);
            assertTrue(e.getMessage().contains("step 3"), e.getMessage());
            assertArrayEquals(direct(0, 3, 50), p.take(3)); // retried synchronously
        }
    }

    @Test
    void failedPrefetchOfAnotherStepAlsoSurfaces() throws Exception {
        CountDownLatch failing = new CountDownLatch(1);
        NoisePrefetcher.Filler filler = (step, first, dst, off, len) -> {
            if (step == 6) {
                failing.countDown(); // a prefetch cancelled before it ran would have nothing to report
                throw new IllegalStateException("injected");
            }
            NOISE.fillNormals(0, step, first, dst, off, len, 1f);
        };
        try (NoisePrefetcher p = new NoisePrefetcher(filler, 0, 50, 1)) {
            p.take(5);
            assertTrue(failing.await(10, TimeUnit.SECONDS));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.take(9));
            assertEquals("injected", e.getCause().getMessage());
            assertArrayEquals(direct(0, 9, 50), p.take(9));
            assertThrows(IllegalStateException.class, () -> p.take(6)); // synchronous failure
        }
    }

    @Test
    void closeIsIdempotentAndTakeAfterCloseThrows() {
        NoisePrefetcher p = new NoisePrefetcher(NOISE, 0, 10);
        p.take(0);
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, () -> p.take(1));
    }

    @Test
    void invalidArgumentsAreRejectedWithTheirName() {
        GaussianNoiseTest.assertNamed("streamId", () -> new NoisePrefetcher(NOISE, -1, 10));
        GaussianNoiseTest.assertNamed("n", () -> new NoisePrefetcher(NOISE, 0, -1));
        GaussianNoiseTest.assertNamed("parallelism", () -> new NoisePrefetcher(NOISE, 0, 10, 0));
        assertThrows(NullPointerException.class, () -> new NoisePrefetcher((GaussianNoise) null, 0, 10));
        try (NoisePrefetcher p = new NoisePrefetcher(NOISE, 0, 10)) {
            GaussianNoiseTest.assertNamed("step", () -> p.take(-1));
            assertEquals(10, p.size());
            assertEquals(0, p.streamId());
            assertEquals(NoisePrefetcher.defaultParallelism(), p.parallelism());
        }
    }
}
