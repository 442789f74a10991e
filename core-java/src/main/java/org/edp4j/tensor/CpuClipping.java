package org.edp4j.tensor;

/**
 * The CPU's clip factors and the clipped sum of a bias (a column sum with per-sample factors), on
 * arrays with offsets.
 */
final class CpuClipping {
    private CpuClipping() {
    }

    /** See {@link PerSampleOps#clipFactors}. */
    static void factors(int batch, float[] n, int no, float[] m, int mo, float clipNorm, float stabilizer,
                        boolean normalize, float[] f, int fo) {
        for (int b = 0; b < batch; b++) {
            if (m[mo + b] == 0f) {
                f[fo + b] = 0f;
                continue;
            }
            double norm = Math.sqrt(CpuNorms.atLeastZero(n[no + b]));
            double c = clipNorm / (norm + stabilizer);
            f[fo + b] = (float) (normalize ? c : Math.min(1.0, c));
        }
    }

    /** {@code out[j] = sum_r s[r / rowsPerSample] g[r, j] + beta out[j]}; factor-0 rows skipped. */
    static void columnSumScaled(int rows, int cols, int rowsPerSample, float[] g, int go, float[] s, int so,
                                float beta, float[] o, int oo) {
        CpuElementwise.betaScale(o, oo, cols, beta);
        for (int r = 0; r < rows; r++) {
            float f = s[so + r / rowsPerSample];
            if (f == 0f) {
                continue;
            }
            int gr = go + r * cols;
            for (int j = 0; j < cols; j++) {
                o[oo + j] += f * g[gr + j];
            }
        }
    }
}
