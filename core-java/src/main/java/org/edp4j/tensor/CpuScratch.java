package org.edp4j.tensor;

import java.util.Arrays;

/**
 * Per-thread scratch arrays of the CPU kernels that need one per sample (the embedding and
 * LayerNorm norms). Each grows once to the largest size asked for, so a step whose shapes do not
 * change allocates nothing.
 */
final class CpuScratch {
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[0]);
    private static final ThreadLocal<int[]> HASH = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> SLOTS = ThreadLocal.withInitial(() -> new int[0]);

    private CpuScratch() {
    }

    /** At least {@code n} floats of this thread's scratch (contents undefined). */
    static float[] floats(int n) {
        float[] s = FLOATS.get();
        if (s.length < n) {
            s = new float[n];
            FLOATS.set(s);
        }
        return s;
    }

    /** At least {@code n} doubles of this thread's scratch (contents undefined). */
    static double[] doubles(int n) {
        double[] s = DOUBLES.get();
        if (s.length < n) {
            s = new double[n];
            DOUBLES.set(s);
        }
        return s;
    }

    /** A per-thread open-addressing table of at least {@code n} slots, all -1 (users clear what they set). */
    static int[] hashTable(int n) {
        int[] s = HASH.get();
        if (s.length < n) {
            s = new int[n];
            Arrays.fill(s, -1);
            HASH.set(s);
        }
        return s;
    }

    /** At least {@code n} ints of this thread's scratch (contents undefined). */
    static int[] slots(int n) {
        int[] s = SLOTS.get();
        if (s.length < n) {
            s = new int[n];
            SLOTS.set(s);
        }
        return s;
    }
}
