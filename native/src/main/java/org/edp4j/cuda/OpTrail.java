package org.edp4j.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The operations queued on a stream since its last successful synchronization, so that an
 * asynchronous fault (an illegal address in a kernel, reported only by a later call that waits
 * or launches) can be traced to the operations it may come from. Keeps the last {@value #CAPACITY}
 * names (constant strings: recording allocates nothing) and how many were queued in all.
 *
 * <p>Not thread-safe: one per backend, used from the backend's thread.
 */
final class OpTrail {
    static final int CAPACITY = 16;

    private final String[] ring = new String[CAPACITY];
    private long count;

    /** Records an operation that was queued on the stream. */
    void queued(String op) {
        ring[(int) (count % CAPACITY)] = op;
        count++;
    }

    /** The stream was synchronized without error: nothing queued is pending any more. */
    void cleared() {
        count = 0;
    }

    /** The recorded operations, oldest first (at most {@value #CAPACITY}). */
    List<String> pending() {
        List<String> out = new ArrayList<>();
        for (long i = Math.max(0, count - CAPACITY); i < count; i++) {
            out.add(ring[(int) (i % CAPACITY)]);
        }
        return out;
    }

    /**
     * Why a call failed, naming the operations the fault may come from: "asynchronous fault in
     * this call or in one of the 3 operations queued since the last synchronization (oldest
     * first): gemm, clipFactors, embeddingScatterAddScaled; ...".
     */
    String describe() {
        if (count == 0) {
            return "no operation was queued since the last synchronization, so the fault is this call's";
        }
        long older = count - CAPACITY;
        return "asynchronous fault in this call or in one of the " + count + " operations queued since the last "
                + "synchronization (oldest first): " + (older > 0 ? "... " + older + " more, " : "")
                + String.join(", ", pending()) + "; rerun with -D" + CudaBackend.SYNC_EACH_OP_PROPERTY
                + "=true to stop at the faulting one";
    }
}
