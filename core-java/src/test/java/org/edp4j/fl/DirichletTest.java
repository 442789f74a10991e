package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Gamma and Dirichlet draws against their exact moments (bounds of 6 standard errors). */
class DirichletTest {
    static final int M = 20_000;

    /** Gamma(a, 1): mean a, variance a. */
    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.3, 1.0, 2.5, 10.0})
    void gammaHasMeanAndVarianceShape(double a) {
        SplittableRandom rng = new SplittableRandom(11);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < M; i++) {
            double g = Math.exp(Dirichlet.logGamma(rng, a));
            assertTrue(g >= 0 && Double.isFinite(g));
            sum += g;
            sumSq += g * g;
        }
        double mean = sum / M;
        double var = sumSq / M - mean * mean;
        assertEquals(a, mean, 6 * Math.sqrt(a / M), "mean of Gamma(" + a + ")");
        // Var of the sample variance of Gamma(a): (mu4 - sigma^4) / M with mu4 = 3a^2 + 6a.
        assertEquals(a, var, 6 * Math.sqrt((3 * a * a + 6 * a - a * a) / M), "variance of Gamma(" + a + ")");
    }

    /** Marginals of Dir(alpha 1_k) are Beta(alpha, (k-1) alpha): mean 1/k, variance (k-1) / (k^2 (k alpha + 1)). */
    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.5, 5.0})
    void dirichletMarginalsHaveBetaMoments(double alpha) {
        int k = 4;
        SplittableRandom rng = new SplittableRandom(5);
        double[] sum = new double[k];
        double[] sumSq = new double[k];
        for (int i = 0; i < M; i++) {
            double[] p = Dirichlet.sample(rng, alpha, k);
            double total = 0;
            for (int j = 0; j < k; j++) {
                assertTrue(p[j] >= 0);
                total += p[j];
                sum[j] += p[j];
                sumSq[j] += p[j] * p[j];
            }
            assertEquals(1.0, total, 1e-12);
        }
        double var = (k - 1.0) / (k * k * (k * alpha + 1));
        for (int j = 0; j < k; j++) {
            double mean = sum[j] / M;
            assertEquals(1.0 / k, mean, 6 * Math.sqrt(var / M), "mean of coordinate " + j);
            double v = sumSq[j] / M - mean * mean;
            assertEquals(var, v, 0.1 * var, "variance of coordinate " + j);
        }
    }

    /** alpha 0.01 in 20 dimensions: the largest coordinate holds almost everything (and nothing underflows to NaN). */
    @Test
    void tinyAlphaPutsTheMassOnOneCoordinate() {
        SplittableRandom rng = new SplittableRandom(1);
        int concentrated = 0;
        for (int i = 0; i < 1000; i++) {
            double[] p = Dirichlet.sample(rng, 0.01, 20);
            double max = 0;
            for (double x : p) {
                assertTrue(x >= 0 && !Double.isNaN(x));
                max = Math.max(max, x);
            }
            concentrated += max > 0.9 ? 1 : 0;
        }
        // 664 of 1000 with this seed; at alpha = 1 no draw of 1000 has a coordinate above 0.9.
        assertTrue(concentrated > 500, concentrated + " of 1000 draws concentrated");
    }

    @Test
    void refusesBadArguments() {
        SplittableRandom rng = new SplittableRandom(1);
        assertEquals("Dirichlet alpha must be > 0 and finite, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> Dirichlet.sample(rng, 0, 3)).getMessage());
        assertEquals("Dirichlet dimension must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Dirichlet.sample(rng, 1, 0)).getMessage());
    }
}
