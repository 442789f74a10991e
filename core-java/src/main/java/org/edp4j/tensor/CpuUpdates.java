package org.edp4j.tensor;

/**
 * The CPU's fused noise + optimizer updates, on arrays with offsets, split over the CPU pool; the
 * element loops are {@link UpdateKernel}'s (each element computed in double, the noise added before
 * any rounding, rounded to float once). The standard normals come prefetched in
 * {@link UpdateNoise#normals()}.
 */
final class CpuUpdates {
    static final UpdateKernel KERNEL = Vectorization.pick(UpdateKernel.class, "org.edp4j.tensor.VectorUpdateKernel",
            ScalarUpdateKernel::new);

    private CpuUpdates() {
    }

    /** See {@link PerSampleOps#addNoiseAndScale}. */
    static void addNoiseAndScale(int n, float[] x, int xo, UpdateNoise noise, float scale) {
        float[] z = normals(noise, n);
        int zo = noise.offset();
        float std = noise.stddev();
        Parallel.range(n, CpuElementwise.GRAIN, (i0, i1) -> KERNEL.noiseAndScale(i0, i1, x, xo, z, zo, std, scale));
    }

    /** See {@link PerSampleOps#sgdUpdate}; {@code v} may be null. */
    static void sgd(int n, float[] w, int wo, float[] g, int go, UpdateNoise noise, float gradScale, float lr,
                    float momentum, float weightDecay, float[] v, int vo) {
        float[] z = normals(noise, n);
        int zo = noise.offset();
        float std = noise.stddev();
        Parallel.range(n, CpuElementwise.GRAIN, (i0, i1) -> {
            if (v == null) {
                KERNEL.sgd(i0, i1, w, wo, g, go, z, zo, std, gradScale, lr, weightDecay);
            } else {
                KERNEL.sgdMomentum(i0, i1, w, wo, g, go, z, zo, std, gradScale, lr, weightDecay, momentum, v, vo);
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
        Parallel.range(n, CpuElementwise.GRAIN, (i0, i1) -> KERNEL.adam(i0, i1, w, wo, g, go, z, zo, std, gradScale,
                lr, weightDecay, beta1, beta2, eps, c1, c2, m, mo, v, vo));
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
