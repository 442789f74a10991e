package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RegularizedBetaTest {

    static final double REL = 1e-12;

    static void close(double expected, double actual, double rel) {
        assertEquals(expected, actual, rel * Math.max(1e-300, Math.abs(expected)), () -> "expected " + expected);
    }

    /** Reference values from scipy 1.17.1 (scipy.special.betainc / betaincinv / gammaln), float64. */
    @Test
    void matchesScipy() {
        close(0.5248, RegularizedBeta.cdf(0.4, 2, 3), REL);
        close(0.36901011956554536, RegularizedBeta.cdf(0.3, 0.5, 0.5), REL);
        close(0.16630494959787945, RegularizedBeta.cdf(0.25, 10, 20), REL);
        close(0.4968438591720931, RegularizedBeta.cdf(0.2, 200.5, 800.5), 1e-11);
        close(0.40788983603579726, RegularizedBeta.cdf(0.98, 5000, 100), 1e-10);
        close(0.9998067465369478, RegularizedBeta.cdf(0.5, 1e-3, 2.0), REL);
        close(0.9999951466807556, RegularizedBeta.cdf(0.999, 30, 3), REL);

        close(0.18708602844739855, RegularizedBeta.quantile(0.025, 5, 6), 1e-12);
        close(1.0659928103630532e-05, RegularizedBeta.quantile(0.0125, 1, 1180), 1e-9);
        close(0.02746361809575482, RegularizedBeta.quantile(0.9875, 21, 1160), 1e-12);
        close(0.994935356447994, RegularizedBeta.quantile(0.05, 590, 1), 1e-12);
        close(0.02366355126521486, RegularizedBeta.quantile(0.001, 3, 7), 1e-12);

        close(2.252712651734206, RegularizedBeta.logGamma(0.1), 1e-13);
        close(0.5723649429247, RegularizedBeta.logGamma(0.5), 1e-13);
        assertEquals(0.0, RegularizedBeta.logGamma(1.0), 1e-14);
        close(1.428072326665388, RegularizedBeta.logGamma(3.7), 1e-13);
        close(708.1149470389971, RegularizedBeta.logGamma(171.3), 1e-14);
        close(1051287.7089736569, RegularizedBeta.logGamma(1e5), 1e-14);
    }

    /** For integers, I_x(a, b) = P[Binomial(a+b-1, x) >= a], summed here in float64. */
    @Test
    void matchesTheBinomialSumForIntegers() {
        int[][] ab = {{1, 1}, {1, 7}, {7, 1}, {3, 5}, {12, 40}, {60, 9}};
        for (int[] p : ab) {
            for (double x : new double[] {0.01, 0.2, 0.5, 0.77, 0.99}) {
                int n = p[0] + p[1] - 1;
                double sum = 0;
                for (int j = p[0]; j <= n; j++) {
                    sum += Math.exp(RegularizedBeta.logGamma(n + 1) - RegularizedBeta.logGamma(j + 1)
                            - RegularizedBeta.logGamma(n - j + 1) + j * Math.log(x) + (n - j) * Math.log1p(-x));
                }
                assertEquals(sum, RegularizedBeta.cdf(x, p[0], p[1]), 1e-12, "a=" + p[0] + " b=" + p[1] + " x=" + x);
            }
        }
    }

    @Test
    void quantileInvertsTheCdf() {
        for (double a : new double[] {0.5, 1, 3, 50, 900}) {
            for (double b : new double[] {0.7, 2, 40, 1200}) {
                for (double p : new double[] {1e-6, 0.0125, 0.5, 0.975, 1 - 1e-6}) {
                    double x = RegularizedBeta.quantile(p, a, b);
                    assertEquals(p, RegularizedBeta.cdf(x, a, b), 1e-9, "a=" + a + " b=" + b + " p=" + p);
                }
            }
        }
        assertEquals(0.0, RegularizedBeta.quantile(0, 2, 3));
        assertEquals(1.0, RegularizedBeta.quantile(1, 2, 3));
        assertEquals(0.0, RegularizedBeta.cdf(0, 2, 3));
        assertEquals(1.0, RegularizedBeta.cdf(1, 2, 3));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RegularizedBeta.cdf(1.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> RegularizedBeta.cdf(Double.NaN, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> RegularizedBeta.cdf(0.5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> RegularizedBeta.cdf(0.5, 1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> RegularizedBeta.quantile(-0.1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> RegularizedBeta.logGamma(0));
    }
}
