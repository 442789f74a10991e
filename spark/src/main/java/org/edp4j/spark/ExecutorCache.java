package org.edp4j.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reusable per-task workers (a model replica, its batch and scratch) in an executor's JVM, so that
 * a round or step does not rebuild them in every task. Workers are kept per job key (one key per
 * {@link SparkRoundExecutor} or {@link SparkTrainingLoop}); a task borrows one, uses it alone and
 * gives it back. Only the {@value #KEYS} most recently used keys keep their workers, so an executor
 * that outlives many jobs does not accumulate replicas; the driver's own JVM (Spark's local mode) is
 * cleared by the job's {@code close()}.
 */
final class ExecutorCache {
    /** Job keys whose workers are kept. */
    static final int KEYS = 4;

    private static final Map<String, Deque<AutoCloseable>> POOLS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<AutoCloseable>> eldest) {
            if (size() > KEYS) {
                closeAll(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    private ExecutorCache() {
    }

    /** A worker of job {@code key}: a kept one, or a new one from {@code create}. */
    @SuppressWarnings("unchecked")
    static <T extends AutoCloseable> T borrow(String key, Supplier<T> create) {
        synchronized (POOLS) {
            Deque<AutoCloseable> pool = POOLS.get(key);
            if (pool != null && !pool.isEmpty()) {
                return (T) pool.pop();
            }
        }
        return create.get();
    }

    /** Keeps {@code worker} for the next task of job {@code key}. */
    static void giveBack(String key, AutoCloseable worker) {
        synchronized (POOLS) {
            POOLS.computeIfAbsent(key, k -> new ArrayDeque<>()).push(worker);
        }
    }

    /** Closes and forgets the workers of job {@code key} in this JVM. */
    static void clear(String key) {
        Deque<AutoCloseable> pool;
        synchronized (POOLS) {
            pool = POOLS.remove(key);
        }
        if (pool != null) {
            closeAll(pool);
        }
    }

    /** @return the number of workers kept for {@code key} (tests) */
    static int kept(String key) {
        synchronized (POOLS) {
            Deque<AutoCloseable> pool = POOLS.get(key);
            return pool == null ? 0 : pool.size();
        }
    }

    private static void closeAll(Deque<AutoCloseable> pool) {
        List<AutoCloseable> all = new ArrayList<>(pool);
        pool.clear();
        for (AutoCloseable w : all) {
            try {
                w.close();
            } catch (Exception ignored) {
                // A worker holds memory only; nothing to report.
            }
        }
    }
}
