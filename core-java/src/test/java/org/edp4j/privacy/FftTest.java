package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FftTest {

    /** Real forward transform against a direct DFT, and the round trip, for several sizes (blocked and not). */
    @Test
    void realTransformMatchesDirectDftAndInverts() {
        Random rnd = new Random(7);
        for (int n : new int[] {4, 8, 64, 1 << 10, 1 << 15}) {
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = rnd.nextDouble();
            }
            Fft f = Fft.forSize(n);
            double[] re = new double[n / 2 + 1];
            double[] im = new double[n / 2 + 1];
            f.forwardReal(x, re, im);
            int[] ks = {0, 1, 2, n / 4, n / 2 - 1, n / 2};
            for (int k : ks) {
                double sr = 0;
                double si = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) j * k % n) / n;
                    sr += x[j] * Math.cos(a);
                    si += x[j] * Math.sin(a);
                }
                assertEquals(sr, re[k], 1e-9 * n, "re n=" + n + " k=" + k);
                assertEquals(si, im[k], 1e-9 * n, "im n=" + n + " k=" + k);
            }
            double[] y = new double[n];
            f.inverseReal(re, im, y);
            for (int j = 0; j < n; j++) {
                assertEquals(x[j], y[j], 1e-13, "round trip n=" + n);
            }
        }
    }
}
