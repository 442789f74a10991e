package org.edp4j.tensor;

/**
 * The CPU's fused noise + optimizer updates, on arrays with offsets. Each element is computed in
 * double, the noise added before any rounding (see {@code org.edp4j.dp.noise}, floating-point
 * attacks), and rounded to float once. The standard normals come prefetched in
 * {@link UpdateNoise#normals()}.
 */
final class CpuUpdates {
    private CpuUpdates() {
    }

    /** See {@link PerSampleOps#addNoiseAndScale}. */
    static void addNoiseAndScale(int n, float[] x, int xo, UpdateNoise noise, float scale) {
        float[] z = normals(noise, n);
        int zo = noise.offset();
        float std = noise.stddev();
        Parallel.range(n, CpuElementwise.GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                double gi = x[xo + i];
                if (z != null) {
                    gi += (double) std * z[zo + i];
                }
                x[xo + i] = (float) (gi * scale);
            }
        });
    }

    /** See {@link PerSampleOps#sgdUpdate}; {@code v} may be null. */
    static void sgd(int n, float[] w, int wo, float[] g, int go, UpdateNoise noise, float gradScale, float lr,
                    float momentum, float weightDecay, float[] v, int vo) {
        float[] z = normals(noise, n);
        int zo = noise.offset();
        float std = noise.stddev();
        Parallel.range(n, CpuElementwise.GRAIN, (i0, i1) -> {
            // One loop per case, no test inside: C2 compiled the loop with both tests inside to scalar
            // code (3 ns per parameter for the non-private update of the benchmark models; same arithmetic)
            if (z == null && v == null) {
                for (int i = i0; i < i1; i++) {
                    float wi = w[wo + i];
                    double gi = (double) g[go + i] * gradScale + (double) weightDecay * wi;
                    w[wo + i] = (float) (wi - (double) lr * gi);
                }
            } else if (v == null) {
                for (int i = i0; i < i1; i++) {
                    float wi = w[wo + i];
                    double gi = ((double) g[go + i] + (double) std * z[zo + i]) * gradScale
                            + (double) weightDecay * wi;
                    w[wo + i] = (float) (wi - (double) lr * gi);
                }
            } else {
                for (int i = i0; i < i1; i++) {
                    double gi = g[go + i];
                    if (z != null) {
                        gi += (double) std * z[zo + i];
                    }
                    float wi = w[wo + i];
                    gi = gi * gradScale + (double) weightDecay * wi;
                    gi = (double) momentum * v[vo + i] + gi;
                    v[vo + i] = (float) gi;
                    w[wo + i] = (float) (wi - (double) lr * gi);
                }
            }
        });
    }

    /** See {@link PerSampleOps#adamUpdate}. */
    static void adam(int n, float[] w, int wo, float[] g, int go, UpdateNoise noise, float gradScale, float lr,
                     float beta1, float beta2, float eps, float weightDecay, long t, float[] m, int mo, float[] v,
                     int vo) {
        float[] z = normals(noise, n);
        int zo = noise.offset();
        float std = noise.stddev();
        double c1 = 1.0 / (1.0 - Math.pow(beta1, t));
        double c2 = 1.0 / (1.0 - Math.pow(beta2, t));
        Parallel.range(n, CpuElementwise.GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                double gi = g[go + i];
                if (z != null) {
                    gi += (double) std * z[zo + i];
                }
                gi *= gradScale;
                double mi = beta1 * m[mo + i] + (1.0 - beta1) * gi;
                double vi = beta2 * v[vo + i] + (1.0 - beta2) * gi * gi;
                m[mo + i] = (float) mi;
                v[vo + i] = (float) vi;
                float wi = w[wo + i];
                w[wo + i] = (float) (wi - lr * (mi * c1 / (Math.sqrt(vi * c2) + eps) + (double) weightDecay * wi));
            }
        });
    }

    /** The standard normals of an update, or null for none. */
    static float[] normals(UpdateNoise noise, int n) {
        if (noise.isNone()) {
            return null;
        }
        if (noise.normals() == null) {
            throw new IllegalArgumentException("the CPU backend needs prefetched normals in UpdateNoise");
        }
        if (noise.offset() < 0 || (long) noise.offset() + n > noise.normals().length) {
            throw new IllegalArgumentException("noise normals [" + noise.offset() + ", " + (noise.offset() + n)
                    + ") exceed the buffer of " + noise.normals().length);
        }
        return noise.normals();
    }
}
