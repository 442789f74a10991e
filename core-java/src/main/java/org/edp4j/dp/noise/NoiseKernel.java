package org.edp4j.dp.noise;

/**
 * The bulk arithmetic behind {@link GaussianNoise}'s fills: runs of whole ChaCha20 blocks turned
 * into normals or uniforms exactly as {@link GaussianNoise}'s class javadoc defines them.
 * {@link ScalarNoiseKernel} (plain Java) or {@code VectorNoiseKernel} (Java's Vector API), picked
 * once by {@code org.edp4j.tensor.Vectorization}. Both give the same values bit for bit: the same
 * cipher words, the same exact uniform transform, and fdlibm's {@code log}, {@code cos} and
 * {@code sin} with the same operations in the same order ({@link StrictMath}'s results).
 */
interface NoiseKernel {
    /** Blocks per group: the {@code blocks} arguments below are multiples of it. */
    int blocksPerGroup();

    /**
     * {@code dst[off + 8 b + p] = (float) (stddev * z_p)} of keystream block {@code counter0 + b}
     * (the counter wrapping mod 2^32) of the key and nonce, for {@code b < blocks}, {@code p < 8}.
     *
     * @param blocks a multiple of {@link #blocksPerGroup()}
     */
    void normals(int[] key, int counter0, int nonce0, int nonce1, int nonce2, int blocks, double stddev,
                 float[] dst, int off);

    /** {@code dst[off + 8 b + p] = U(x_p)} of block {@code counter0 + b}, as {@link #normals}. */
    void uniforms(int[] key, int counter0, int nonce0, int nonce1, int nonce2, int blocks, double[] dst, int off);

    /**
     * Box–Muller on given uniforms (for tests of the transform's edge cases):
     * {@code zc[i] = r cos t}, {@code zs[i] = r sin t} with {@code r = sqrt(-2 log u1[i])},
     * {@code t = 2 pi u2[i]}, for {@code i < n}.
     *
     * @param n a multiple of 8
     */
    void boxMuller(double[] u1, double[] u2, int n, double[] zc, double[] zs);
}
