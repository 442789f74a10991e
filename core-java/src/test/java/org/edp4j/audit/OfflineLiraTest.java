package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OfflineLiraTest {

    @Test
    void logitConfidence() {
        // p = exp(-l); phi = log(p / (1 - p)).
        for (double l : new double[] {1e-6, 0.01, 0.6931471805599453, 2, 30}) {
            double p = Math.exp(-l);
            assertEquals(Math.log(p / (1 - p)), OfflineLira.logitConfidence(l), 1e-6 * Math.max(1, Math.abs(Math.log(l))));
        }
        assertEquals(0.0, OfflineLira.logitConfidence(Math.log(2)), 1e-15);
        assertTrue(Double.isFinite(OfflineLira.logitConfidence(0)));
    }

    /**
     * Examples differ in difficulty (a per-example offset of the loss); membership lowers the loss a
     * little. The loss threshold confuses hard members with easy non-members; calibrating by OUT
     * reference models removes the offset.
     */
    @Test
    void calibrationBeatsTheRawLossWhenDifficultyVaries() {
        SplittableRandom rng = new SplittableRandom(21);
        int m = 500;
        int n = 2 * m;
        int refs = 4;
        double[] difficulty = new double[n];
        for (int i = 0; i < n; i++) {
            difficulty[i] = rng.nextGaussian() * 2;
        }
        double[] target = new double[n];
        double[][] out = new double[refs][n];
        for (int i = 0; i < n; i++) {
            double shift = i < m ? -0.6 : 0;
            target[i] = loss(difficulty[i] + shift + 0.2 * rng.nextGaussian());
            for (int r = 0; r < refs; r++) {
                out[r][i] = loss(difficulty[i] + 0.2 * rng.nextGaussian());
            }
        }
        double lossAuc = auc(LossThresholdAttack.scores(target), m);
        double liraAuc = auc(OfflineLira.scores(target, out, true), m);
        double perExample = auc(OfflineLira.scores(target, out, false), m);
        assertTrue(lossAuc < 0.65, "raw loss " + lossAuc);
        assertTrue(liraAuc > 0.9, "calibrated " + liraAuc);
        assertTrue(perExample > 0.8, "per-example variance " + perExample);
    }

    /** A loss whose logit-confidence is {@code -x}: l = log(1 + e^x). */
    static double loss(double x) {
        return Math.log1p(Math.exp(x));
    }

    static double auc(double[] s, int m) {
        return Roc.of(Arrays.copyOfRange(s, 0, m), Arrays.copyOfRange(s, m, s.length)).auc();
    }

    @Test
    void badArgumentsAreRefused() {
        double[] t = {1, 2};
        assertThrows(IllegalArgumentException.class, () -> OfflineLira.scores(t, new double[0][], true));
        assertThrows(IllegalArgumentException.class, () -> OfflineLira.scores(t, new double[][] {{1, 2}}, false));
        assertThrows(IllegalArgumentException.class, () -> OfflineLira.scores(t, new double[][] {{1}}, true));
        assertThrows(IllegalArgumentException.class, () -> OfflineLira.scores(new double[] {Double.NaN, 1},
                new double[][] {{1, 2}}, true));
        assertThrows(IllegalArgumentException.class, () -> LossThresholdAttack.scores(new double[] {Double.NaN}));
    }
}
