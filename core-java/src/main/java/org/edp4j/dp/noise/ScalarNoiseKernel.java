package org.edp4j.dp.noise;

/**
 * The plain-Java {@link NoiseKernel}: {@link ChaCha20#blocks} ({@value ChaCha20#LANES} blocks at
 * once, each quarter round a loop over the lanes that C2 auto-vectorizes) and the Box–Muller
 * transform with {@link FdLibm}, one block at a time. The fallback when Java's Vector API is not
 * enabled.
 */
final class ScalarNoiseKernel implements NoiseKernel {
    private static final ThreadLocal<int[][]> LANES =
            ThreadLocal.withInitial(() -> new int[ChaCha20.BLOCK_WORDS][ChaCha20.LANES]);

    @Override
    public int blocksPerGroup() {
        return ChaCha20.LANES;
    }

    @Override
    public void normals(int[] key, int counter0, int nonce0, int nonce1, int nonce2, int blocks, double stddev,
                        float[] dst, int off) {
        int[][] lanes = LANES.get();
        double[] z = new double[GaussianNoise.ELEMENTS_PER_BLOCK];
        for (int g = 0; g < blocks; g += ChaCha20.LANES) {
            ChaCha20.blocks(key, counter0 + g, nonce0, nonce1, nonce2, lanes);
            for (int l = 0; l < ChaCha20.LANES; l++) {
                GaussianNoise.normals(lanes, l, z);
                int o = off + 8 * (g + l);
                for (int p = 0; p < 8; p++) {
                    dst[o + p] = (float) (stddev * z[p]);
                }
            }
        }
    }

    @Override
    public void uniforms(int[] key, int counter0, int nonce0, int nonce1, int nonce2, int blocks, double[] dst,
                         int off) {
        int[][] lanes = LANES.get();
        for (int g = 0; g < blocks; g += ChaCha20.LANES) {
            ChaCha20.blocks(key, counter0 + g, nonce0, nonce1, nonce2, lanes);
            for (int l = 0; l < ChaCha20.LANES; l++) {
                int o = off + 8 * (g + l);
                for (int p = 0; p < 8; p++) {
                    long x = (lanes[2 * p][l] & 0xFFFFFFFFL) | ((long) lanes[2 * p + 1][l] << 32);
                    dst[o + p] = GaussianNoise.toUniform(x);
                }
            }
        }
    }

    @Override
    public void boxMuller(double[] u1, double[] u2, int n, double[] zc, double[] zs) {
        for (int i = 0; i < n; i++) {
            double[] cs = new double[2];
            FdLibm.cosSin(GaussianNoise.TWO_PI * u2[i], cs, 0);
            double r = StrictMath.sqrt(-2.0 * FdLibm.log(u1[i]));
            zc[i] = r * cs[0];
            zs[i] = r * cs[1];
        }
    }
}
