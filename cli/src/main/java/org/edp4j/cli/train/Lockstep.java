package org.edp4j.cli.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the trainings of one {@code edp train} command in turns of one epoch: the private run's
 * epoch 1, the non-private run's epoch 1, the private run's epoch 2, and so on, so that their step
 * times are measured side by side (a neighbour's load on a shared machine hits both alike) rather
 * than one run after the other.
 *
 * <p>Each training keeps its own loop and runs on its own thread, but exactly one thread works at
 * any moment: a training hands the turn on when its next epoch starts ({@link #listener}), and
 * keeps it for everything before its first epoch and after its last (data, model, final
 * evaluation). The trainings share nothing but the machine, so their results are those of running
 * them one after the other; the first step of each epoch, which pays for what the other training
 * left running, is not timed ({@link org.edp4j.cli.StepTimes}).
 *
 * <p>When a training fails, the others stop at their next hand-over and {@link #run} throws the
 * first failure.
 */
final class Lockstep {

    /** One training; it calls {@link Turn#next()} (through {@link #listener}) between its blocks. */
    @FunctionalInterface
    interface Task<T> {
        T run(Turn turn) throws Exception;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final boolean[] done;
    private int current;
    private Throwable failure;

    private Lockstep(int tasks) {
        this.done = new boolean[tasks];
    }

    /**
     * Runs the tasks in turns, task 0 first, and returns their results in task order.
     *
     * @throws RuntimeException or {@link Error}: the first task's failure, as thrown (a checked
     *     exception wrapped in a {@link RuntimeException})
     */
    static <T> List<T> run(List<? extends Task<T>> tasks) {
        Lockstep ls = new Lockstep(tasks.size());
        List<T> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            results.add(null);
            int me = i;
            Task<T> task = tasks.get(i);
            Thread t = new Thread(() -> ls.work(me, task, results), "edp-train-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (ls.failure instanceof RuntimeException r) {
            throw r;
        }
        if (ls.failure instanceof Error e) {
            throw e;
        }
        if (ls.failure != null) {
            throw new RuntimeException(ls.failure.getMessage(), ls.failure);
        }
        return results;
    }

    /** A listener that hands the turn on when each epoch but the first starts, then calls {@code delegate}. */
    static TextTrainingRun.Listener listener(Turn turn, TextTrainingRun.Listener delegate) {
        return new ForwardingListener(delegate) {
            private boolean first = true;

            @Override
            public void epochStart(int epoch, int steps, double sigma) {
                if (!first) {
                    turn.next();
                }
                first = false;
                super.epochStart(epoch, steps, sigma);
            }
        };
    }

    /** A task's handle on the turn. */
    final class Turn {
        private final int me;

        private Turn(int me) {
            this.me = me;
        }

        /**
         * Hands the turn to the next unfinished task and waits until it comes back (at once when
         * every other task is done).
         *
         * @throws Aborted when another task failed meanwhile
         */
        void next() {
            lock.lock();
            try {
                pass(me);
                awaitTurn(me);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Thrown in a waiting task when another one failed. */
    static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super("stopped because another training failed", null, false, false);
        }
    }

    private <T> void work(int me, Task<T> task, List<T> results) {
        lock.lock();
        try {
            awaitTurn(me);
        } catch (Aborted a) {
            finish(me, null);
            return;
        } finally {
            lock.unlock();
        }
        Throwable thrown = null;
        try {
            T r = task.run(new Turn(me));
            synchronized (results) {
                results.set(me, r);
            }
        } catch (Throwable t) {
            thrown = t;
        }
        finish(me, thrown);
    }

    private void finish(int me, Throwable thrown) {
        lock.lock();
        try {
            if (thrown != null && !(thrown instanceof Aborted) && failure == null) {
                failure = thrown;
            }
            done[me] = true;
            pass(me);
        } finally {
            lock.unlock();
        }
    }

    /** Gives the turn to the next unfinished task after {@code me} (lock held). */
    private void pass(int me) {
        for (int k = 1; k <= done.length; k++) {
            int i = (me + k) % done.length;
            if (!done[i]) {
                current = i;
                break;
            }
        }
        changed.signalAll();
    }

    /** Waits until it is {@code me}'s turn (lock held); throws {@link Aborted} when a task failed. */
    private void awaitTurn(int me) {
        while (current != me && failure == null) {
            changed.awaitUninterruptibly();
        }
        if (failure != null) {
            throw new Aborted();
        }
    }
}
