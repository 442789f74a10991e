package org.edp4j.tensor;

/**
 * The element loops of the CPU's fused noise + optimizer updates ({@link CpuUpdates}) over
 * {@code [i0, i1)}: {@link ScalarUpdateKernel} (the definition) or {@code VectorUpdateKernel}
 * (Java's Vector API), picked once by {@link Vectorization}; both give the same bits. Every element
 * is computed in double as written below, with the noise {@code std z} added before any rounding
 * (see {@code org.edp4j.dp.noise}, floating-point attacks), and rounded to float once per stored
 * value. C2 on JDK 17 leaves these float → double → float loops scalar: plain SGD over the
 * {@code mlp} model's 670k parameters took 0.55 ms on one core, 0.30 ms with the Vector API, Adam
 * 2.6 and 0.67 ms ({@code scripts/UpdateKernels.java}, docs/design-notes.md).
 *
 * <p>{@code z} is null for no noise (then {@code zo} and {@code std} are unused); otherwise it holds
 * the standard normals, element i's at {@code zo + i}. Parameters, gradients, noise and state are
 * read at their offsets plus i; only {@code w}, {@code x} and the optimizer state are written.
 */
interface UpdateKernel {

    /** {@code x = (float) ((x + std z) scale)}. */
    void noiseAndScale(int i0, int i1, float[] x, int xo, float[] z, int zo, float std, float scale);

    /** Plain SGD: {@code w = (float) (w - lr ((g + std z) gradScale + weightDecay w))}. */
    void sgd(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std, float gradScale,
             float lr, float weightDecay);

    /**
     * SGD with momentum: {@code u = momentum v + ((g + std z) gradScale + weightDecay w)},
     * {@code v = (float) u}, {@code w = (float) (w - lr u)} (u unrounded in the second).
     */
    void sgdMomentum(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std,
                     float gradScale, float lr, float weightDecay, float momentum, float[] v, int vo);

    /**
     * Adam with bias corrections {@code c1 = 1 / (1 - beta1^t)}, {@code c2 = 1 / (1 - beta2^t)}:
     * {@code u = (g + std z) gradScale}, {@code m' = (beta1 m, rounded to float) + (1 - beta1) u},
     * {@code v' = (beta2 v, rounded to float) + (1 - beta2) u u}, both stored rounded,
     * {@code w = (float) (w - lr (m' c1 / (sqrt(v' c2) + eps) + weightDecay w))} from the unrounded
     * m' and v'.
     */
    void adam(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std, float gradScale,
              float lr, float weightDecay, float beta1, float beta2, float eps, double c1, double c2, float[] m,
              int mo, float[] v, int vo);
}
