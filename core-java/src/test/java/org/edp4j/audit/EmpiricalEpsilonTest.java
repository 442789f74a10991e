package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EmpiricalEpsilonTest {

    @Test
    void formulaWithClopperPearsonBounds() {
        // 900 of 1000 members, 100 of 1000 non-members; both terms from TPR_lo and FPR_hi at alpha/2.
        double tprLo = ClopperPearson.lower(900, 1000, 0.025);
        double fprHi = ClopperPearson.upper(100, 1000, 0.025);
        double expected = Math.max(Math.log((tprLo - 1e-5) / fprHi), Math.log((1 - fprHi - 1e-5) / (1 - tprLo)));
        assertEquals(expected, EmpiricalEpsilon.lowerBound(900, 1000, 100, 1000, 1e-5, 0.05), 1e-12);
        assertTrue(expected > 1.5 && expected < Math.log(9), "below the point estimate log 9: " + expected);
    }

    @Test
    void noSeparationGivesZero() {
        assertEquals(0.0, EmpiricalEpsilon.lowerBound(500, 1000, 500, 1000, 1e-5, 0.05));
        assertEquals(0.0, EmpiricalEpsilon.lowerBound(0, 1000, 0, 1000, 1e-5, 0.05));
        assertEquals(0.0, EmpiricalEpsilon.lowerBound(1000, 1000, 1000, 1000, 1e-5, 0.05));
    }

    @Test
    void perfectSeparationIsLimitedBySampleSize() {
        // TPR_lo = (alpha/2)^(1/n), FPR_hi = 1 - (alpha/2)^(1/n): about log(n / 3.7) for n = 1000.
        double e = EmpiricalEpsilon.lowerBound(1000, 1000, 0, 1000, 0, 0.05);
        double q = Math.pow(0.025, 1e-3);
        assertEquals(Math.log(q / (1 - q)), e, 1e-9);
    }

    /**
     * Randomized response is exactly eps-DP: a member answers 1 with probability e^eps / (1 + e^eps),
     * a non-member with 1 / (1 + e^eps). The bound must stay below eps (95% confidence: in at most
     * about 5% of repetitions may it exceed it).
     */
    @Test
    void neverExceedsTheTrueEpsilonOfRandomizedResponse() {
        SplittableRandom rng = new SplittableRandom(5);
        for (double eps : new double[] {0.5, 1, 2, 4}) {
            double p = Math.exp(eps) / (1 + Math.exp(eps));
            int above = 0;
            double max = 0;
            for (int rep = 0; rep < 100; rep++) {
                int tp = 0;
                int fp = 0;
                for (int i = 0; i < 2000; i++) {
                    tp += rng.nextDouble() < p ? 1 : 0;
                    fp += rng.nextDouble() < 1 - p ? 1 : 0;
                }
                double lb = EmpiricalEpsilon.lowerBound(tp, 2000, fp, 2000, 0, 0.05);
                above += lb > eps ? 1 : 0;
                max = Math.max(max, lb);
            }
            assertTrue(above <= 5, "eps " + eps + ": bound above the truth " + above + " times of 100, max " + max);
            assertTrue(max > 0.6 * eps, "eps " + eps + ": the bound should come close, max " + max);
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EmpiricalEpsilon.lowerBound(1, 10, 1, 10, 1, 0.05));
        assertThrows(IllegalArgumentException.class, () -> EmpiricalEpsilon.lowerBound(1, 10, 1, 10, -1e-5, 0.05));
        assertThrows(IllegalArgumentException.class, () -> EmpiricalEpsilon.lowerBound(1, 10, 1, 10, 1e-5, 0));
        assertThrows(IllegalArgumentException.class, () -> EmpiricalEpsilon.lowerBound(11, 10, 1, 10, 1e-5, 0.05));
        assertThrows(IllegalArgumentException.class, () -> EmpiricalEpsilon.lowerBound(1, 10, 1, 0, 1e-5, 0.05));
    }
}
