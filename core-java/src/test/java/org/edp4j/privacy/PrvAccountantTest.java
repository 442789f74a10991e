package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrvAccountantTest {

    /** Opacus PRVAccountant (eps_error 0.01): q=0.04, sigma=1.5, 2249 steps, delta=1e-5. */
    private static final double OPACUS_PRV_EPSILON = 6.777;

    @Test
    void reproducesOpacusPrvEpsilon() {
        PrvAccountant acc = new PrvAccountant();
        acc.step(1.5, 0.04, 2249);
        PrvAccountant.EpsilonBounds b = acc.epsilonBounds(1e-5);
        // Opacus returns estimate(delta - delta/1000) + 0.01; our upper bound uses r <= 0.01.
        assertEquals(OPACUS_PRV_EPSILON, b.estimate() + PrvAccountant.DEFAULT_EPS_ERROR, 0.002);
        assertEquals(OPACUS_PRV_EPSILON, acc.getEpsilon(1e-5), 0.01);
        assertTrue(acc.getEpsilon(1e-5) <= b.upper());
        assertTrue(b.lower() <= b.estimate() && b.estimate() <= b.upper());
        assertTrue(b.epsilonError() <= PrvAccountant.DEFAULT_EPS_ERROR);
        assertTrue(b.deltaSlack() < 1e-5 * 1e-3);
    }

    /**
     * tensorflow/privacy, tensorflow_privacy/privacy/analysis/compute_dp_sgd_privacy_test.py: the
     * PLD accountant's epsilons (dp_accounting's PLDAccountant, a tight accountant like PRV) in
     * test_compute_dp_sgd_example_privacy (q 0.01, 120 steps, delta 1e-5; sigma 0.7, and 0.35 with
     * microbatching) and test_dp_sgd_privacy_statement_no_user_dp_with_pld (q 0.0064, 782 steps,
     * sigma 1.0, delta 1e-6, printed to 3 decimals). Each lies inside edp4j's PRV error bounds, and
     * the estimate is within the bounds' epsilon error of it.
     */
    @Test
    void containsTfPrivacyPldEpsilonsAtSeveralPoints() {
        double[][] cases = {
            {0.7, 0.01, 120, 1e-5, 2.4612381, 0},
            {0.35, 0.01, 120, 1e-5, 18.6977407, 0},
            {1.0, 0.0064, 782, 1e-6, 1.199, 5e-4}};
        for (double[] c : cases) {
            PrvAccountant acc = new PrvAccountant();
            acc.step(c[0], c[1], (long) c[2]);
            PrvAccountant.EpsilonBounds b = acc.epsilonBounds(c[3]);
            String what = "sigma=" + c[0] + " q=" + c[1] + " steps=" + c[2] + ": " + b;
            assertTrue(b.lower() <= c[4] + c[5] && c[4] - c[5] <= b.upper(), what);
            assertEquals(c[4], b.estimate(), b.epsilonError() + c[5], what);
        }
    }

    /** Exact epsilon of the Gaussian mechanism    /** Exact epsilon of the Gaussian mechanism with mu = sqrt(m)/sigma (Balle and Wang 2018). */
    private static double exactGaussianEpsilon(double mu, double delta) {
        double lo = 0;
        double hi = 100;
        for (int i = 0; i < 200; i++) {
            double eps = 0.5 * (lo + hi);
            double d = LogMath.normalCdf(-eps / mu + mu / 2) - Math.exp(eps) * LogMath.normalCdf(-eps / mu - mu / 2);
            if (d > delta) {
                lo = eps;
            } else {
                hi = eps;
            }
        }
        return 0.5 * (lo + hi);
    }

    @Test
    void boundsContainTheExactGaussianEpsilon() {
        double[][] cases = {{4.530877117, 1, 1e-6}, {10, 100, 1e-5}, {2, 1, 1e-5}, {50, 2000, 1e-6}};
        for (double[] c : cases) {
            PrvAccountant acc = new PrvAccountant();
            acc.step(c[0], 1.0, (long) c[1]);
            PrvAccountant.EpsilonBounds b = acc.epsilonBounds(c[2]);
            double exact = exactGaussianEpsilon(Math.sqrt(c[1]) / c[0], c[2]);
            assertTrue(b.lower() <= exact && exact <= b.upper(), "sigma=" + c[0] + " m=" + c[1] + ": " + b
                    + " exact " + exact);
            assertEquals(exact, b.estimate(), 2 * b.epsilonError(), "estimate");
        }
    }

    @Test
    void boundsContainAFinerComputation() {
        PrvAccountant coarse = new PrvAccountant(0.05, 1e-3, PrvAccountant.DEFAULT_MAX_GRID_SIZE,
                RdpAccountant.defaultOrders());
        PrvAccountant fine = new PrvAccountant(0.002, 1e-3, 1 << 22, RdpAccountant.defaultOrders());
        for (PrvAccountant a : new PrvAccountant[] {coarse, fine}) {
            a.step(1.0, 0.01, 1000);
            a.step(0.8, 0.01, 300);
        }
        PrvAccountant.EpsilonBounds c = coarse.epsilonBounds(1e-5);
        PrvAccountant.EpsilonBounds f = fine.epsilonBounds(1e-5);
        assertTrue(c.lower() <= f.estimate() && f.estimate() <= c.upper(), c + " vs " + f);
        assertTrue(f.upper() - f.lower() < c.upper() - c.lower());
    }

    @Test
    void neverExceedsRdp() {
        double[][] cases = {{1.5, 0.04, 2249}, {0.8, 0.01, 5000}, {4.530877117, 1.0, 1}, {1.0, 0.5, 10},
            {3.0, 0.001, 100_000}};
        for (double[] c : cases) {
            PrvAccountant prv = new PrvAccountant();
            RdpAccountant rdp = new RdpAccountant();
            prv.step(c[0], c[1], (long) c[2]);
            rdp.step(c[0], c[1], (long) c[2]);
            double e = prv.getEpsilon(1e-5);
            double r = rdp.getEpsilon(1e-5);
            assertTrue(e <= r, "sigma=" + c[0] + " q=" + c[1] + ": prv " + e + " rdp " + r);
            assertTrue(prv.epsilonBounds(1e-5).upper() <= r, "raw PRV bound also below RDP here");
        }
    }

    @Test
    void heterogeneousDecayingNoise() {
        PrvAccountant acc = new PrvAccountant();
        RdpAccountant rdp = new RdpAccountant();
        for (int epoch = 0; epoch < 5; epoch++) {
            double sigma = 2.0 * Math.pow(0.9, epoch);
            acc.step(sigma, 0.02, 200);
            rdp.step(sigma, 0.02, 200);
        }
        assertEquals(5, acc.history().size());
        PrvAccountant.EpsilonBounds b = acc.epsilonBounds(1e-5);
        assertTrue(b.upper() < rdp.getEpsilon(1e-5));
        // order of the runs does not matter for the composition
        PrvAccountant rev = new PrvAccountant();
        for (int epoch = 4; epoch >= 0; epoch--) {
            rev.step(2.0 * Math.pow(0.9, epoch), 0.02, 200);
        }
        assertEquals(b.estimate(), rev.epsilonBounds(1e-5).estimate(), 1e-6);
    }

    @Test
    void edgeCases() {
        PrvAccountant empty = new PrvAccountant();
        assertEquals(0.0, empty.getEpsilon(1e-5));
        PrvAccountant zeroQ = new PrvAccountant();
        zeroQ.step(1.0, 0.0, 1000);
        assertEquals(0.0, zeroQ.getEpsilon(1e-5));
        PrvAccountant noNoise = new PrvAccountant();
        noNoise.step(0.0, 0.1, 1);
        assertEquals(Double.POSITIVE_INFINITY, noNoise.getEpsilon(1e-5));
        PrvAccountant huge = new PrvAccountant();
        huge.step(1.0, 0.01, 1_000_000_000_000L);
        double h = huge.getEpsilon(1e-5);
        assertTrue(h > 100 && !Double.isNaN(h), "falls back to RDP when the window is too wide: " + h);
    }

    @Test
    void discretisedMomentsMatchRdp() {
        // E[e^{(alpha-1) Y}] = exp((alpha-1) RDP(alpha)) for one step; checks the PRV's cdf.
        double q = 0.1;
        double sigma = 1.2;
        int n = 1 << 16;
        double h = 40.0 / n;
        double[] pmf = new double[n];
        double s = PrvAccountant.discretise(q, sigma, n, h, pmf)[0];
        for (int alpha : new int[] {2, 3, 4}) {
            double m = 0;
            for (int pos = 0; pos < n; pos++) {
                int i = pos < n / 2 ? pos : pos - n;
                m += pmf[pos] * Math.exp((alpha - 1) * (i * h + s));
            }
            double expect = Math.exp((alpha - 1) * RdpAccountant.computeRdp(q, sigma, alpha));
            assertEquals(expect, m, 1e-5 * expect, "alpha=" + alpha);
        }
    }
}
