package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RocTest {

    static final double TOL = 1e-12;

    /** Scores on a coarse grid so that many ties occur, members shifted up by {@code shift}. */
    static double[] scores(SplittableRandom rng, int n, double shift) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.round((rng.nextGaussian() + shift) * 4) / 4.0;
        }
        return s;
    }

    @Test
    void aucEqualsThePairwiseCount() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int trial = 0; trial < 50; trial++) {
            double[] m = scores(rng, 1 + rng.nextInt(60), rng.nextDouble() * 2 - 0.5);
            double[] n = scores(rng, 1 + rng.nextInt(60), 0);
            double pairs = 0;
            for (double a : m) {
                for (double b : n) {
                    pairs += a > b ? 1 : a == b ? 0.5 : 0;
                }
            }
            assertEquals(pairs / ((double) m.length * n.length), Roc.of(m, n).auc(), TOL, "trial " + trial);
        }
    }

    @Test
    void tprAtFprAndAdvantageEqualBruteForce() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int trial = 0; trial < 50; trial++) {
            double[] m = scores(rng, 2 + rng.nextInt(80), 1);
            double[] n = scores(rng, 2 + rng.nextInt(80), 0);
            Roc roc = Roc.of(m, n);
            for (double maxFpr : new double[] {0, 0.001, 0.01, 0.1, 0.5, 1}) {
                double best = 0;
                double adv = 0;
                for (double t : concat(m, n)) {
                    double tpr = Roc.countAtLeast(m, t) / (double) m.length;
                    double fpr = Roc.countAtLeast(n, t) / (double) n.length;
                    if (fpr <= maxFpr) {
                        best = Math.max(best, tpr);
                    }
                    adv = Math.max(adv, tpr - fpr);
                }
                assertEquals(best, roc.tprAtFpr(maxFpr), TOL);
                assertEquals(adv, roc.advantage(), TOL);
            }
        }
    }

    static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void extremesAndTies() {
        Roc perfect = Roc.of(new double[] {3, 4}, new double[] {1, 2});
        assertEquals(1.0, perfect.auc());
        assertEquals(1.0, perfect.tprAtFpr(0));
        assertEquals(1.0, perfect.advantage());
        Roc allTied = Roc.of(new double[] {1, 1, 1}, new double[] {1, 1});
        assertEquals(0.5, allTied.auc());
        assertEquals(0.0, allTied.tprAtFpr(0.5));
        assertEquals(0.0, allTied.advantage());
        assertEquals(2, allTied.points());
        assertEquals(Double.POSITIVE_INFINITY, allTied.threshold(0));
        assertEquals(0.0, Roc.of(new double[] {0}, new double[] {1}).auc());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[0], new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {1}, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {Double.NaN}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {1}, new double[] {1}).tprAtFpr(2));
    }
}
