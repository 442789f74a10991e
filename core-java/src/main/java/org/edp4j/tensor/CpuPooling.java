package org.edp4j.tensor;

import java.util.Arrays;

/** The CPU's masked mean pool over the sequence and its backward, on arrays with offsets. */
final class CpuPooling {
    private CpuPooling() {
    }

    /** {@code out[b, :] = sum_t m[b,t] x[b,t,:] / max(1, sum_t m[b,t])}. */
    static void maskedMeanPool(int batch, int seq, int d, float[] x, int xo, float[] m, int mo, float[] o, int oo) {
        Parallel.range(batch, 8, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int or = oo + b * d;
                Arrays.fill(o, or, or + d, 0f);
                float count = 0f;
                for (int t = 0; t < seq; t++) {
                    float w = m[mo + b * seq + t];
                    if (w == 0f) {
                        continue;
                    }
                    count += w;
                    int xr = xo + (b * seq + t) * d;
                    for (int j = 0; j < d; j++) {
                        o[or + j] += w * x[xr + j];
                    }
                }
                float inv = 1f / Math.max(1f, count);
                for (int j = 0; j < d; j++) {
                    o[or + j] *= inv;
                }
            }
        });
    }

    /** {@code gx[b,t,:] = m[b,t] gOut[b,:] / max(1, sum_t m[b,t])}. */
    static void maskedMeanPoolBackward(int batch, int seq, int d, float[] go, int goo, float[] m, int mo, float[] g,
                                       int gxo) {
        Parallel.range(batch, 8, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                float count = 0f;
                for (int t = 0; t < seq; t++) {
                    count += m[mo + b * seq + t];
                }
                float inv = 1f / Math.max(1f, count);
                for (int t = 0; t < seq; t++) {
                    float w = m[mo + b * seq + t] * inv;
                    int xr = gxo + (b * seq + t) * d;
                    for (int j = 0; j < d; j++) {
                        g[xr + j] = w * go[goo + b * d + j];
                    }
                }
            }
        });
    }
}
