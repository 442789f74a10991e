package org.edp4j.tensor;

import java.util.Arrays;

/**
 * The CPU's LayerNorm kernels on arrays with offsets: forward, input gradient, the clipped sums of
 * gamma and beta, and their per-sample squared norm. Rows of {@code d} values; statistics in
 * double; rows split across the common fork-join pool.
 */
final class CpuLayerNorm {
    private CpuLayerNorm() {
    }

    /** {@code xhat = (x - mean) rstd}, {@code y = gamma xhat + beta}, {@code rstd = 1 / sqrt(var + eps)}. */
    static void forward(int rows, int d, float eps, float[] x, int xo, float[] gm, int gmo, float[] bt, int bto,
                        float[] y, int yo, float[] xh, int xho, float[] rs, int rso) {
        Parallel.range(rows, Math.max(1, CpuElementwise.GRAIN / Math.max(1, d)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xr = xo + r * d;
                double mean = 0;
                for (int j = 0; j < d; j++) {
                    mean += x[xr + j];
                }
                mean /= d;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    double c = x[xr + j] - mean;
                    var += c * c;
                }
                var /= d;
                float inv = (float) (1.0 / Math.sqrt(var + eps));
                rs[rso + r] = inv;
                float mu = (float) mean;
                int hr = xho + r * d;
                int yr = yo + r * d;
                for (int j = 0; j < d; j++) {
                    float h = (x[xr + j] - mu) * inv;
                    xh[hr + j] = h;
                    y[yr + j] = gm[gmo + j] * h + bt[bto + j];
                }
            }
        });
    }

    /** {@code gx = rstd (gamma gy - mean(gamma gy) - xhat mean(gamma gy xhat))}. */
    static void backward(int rows, int d, float[] g, int go, float[] xh, int xho, float[] rs, int rso, float[] gm,
                         int gmo, float[] out, int oo) {
        Parallel.range(rows, Math.max(1, CpuElementwise.GRAIN / Math.max(1, d)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int gr = go + r * d;
                int hr = xho + r * d;
                float sumG = 0f;
                float sumGx = 0f;
                for (int j = 0; j < d; j++) {
                    float gg = gm[gmo + j] * g[gr + j];
                    sumG += gg;
                    sumGx += gg * xh[hr + j];
                }
                float meanG = sumG / d;
                float meanGx = sumGx / d;
                float inv = rs[rso + r];
                int outr = oo + r * d;
                for (int j = 0; j < d; j++) {
                    out[outr + j] = inv * (gm[gmo + j] * g[gr + j] - meanG - xh[hr + j] * meanGx);
                }
            }
        });
    }

    /** {@code gGamma = sum_r s_r gy_r xhat_r + beta gGamma}, {@code gBeta = sum_r s_r gy_r + beta gBeta}; factor-0 rows skipped. */
    static void paramGradScaled(int rows, int d, int rowsPerSample, float[] g, int go, float[] xh, int xho, float[] s,
                                int so, float beta, float[] gg, int ggo, float[] gb, int gbo) {
        CpuElementwise.betaScale(gg, ggo, d, beta);
        CpuElementwise.betaScale(gb, gbo, d, beta);
        for (int r = 0; r < rows; r++) {
            float f = s[so + r / rowsPerSample];
            if (f == 0f) {
                continue;
            }
            int gr = go + r * d;
            int hr = xho + r * d;
            for (int j = 0; j < d; j++) {
                float v = f * g[gr + j];
                gg[ggo + j] += v * xh[hr + j];
                gb[gbo + j] += v;
            }
        }
    }

    /** {@code out[b] += ||sum_t gy_bt xhat_bt||^2 + ||sum_t gy_bt||^2}. */
    static void norms(int batch, int seq, int d, float[] g, int go, float[] xh, int xho, float[] out, int oo) {
        Parallel.range(batch, 8, (b0, b1) -> {
            float[] w = CpuScratch.floats(2 * d);
            for (int b = b0; b < b1; b++) {
                Arrays.fill(w, 0, 2 * d, 0f);
                for (int t = 0; t < seq; t++) {
                    int gr = go + (b * seq + t) * d;
                    int hr = xho + (b * seq + t) * d;
                    for (int j = 0; j < d; j++) {
                        w[j] += g[gr + j] * xh[hr + j];
                        w[d + j] += g[gr + j];
                    }
                }
                out[oo + b] += (float) CpuElementwise.sumSquares(w, 0, 2 * d);
            }
        });
    }
}
