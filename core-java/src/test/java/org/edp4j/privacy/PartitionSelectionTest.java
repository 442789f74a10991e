package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionSelectionTest {

    @Test
    void inverseNormalSurvivalMatchesReferenceValues() {
        // scipy.stats.norm.isf
        assertEquals(1.959963984540054, PartitionSelection.inverseNormalSf(0.025), 1e-12);
        assertEquals(4.753424308822899, PartitionSelection.inverseNormalSf(1e-6), 1e-11);
        assertEquals(-1.2815515655446004, PartitionSelection.inverseNormalSf(0.9), 1e-12);
        assertEquals(8.209536151601387, PartitionSelection.inverseNormalSf(1.1102230246251565e-16), 1e-9);
    }

    @Test
    void theThresholdBoundsTheFailureProbabilityOfEveryDocumentSizeAndIsTight() {
        for (int k : new int[] {1, 4, 32, 128}) {
            for (double sigma : new double[] {0.5, 3, 12}) {
                for (double p : new double[] {1e-7, 1e-6, 0.01}) {
                    double rho = PartitionSelection.threshold(k, sigma, p);
                    double worst = 0;
                    for (int t = 1; t <= k; t++) {
                        worst = Math.max(worst, PartitionSelection.failureProbability(t, sigma, rho));
                    }
                    assertTrue(worst <= p * (1 + 1e-9), "k " + k + " sigma " + sigma + ": " + worst + " > " + p);
                    assertEquals(p, worst, 1e-6 * p, "the max over t attains p");
                }
            }
        }
        // k = 1: rho = 1 + sigma Phi^-1(1 - p)
        assertEquals(1 + 2 * 4.753424308822899, PartitionSelection.threshold(1, 2, 1e-6), 1e-9);
    }

    @Test
    void epsilonIsTheAccountantsAtDeltaMinusPPlusLogOneOverOneMinusP() {
        RdpAccountant a = new RdpAccountant();
        a.step(5.0, 1.0, 1);
        a.step(1.1, 0.01, 1000);
        double p = 1e-6;
        double want = a.getEpsilon(1e-5 - p) - Math.log1p(-p);
        assertEquals(want, PartitionSelection.epsilon(a, 1e-5, p), 1e-15);
        assertEquals(a.getEpsilon(1e-5), PartitionSelection.epsilon(a, 1e-5, 0), 0);
        assertThrows(IllegalArgumentException.class, () -> PartitionSelection.epsilon(a, 1e-6, 1e-6));
    }

    @Test
    void noiseForMeetsTheSelectionsOwnEpsilonAndNoLess() {
        double p = 1e-6;
        double sigma = PartitionSelection.noiseFor(0.3, 1e-5, p);
        RdpAccountant at = new RdpAccountant();
        at.step(sigma, 1.0, 1);
        assertTrue(PartitionSelection.epsilon(at, 1e-5, p) <= 0.3);
        RdpAccountant below = new RdpAccountant();
        below.step(sigma * 0.999, 1.0, 1);
        assertTrue(PartitionSelection.epsilon(below, 1e-5, p) > 0.3);
        assertThrows(IllegalArgumentException.class, () -> PartitionSelection.noiseFor(1e-7, 1e-5, 1e-6));
    }

    @Test
    void argumentsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PartitionSelection.threshold(0, 1, 1e-6));
        assertThrows(IllegalArgumentException.class, () -> PartitionSelection.threshold(4, 0, 1e-6));
        assertThrows(IllegalArgumentException.class, () -> PartitionSelection.threshold(4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> PartitionSelection.epsilonCost(1));
    }
}
