package org.edp4j.privacy;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Real-input FFT of size {@code n} (package-private helper of {@link PrvAccountant}), computed as a
 * complex FFT of size {@code N = n/2} plus one twiddle pass (the standard "two real halves in one
 * complex transform" trick), which halves both the work and the memory traffic of a full complex
 * transform of the real data.
 *
 * <p>Forward: {@code X_k = sum_j x_j e^{-2 pi i jk/n}} for {@code k = 0..N} (the other half is
 * {@code conj(X_{n-k})}). Inverse: the real {@code x} from those {@code N+1} bins, scaled by {@code 1/n}.
 *
 * <p>The complex transform is iterative radix-2 decimation in time, in place on split arrays. Its
 * twiddles are stored per stage, contiguously ({@code w_len^k} for stage {@code len} at offset
 * {@code len/2 - 1 + k}), so the inner loop reads them sequentially; all twiddles come from
 * {@code Math.cos/sin} of each angle (no recurrence drift). Instances are immutable and cached per
 * size ({@link #forSize}), since building the tables costs about as much as one transform.
 *
 * <p>Round-off: each bin of the complex transform carries an absolute error of a few
 * {@code log2(N) ulp} of the input's {@code l2} norm; {@link PrvAccountant} adds a guard of
 * {@code n 2^-51} to its delta slack for this.
 */
final class Fft {

    private static final int MAX_CACHED = 1 << 22;
    /** Elements per cache block of the early stages (2 x 64 KiB of doubles). */
    private static final int BLOCK = 1 << 13;
    private static final ConcurrentHashMap<Integer, Fft> CACHE = new ConcurrentHashMap<>();

    private final int n;
    private final int half;
    private final int logHalf;
    /** Per-stage twiddles {@code e^{-2 pi i k/len}} of the size-{@code N} complex FFT. */
    private final double[] twRe;
    private final double[] twIm;
    /** {@code e^{-2 pi i k/n}}, {@code k < N}: the real/complex split twiddles. */
    private final double[] splitRe;
    private final double[] splitIm;

    /** The transform of size {@code n} (a power of two, {@code >= 4}), shared for sizes up to {@code 2^22}. */
    static Fft forSize(int n) {
        if (n > MAX_CACHED) {
            return new Fft(n);
        }
        return CACHE.computeIfAbsent(n, Fft::new);
    }

    /** @param n a power of two, {@code >= 4} */
    Fft(int n) {
        if (n < 4 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("n must be a power of two >= 4, got " + n);
        }
        this.n = n;
        this.half = n / 2;
        this.logHalf = Integer.numberOfTrailingZeros(half);
        twRe = new double[Math.max(1, half - 1)];
        twIm = new double[Math.max(1, half - 1)];
        for (int len = 2; len <= half; len <<= 1) {
            int h = len >> 1;
            for (int k = 0; k < h; k++) {
                double a = -2.0 * Math.PI * k / len;
                twRe[h - 1 + k] = Math.cos(a);
                twIm[h - 1 + k] = Math.sin(a);
            }
        }
        splitRe = new double[half];
        splitIm = new double[half];
        for (int k = 0; k < half; k++) {
            double a = -2.0 * Math.PI * k / n;
            splitRe[k] = Math.cos(a);
            splitIm[k] = Math.sin(a);
        }
    }

    int size() {
        return n;
    }

    /**
     * Forward transform of the real {@code x} (length {@code n}, unchanged) into {@code re, im}
     * (length {@code >= n/2 + 1}): bins {@code 0..n/2}.
     */
    void forwardReal(double[] x, double[] re, double[] im) {
        // z_j = x_{2j} + i x_{2j+1}
        for (int j = 0; j < half; j++) {
            re[j] = x[2 * j];
            im[j] = x[2 * j + 1];
        }
        complex(re, im, false);
        // X_k = E_k + w^k O_k with E_k = (Z_k + conj Z_{N-k})/2, O_k = -i (Z_k - conj Z_{N-k})/2,
        // w = e^{-2 pi i/n}; pairs (k, N-k) are done together so the transform stays in place.
        double z0r = re[0];
        double z0i = im[0];
        re[0] = z0r + z0i;
        im[0] = 0;
        re[half] = z0r - z0i;
        im[half] = 0;
        for (int k = 1, l = half - 1; k <= l; k++, l--) {
            double ar = re[k];
            double ai = im[k];
            double br = re[l];
            double bi = im[l];
            // for k: A = Z_k, B = conj Z_l
            double er = 0.5 * (ar + br);
            double ei = 0.5 * (ai - bi);
            double or = 0.5 * (ai + bi);
            double oi = -0.5 * (ar - br);
            double wr = splitRe[k];
            double wi = splitIm[k];
            double xkr = er + wr * or - wi * oi;
            double xki = ei + wr * oi + wi * or;
            // for l: A = Z_l, B = conj Z_k, so E_l = conj E_k, O_l = conj O_k
            double wlr = splitRe[l];
            double wli = splitIm[l];
            double xlr = er + wlr * or + wli * oi;
            double xli = -ei - wlr * oi + wli * or;
            re[k] = xkr;
            im[k] = xki;
            re[l] = xlr;
            im[l] = xli;
        }
    }

    /**
     * Inverse of {@link #forwardReal}: from bins {@code 0..n/2} in {@code re, im} (destroyed) to the
     * real {@code x} (length {@code n}), scaled by {@code 1/n}.
     */
    void inverseReal(double[] re, double[] im, double[] x) {
        // E_k = (X_k + conj X_{N-k})/2, O_k = (X_k - conj X_{N-k}) conj(w^k)/2, Z_k = E_k + i O_k
        double x0 = re[0];
        double xn = re[half];
        re[0] = 0.5 * (x0 + xn);
        im[0] = 0.5 * (x0 - xn);
        for (int k = 1, l = half - 1; k <= l; k++, l--) {
            double ar = re[k];
            double ai = im[k];
            double br = re[l];
            double bi = im[l];
            double er = 0.5 * (ar + br);
            double ei = 0.5 * (ai - bi);
            double dr = 0.5 * (ar - br);
            double di = 0.5 * (ai + bi);
            double wr = splitRe[k];
            double wi = -splitIm[k];
            double or = dr * wr - di * wi;
            double oi = dr * wi + di * wr;
            // for l: E_l = conj E_k; X_l - conj X_k = -conj(2 D), times conj(w^l)
            double wlr = splitRe[l];
            double wli = -splitIm[l];
            double olr = -dr * wlr - di * wli;
            double oli = -dr * wli + di * wlr;
            re[k] = er - oi;
            im[k] = ei + or;
            re[l] = er - oli;
            im[l] = -ei + olr;
        }
        complex(re, im, true);
        double s = 1.0 / half;
        for (int j = 0; j < half; j++) {
            x[2 * j] = re[j] * s;
            x[2 * j + 1] = im[j] * s;
        }
    }

    /** Unscaled complex FFT of size {@code N} in place; {@code inverse} uses {@code e^{+2 pi i jk/N}}. */
    private void complex(double[] re, double[] im, boolean inverse) {
        int shift = 32 - logHalf;
        for (int i = 1; i < half; i++) {
            int j = Integer.reverse(i) >>> shift;
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
        // Stages with len <= BLOCK only mix elements inside aligned blocks of BLOCK elements, so
        // they are done block by block while the block is in cache; the wider stages sweep all.
        int block = Math.min(half, BLOCK);
        for (int base = 0; base < half; base += block) {
            for (int a = base; a < base + block; a += 2) { // len 2: twiddle 1
                double xr = re[a + 1];
                double xi = im[a + 1];
                re[a + 1] = re[a] - xr;
                im[a + 1] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
            }
            for (int len = 4; len <= block; len <<= 1) {
                stage(re, im, len, base, base + block, sign);
            }
        }
        for (int len = block << 1; len <= half; len <<= 1) {
            stage(re, im, len, 0, half, sign);
        }
    }

    /** One radix-2 stage of butterfly span {@code len} over {@code [from, to)}. */
    private void stage(double[] re, double[] im, int len, int from, int to, double sign) {
        int h = len >> 1;
        int off = h - 1;
        for (int start = from; start < to; start += len) {
            for (int k = 0; k < h; k++) {
                double wr = twRe[off + k];
                double wi = sign * twIm[off + k];
                int a = start + k;
                int b = a + h;
                double br = re[b];
                double bi = im[b];
                double xr = br * wr - bi * wi;
                double xi = br * wi + bi * wr;
                double ar = re[a];
                double ai = im[a];
                re[b] = ar - xr;
                im[b] = ai - xi;
                re[a] = ar + xr;
                im[a] = ai + xi;
            }
        }
    }
}
