package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RdpAccountantTest {

    /** Opacus RDPAccountant, default orders, q=0.04, sigma=1.5, 2250 steps, delta=1e-5. */
    private static final double OPACUS_EPSILON = 7.32911117143;
    private static final double PUBLISHED_REL_TOL = 1e-9;

    @Test
    void reproducesOpacusEpsilon() {
        RdpAccountant acc = new RdpAccountant();
        acc.step(1.5, 0.04, 2250);
        EpsilonAndOrder e = acc.getEpsilonAndOrder(1e-5);
        assertEquals(OPACUS_EPSILON, e.epsilon(), OPACUS_EPSILON * PUBLISHED_REL_TOL);
        assertEquals(3.9, e.order(), 1e-12); // a fractional order: checks the signed series
    }

    @Test
    void stepByStepEqualsOneRun() {
        RdpAccountant a = new RdpAccountant();
        for (int i = 0; i < 2250; i++) {
            a.step(1.5, 0.04);
        }
        assertEquals(List.of(MechanismRun.of(1.5, 0.04, 2250)), a.history());
        assertEquals(2250, a.totalSteps());
        assertEquals(OPACUS_EPSILON, a.getEpsilon(1e-5), OPACUS_EPSILON * PUBLISHED_REL_TOL);
    }

    @Test
    void gaussianWithoutSamplingOnAFineGrid() {
        // q = 1: RDP is alpha / (2 sigma^2); sigma = 4.530877117 gives epsilon 1 at delta = 1e-6.
        double[] orders = new double[200_000];
        for (int i = 0; i < orders.length; i++) {
            orders[i] = 1.001 + i * 0.0005;
        }
        RdpAccountant acc = new RdpAccountant(orders);
        acc.step(4.530877117, 1.0);
        assertEquals(1.0, acc.getEpsilon(1e-6), 1e-9);
    }

    @Test
    void integerOrdersUseTheClosedFormAndAgreeWithTheSeries() {
        for (double q : new double[] {0.001, 0.04, 0.3, 0.9}) {
            for (double sigma : new double[] {0.7, 1.5, 5}) {
                for (int a : new int[] {2, 3, 8, 32}) {
                    double closed = RdpAccountant.computeRdp(q, sigma, a);
                    double series = RdpAccountant.logAFrac(q, sigma, a) / (a - 1);
                    assertEquals(closed, series, 1e-9 * closed + 1e-15, "q=" + q + " sigma=" + sigma + " a=" + a);
                    // continuity in the order
                    double near = RdpAccountant.computeRdp(q, sigma, a + 1e-7);
                    assertEquals(closed, near, 1e-5 * closed + 1e-12);
                }
            }
        }
    }

    @Test
    void rdpIncreasesWithOrderAndDecreasesWithNoise() {
        double prev = 0;
        for (double a : RdpAccountant.defaultOrders()) {
            double r = RdpAccountant.computeRdp(0.04, 1.2, a);
            assertTrue(r >= prev, "order " + a);
            prev = r;
        }
        assertTrue(RdpAccountant.computeRdp(0.04, 1.0, 4.5) > RdpAccountant.computeRdp(0.04, 2.0, 4.5));
    }

    @Test
    void edgeCasesAreDefined() {
        RdpAccountant none = new RdpAccountant();
        assertEquals(0.0, none.getEpsilon(1e-5));
        none.step(1.0, 0.0, 1_000_000);
        assertEquals(0.0, none.getEpsilon(1e-5));

        RdpAccountant noNoise = new RdpAccountant();
        noNoise.step(0.0, 0.01);
        assertEquals(Double.POSITIVE_INFINITY, noNoise.getEpsilon(1e-5));

        RdpAccountant full = new RdpAccountant();
        full.step(2.0, 1.0, 10);
        double e = full.getEpsilon(1e-5);
        assertTrue(e > 0 && Double.isFinite(e));

        RdpAccountant huge = new RdpAccountant();
        huge.step(1.0, 0.01, Long.MAX_VALUE / 2);
        double h = huge.getEpsilon(1e-5);
        assertFalse(Double.isNaN(h));
        assertTrue(h > 1e10);

        RdpAccountant tinyQ = new RdpAccountant();
        tinyQ.step(0.5, 1e-300, 1);
        assertFalse(Double.isNaN(tinyQ.getEpsilon(1e-5)));

        RdpAccountant smallSigma = new RdpAccountant();
        smallSigma.step(0.05, 0.5, 3);
        double s = smallSigma.getEpsilon(1e-5);
        assertFalse(Double.isNaN(s));
        assertTrue(s > 10);
    }

    @Test
    void heterogeneousCompositionIsTheSumOfRuns() {
        RdpAccountant acc = new RdpAccountant();
        double[] sigmas = {2.0, 1.8, 1.6, 1.4};
        for (double sigma : sigmas) {
            acc.step(sigma, 0.02, 500);
        }
        assertEquals(4, acc.history().size());
        double[] r = acc.rdp(null);
        double[] orders = acc.orders();
        for (int j = 0; j < orders.length; j += 10) {
            double expect = 0;
            for (double sigma : sigmas) {
                expect += 500 * RdpAccountant.computeRdp(0.02, sigma, orders[j]);
            }
            assertEquals(expect, r[j], 1e-12 * expect);
        }
        // more noise early cannot cost more than the smallest noise throughout
        RdpAccountant worst = new RdpAccountant();
        worst.step(1.4, 0.02, 2000);
        assertTrue(acc.getEpsilon(1e-5) < worst.getEpsilon(1e-5));
    }

    @Test
    void epsilonAfterChangesNothingAndAgreesWithStepping() {
        RdpAccountant acc = new RdpAccountant();
        acc.step(1.1, 0.01, 100);
        String before = acc.saveState();
        double after = acc.epsilonAfter(1.1, 0.01, 5, 1e-5);
        double other = acc.epsilonAfter(0.9, 0.02, 5, 1e-5);
        assertEquals(before, acc.saveState());
        RdpAccountant a = acc.copy();
        a.step(1.1, 0.01, 5);
        assertEquals(a.getEpsilon(1e-5), after, 0.0);
        RdpAccountant b = acc.copy();
        b.step(0.9, 0.02, 5);
        assertEquals(b.getEpsilon(1e-5), other, 0.0);
    }

    @Test
    void validationNamesTheArgumentAndRange() {
        RdpAccountant acc = new RdpAccountant();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> acc.step(1.0, 1.5));
        assertEquals("sampleRate must be in [0, 1], got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acc.step(-1.0, 0.5));
        assertTrue(e.getMessage().startsWith("noiseMultiplier must be in [0, +inf)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acc.step(1.0, 0.5, -3));
        assertEquals("steps must be >= 0, got -3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acc.getEpsilon(0.0));
        assertEquals("delta must be in (0, 1), got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RdpAccountant(new double[] {2, 0.5}));
        assertEquals("orders must be in (1, +inf), got 0.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> acc.step(Double.NaN, 0.5));
    }

    @Test
    void defaultOrdersAreOpacus() {
        double[] o = RdpAccountant.defaultOrders();
        assertEquals(151, o.length);
        assertEquals(1.1, o[0], 1e-15);
        assertEquals(10.9, o[98], 1e-15);
        assertEquals(12.0, o[99]);
        assertEquals(63.0, o[150]);
    }
}
