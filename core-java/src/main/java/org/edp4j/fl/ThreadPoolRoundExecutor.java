package org.edp4j.fl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link RoundExecutor} on one machine: the calling thread flips every device's coin
 * ({@link RoundTask#devices()}), the selected devices train on {@code threads} worker threads, one
 * {@link DeviceTrainer} (model replica) per thread, and the calling thread adds their clipped
 * updates to the sum <em>in device order</em> as they complete. Device k writes its update into
 * buffer {@code k mod 2T}, and device {@code k + 2T} is submitted only once device k has been
 * added, so at most {@code 2T} updates are held at once and the sum is the same, bit for bit, for
 * any number of threads. With one thread the devices run on the calling thread.
 *
 * <p>Not thread-safe: one server drives one executor.
 */
public final class ThreadPoolRoundExecutor implements RoundExecutor {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final Supplier<DeviceTrainer> trainers;
    private final ExecutorService pool;
    private final ThreadLocal<DeviceTrainer> trainer;
    private final List<DeviceTrainer> created = new ArrayList<>();
    private final List<ModelVector> buffers = new ArrayList<>();

    /**
     * @param threads worker threads, {@code >= 1}
     * @param trainers makes one worker per thread (called lazily, on the worker's thread; must be thread-safe)
     * @throws IllegalArgumentException when threads is below 1
     */
    public ThreadPoolRoundExecutor(int threads, Supplier<DeviceTrainer> trainers) {
        if (threads < 1) {
            throw new IllegalArgumentException("executor threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.trainers = Objects.requireNonNull(trainers, "trainers");
        this.trainer = ThreadLocal.withInitial(this::newTrainer);
        if (threads == 1) {
            this.pool = null;
        } else {
            int id = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "edp4j-fl-" + id + "-device-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    private DeviceTrainer newTrainer() {
        DeviceTrainer t = trainers.get();
        synchronized (created) {
            created.add(t);
        }
        return t;
    }

    @Override
    public RoundTally run(RoundTask task, ModelVector sum) {
        sum.zero();
        int[] devices = task.devices();
        RoundTally tally = RoundTally.EMPTY;
        if (pool == null) {
            ModelVector buf = buffer(0, sum);
            for (int device : devices) {
                tally = tally.plus(trainer.get().update(task, device, buf));
                sum.add(buf);
            }
            return tally;
        }
        int window = Math.min(2 * threads, devices.length);
        @SuppressWarnings("unchecked")
        Future<DeviceOutcome>[] running = new Future[Math.max(1, window)];
        int submitted = 0;
        try {
            for (; submitted < window; submitted++) {
                running[submitted] = submit(task, devices[submitted], buffer(submitted, sum));
            }
            for (int k = 0; k < devices.length; k++) {
                int slot = k % window;
                DeviceOutcome o = running[slot].get();
                running[slot] = null;
                sum.add(buffers.get(slot));
                tally = tally.plus(o);
                if (submitted < devices.length) {
                    running[slot] = submit(task, devices[submitted], buffers.get(slot));
                    submitted++;
                }
            }
            return tally;
        } catch (ExecutionException e) {
            drain(running);
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a device failed: " + c, c);
        } catch (InterruptedException e) {
            drain(running);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the devices of round " + task.round(), e);
        }
    }

    private Future<DeviceOutcome> submit(RoundTask task, int device, ModelVector out) {
        return pool.submit(() -> trainer.get().update(task, device, out));
    }

    /** The update buffer of a slot, allocated once, shaped like {@code like}. */
    private ModelVector buffer(int slot, ModelVector like) {
        while (buffers.size() <= slot) {
            float[][] parts = new float[like.partCount()][];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = new float[like.part(i).length];
            }
            buffers.add(ModelVector.wrap(parts));
        }
        return buffers.get(slot);
    }

    /** Cancels what has not started and waits for what has, so no worker writes a buffer after we return. */
    private static void drain(Future<DeviceOutcome>[] running) {
        for (Future<DeviceOutcome> f : running) {
            if (f != null) {
                f.cancel(false);
            }
        }
        for (Future<DeviceOutcome> f : running) {
            if (f != null && !f.isCancelled()) {
                try {
                    f.get();
                } catch (Exception ignored) {
                    // The first failure is the one reported.
                }
            }
        }
    }

    /** @return the number of worker threads */
    public int threads() {
        return threads;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        synchronized (created) {
            for (DeviceTrainer t : created) {
                t.close();
            }
            created.clear();
        }
    }
}
