package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PrivacyBudgetTest {

    @ParameterizedTest
    @ValueSource(strings = {"rdp", "prv"})
    void refusesTheStepThatWouldPassTheTargetWithoutChangingAnything(String name) {
        double sigma = 1.0;
        double q = 0.05;
        long allowed = NoiseCalibration.maxSteps(sigma, q, 2.0, 1e-5, name);
        PrivacyBudget budget = new PrivacyBudget(PrivacyAccountants.byName(name), 2.0, 1e-5);
        for (long i = 0; i < allowed; i++) {
            budget.checkStep(sigma, q);
            budget.recordStep(sigma, q);
        }
        String before = budget.accountant().saveState();
        double spent = budget.spentEpsilon();
        assertTrue(spent <= 2.0);
        PrivacyBudgetExceededException e =
                assertThrows(PrivacyBudgetExceededException.class, () -> budget.checkStep(sigma, q));
        assertEquals(before, budget.accountant().saveState());
        assertEquals(allowed, budget.accountant().totalSteps());
        assertTrue(e.getMessage().contains("step " + (allowed + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("target epsilon 2.0"), e.getMessage());
        assertEquals(spent, e.spentEpsilon(), 0.0);
        assertTrue(e.epsilonAfterStep() > 2.0);
        // a step with more noise may still fit
        budget.checkStep(100.0, q);
    }

    @Test
    void allowanceCacheNoticesOutsideSteps() {
        RdpAccountant acc = new RdpAccountant();
        PrivacyBudget budget = new PrivacyBudget(acc, 3.0, 1e-5);
        long r0 = budget.remainingSteps(1.0, 0.05);
        budget.recordStep(1.0, 0.05);
        assertEquals(r0 - 1, budget.remainingSteps(1.0, 0.05));
        acc.step(0.5, 0.05, 10); // behind the budget's back
        long r1 = budget.remainingSteps(1.0, 0.05);
        assertTrue(r1 < r0 - 11, r0 + " then " + r1);
        assertEquals(NoiseCalibrationTestHelper.maxStepsFrom(acc, 1.0, 0.05, 3.0, 1e-5), r1);
    }

    @Test
    void checkIsCheapEnoughForEveryStep() {
        PrivacyBudget budget = new PrivacyBudget(new RdpAccountant(), 1e9, 1e-5);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            double sigma = 1.0 + (i / 1000) * 0.01; // decays every 1000 steps
            budget.checkStep(sigma, 0.01);
            budget.recordStep(sigma, 0.01);
        }
        double perStepMicros = (System.nanoTime() - t0) / 1e3 / 20_000;
        assertTrue(perStepMicros < 500, perStepMicros + " us per step");
        assertEquals(20, budget.accountant().history().size());
    }

    @Test
    void validation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PrivacyBudget(new RdpAccountant(), 1.0, 1.0));
        assertEquals("delta must be in (0, 1), got 1.0", e.getMessage());
        PrivacyBudget b = new PrivacyBudget(new RdpAccountant(), 1.0, 1e-5);
        assertThrows(IllegalArgumentException.class, () -> b.checkStep(1.0, 2.0));
        assertEquals(1.0, b.targetEpsilon());
        assertEquals(1e-5, b.delta());
    }

    /** Brute force: the largest k with epsilonAfter(k) <= target. */
    static final class NoiseCalibrationTestHelper {
        static long maxStepsFrom(PrivacyAccountant acc, double sigma, double q, double target, double delta) {
            long k = 0;
            while (acc.epsilonAfter(sigma, q, k + 1, delta) <= target) {
                k++;
            }
            return k;
        }
    }
}
