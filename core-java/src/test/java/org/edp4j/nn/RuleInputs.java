package org.edp4j.nn;

import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;

/**
 * Random inputs of the rule tests: Gaussian values, and NaN in the rows of masked samples; for
 * privacy units of k samples, masks per unit and units whose samples repeat or cancel the first.
 */
final class RuleInputs {
    private RuleInputs() {
    }

    /** {@code batch * rowsPerSample * width} Gaussian values; the rows of masked samples are NaN. */
    static float[] rows(SplittableRandom rng, int batch, int rowsPerSample, int width, boolean[] masked) {
        float[] x = new float[batch * rowsPerSample * width];
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < rowsPerSample * width; k++) {
                x[i * rowsPerSample * width + k] = masked[i] ? Float.NaN : (float) rng.nextGaussian();
            }
        }
        return x;
    }

    /** Each sample masked with probability 1/4. */
    static boolean[] masks(SplittableRandom rng, int batch) {
        boolean[] m = new boolean[batch];
        for (int i = 0; i < batch; i++) {
            m[i] = rng.nextInt(4) == 0;
        }
        return m;
    }

    /** Each unit of k samples masked with probability 1/4, all its samples alike. */
    static boolean[] masks(SplittableRandom rng, int units, int k) {
        boolean[] m = new boolean[units * k];
        for (int u = 0; u < units; u++) {
            boolean masked = rng.nextInt(4) == 0;
            for (int j = 0; j < k; j++) {
                m[u * k + j] = masked;
            }
        }
        return m;
    }

    /** How the other samples of a unit relate to its first (the degenerate cases of unit clipping). */
    enum Relation {
        /** Fresh values. */
        INDEPENDENT,
        /** The same inputs as the first sample: the unit's gradient is k times the first's. */
        SAME,
        /** The same activations, the opposite gradients: the unit's gradient cancels (k = 2) to 0. */
        OPPOSITE
    }

    /** A relation per unit, each with probability 1/3 (INDEPENDENT for k = 1). */
    static Relation[] relations(SplittableRandom rng, int units, int k) {
        Relation[] r = new Relation[units];
        for (int u = 0; u < units; u++) {
            r[u] = k == 1 ? Relation.INDEPENDENT : Relation.values()[rng.nextInt(3)];
        }
        return r;
    }

    /**
     * Rewrites samples 1 .. k-1 of every related unit from its sample 0 ({@code perSample} values
     * each): copies, negated for an OPPOSITE unit when {@code gradient}.
     */
    static void relate(float[] x, Relation[] relations, int k, int perSample, boolean gradient) {
        for (int u = 0; u < relations.length; u++) {
            if (relations[u] == Relation.INDEPENDENT) {
                continue;
            }
            float sign = gradient && relations[u] == Relation.OPPOSITE ? -1f : 1f;
            int first = u * k * perSample;
            for (int j = 1; j < k; j++) {
                for (int e = 0; e < perSample; e++) {
                    x[first + j * perSample + e] = sign * x[first + e];
                }
            }
        }
    }

    /** {@link #relate(float[], Relation[], int, int, boolean)} for token ids: copies for every related unit. */
    static void relate(int[] ids, Relation[] relations, int k, int perSample) {
        for (int u = 0; u < relations.length; u++) {
            if (relations[u] != Relation.INDEPENDENT) {
                int first = u * k * perSample;
                for (int j = 1; j < k; j++) {
                    System.arraycopy(ids, first, ids, first + j * perSample, perSample);
                }
            }
        }
    }

    /** A parameter of the given shape with Gaussian values. */
    static Parameter parameter(Backend be, SplittableRandom rng, String name, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return new Parameter(name, be.tensor(v, dims));
    }
}
