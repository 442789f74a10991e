package org.edp4j.audit;

import java.util.SplittableRandom;

/** Seeded random permutations (Fisher–Yates), for the audits' splits of members and non-members. */
public final class Permutation {
    private Permutation() {
    }

    /** A uniformly random permutation of {@code 0 .. n-1} drawn from {@code rng}. */
    public static int[] of(int n, SplittableRandom rng) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation size must be >= 0, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
