package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A decaying noise schedule: its epsilon, and the calibration of its first sigma. */
class GeometricScheduleTest {

    /** edp train's default sampling: batch 1024 of 4,717 emails, 5 steps per epoch. */
    static final double Q = 1024.0 / 4717;
    static final double DELTA = 1e-5;

    @Test
    void composedEpsilonEqualsTheAccountantSteppedStepByStep() {
        GeometricSchedule s = new GeometricSchedule(Q, 5, 40, 0.95);
        double sigma0 = 20;
        RdpAccountant stepByStep = new RdpAccountant();
        for (int e = 0; e < 40; e++) {
            for (int k = 0; k < 5; k++) {
                stepByStep.step(sigma0 * Math.pow(0.95, e), Q, 1);
            }
        }
        assertEquals(stepByStep.getEpsilon(DELTA), s.epsilon(sigma0, DELTA), 0.0);
        assertEquals(200, s.account(sigma0).totalSteps());
        assertEquals(40, s.account(sigma0).history().size(), "one entry per distinct sigma");
    }

    @Test
    void aConstantScheduleIsOneRun() {
        GeometricSchedule s = new GeometricSchedule(Q, 5, 3000, 1.0);
        assertEquals(1, s.account(3).history().size());
        double sigma = s.calibrate(3.0, DELTA);
        assertEquals(NoiseCalibration.noiseMultiplierFor(3.0, DELTA, Q, 15_000, "rdp"), sigma, 0.0);
    }

    /**
     * Bisection on the exact epsilon to 2e-5 relative, in a bracket 1 % around {@code guess} whose
     * ends are checked (so the guess cannot bias the answer).
     */
    static double exactSmallest(GeometricSchedule s, double target, double guess) {
        double lo = guess / 1.01;
        double hi = guess * 1.01;
        assertTrue(s.epsilon(lo, DELTA) > target && s.epsilon(hi, DELTA) <= target, "bracket around " + guess);
        while (hi - lo > 2e-5 * hi) {
            double mid = 0.5 * (lo + hi);
            if (s.epsilon(mid, DELTA) <= target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** The interpolated search finds the exact answer to within 3e-4 relative (seen: 5e-5), and meets the target. */
    @ParameterizedTest
    @CsvSource({"0.9, 30, 3", "0.99, 80, 3", "0.999, 60, 1", "0.99, 20, 8", "0.9, 5, 0.5"})
    void calibrationMeetsTheTargetAndIsNearlyTheSmallest(double decay, int epochs, double target) {
        GeometricSchedule s = new GeometricSchedule(Q, 5, epochs, decay);
        double sigma0 = s.calibrate(target, DELTA);
        double exact = exactSmallest(s, target, sigma0);
        assertTrue(s.epsilon(sigma0, DELTA) <= target, "meets the target: " + s.epsilon(sigma0, DELTA));
        assertTrue(sigma0 >= exact * (1 - 2e-5) && sigma0 <= exact * (1 + 3e-4), sigma0 + " vs exact " + exact);
    }

    /**
     * 10,000 epochs of 5 steps, each epoch with its own sigma: the search on the exact epsilon would
     * account 10,000 sigmas at 151 orders per trial (minutes); this takes well under a second on a
     * quiet machine (the bound leaves room for a busy one).
     */
    @Test
    void tenThousandEpochsCalibrateQuickly() {
        GeometricSchedule s = new GeometricSchedule(Q, 5, 10_000, 0.9999);
        s.calibrate(3.0, DELTA); // JIT warm-up
        long t0 = System.nanoTime();
        double sigma0 = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> s.calibrate(3.0, DELTA));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 2.0, "took " + seconds + " s");
        // Epsilon at one order bounds the minimum over all: checked at the orders the optimum is near.
        double best = Double.POSITIVE_INFINITY;
        for (double order = 6; order <= 10; order += 0.5) {
            best = Math.min(best, s.exactEpsilonAtOrder(sigma0, order, DELTA));
        }
        assertTrue(best <= 3.0, "meets the target: " + best);
        assertTrue(best > 3.0 * (1 - 1e-3), "and not by much: " + best);
    }

    @Test
    void aTargetThatCannotBeMetSaysWhy() {
        GeometricSchedule s = new GeometricSchedule(Q, 5, 300, 0.9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.calibrate(3.0, DELTA));
        assertTrue(e.getMessage().startsWith("target epsilon 3.0 cannot be met: with decay 0.9 over 300 epochs the "
                + "last epoch's noise multiplier is sigma_0 x 2.08e-14, and even with sigma_0 = 1e+06 the last "), e.getMessage());
        assertTrue(e.getMessage().endsWith("use a decay closer to 1 or fewer epochs"), e.getMessage());
    }

    /** A private vocabulary's Gaussian step (q = 1) comes first; the calibration meets the total. */
    @Test
    void priorMechanismsAreAccountedFirst() {
        List<MechanismRun> vocabulary = List.of(MechanismRun.of(6.5, 1.0, 1));
        GeometricSchedule s = new GeometricSchedule(Q, 5, 40, 0.95, vocabulary);
        assertEquals(vocabulary.get(0), s.account(20).history().get(0));
        double sigma0 = s.calibrate(3.0, DELTA);
        double eps = s.epsilon(sigma0, DELTA);
        assertTrue(eps <= 3.0 && eps > 3.0 * (1 - 1e-3), "epsilon " + eps);
        double without = new GeometricSchedule(Q, 5, 40, 0.95).calibrate(3.0, DELTA);
        assertTrue(sigma0 > without, "the vocabulary's share needs more noise: " + sigma0 + " vs " + without);
        GeometricSchedule constant = new GeometricSchedule(Q, 5, 40, 1.0, vocabulary);
        assertTrue(constant.epsilon(constant.calibrate(3.0, DELTA), DELTA) <= 3.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GeometricSchedule(Q, 5, 40, 0.95, List.of(MechanismRun.of(0.5, 1.0, 1))).calibrate(3.0, DELTA));
        assertTrue(e.getMessage().contains("cannot be met: the mechanisms accounted before the schedule"), e.getMessage());
    }

    @Test
    void argumentsOutOfRangeAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new GeometricSchedule(Q, 5, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new GeometricSchedule(Q, 5, 10, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new GeometricSchedule(Q, 0, 10, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new GeometricSchedule(Q, 5, 0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new GeometricSchedule(1.5, 5, 10, 0.9));
    }

    @Test
    void betweenSumsAGeometricRun() {
        // f(i) = 2 * 3^(i/4), i = 0..3
        double want = 0;
        for (int i = 0; i < 4; i++) {
            want += 2 * Math.pow(3, i / 4.0);
        }
        assertEquals(want, GeometricSchedule.between(2, 6, 4), 1e-12);
        assertEquals(8, GeometricSchedule.between(2, 2, 4), 1e-12);
        assertEquals(0 + 2 + 4, GeometricSchedule.between(0, 6, 3), 1e-12); // linear when an end is 0
        assertEquals(Double.POSITIVE_INFINITY, GeometricSchedule.between(1, Double.POSITIVE_INFINITY, 3));
    }
}
