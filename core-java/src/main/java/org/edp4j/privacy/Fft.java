package org.edp4j.privacy;

/**
 * In-place iterative radix-2 complex FFT on split arrays (package-private helper of
 * {@link PrvAccountant}). Forward: {@code X_k = sum_j x_j e^{-2 pi i jk/n}}; inverse divides by
 * {@code n}. Twiddles come from {@code Math.cos/sin} of each angle (no recurrence drift).
 */
final class Fft {

    private final int n;
    private final double[] cos;
    private final double[] sin;

    /** @param n a power of two, {@code >= 2} */
    Fft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("n must be a power of two >= 2, got " + n);
        }
        this.n = n;
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            double a = -2.0 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
    }

    int size() {
        return n;
    }

    /** Forward transform of {@code (re, im)}; both modified. */
    void forward(double[] re, double[] im) {
        transform(re, im, false);
    }

    /** Inverse transform of {@code (re, im)}, scaled by {@code 1/n}; both modified. */
    void inverse(double[] re, double[] im) {
        transform(re, im, true);
        double s = 1.0 / n;
        for (int i = 0; i < n; i++) {
            re[i] *= s;
            im[i] *= s;
        }
    }

    private void transform(double[] re, double[] im, boolean inverse) {
        // bit-reversal permutation
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        double sign = inverse ? -1.0 : 1.0;
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            int stride = n / len;
            for (int start = 0; start < n; start += len) {
                for (int k = 0, tw = 0; k < half; k++, tw += stride) {
                    double wr = cos[tw];
                    double wi = sign * sin[tw];
                    int a = start + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}
