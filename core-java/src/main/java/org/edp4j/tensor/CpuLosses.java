package org.edp4j.tensor;

import java.util.Arrays;

/**
 * The CPU's losses, summed per sample and fused with their gradient, on arrays with offsets. Rows
 * whose mask is 0 get loss 0 and gradient 0; exponentials and logarithms in double.
 */
final class CpuLosses {
    private CpuLosses() {
    }

    /** See {@link TensorOps#softmaxCrossEntropy}. */
    static void softmaxCrossEntropy(int batch, int classes, float[] z, int zo, int[] y, int yo, float[] m, int mo,
                                    float[] l, int lo, float[] g, int go) {
        for (int b = 0; b < batch; b++) {
            int label = y[yo + b];
            if (m[mo + b] != 0f && (label < 0 || label >= classes)) {
                throw new IllegalArgumentException("label " + label + " of row " + b + " is outside [0, " + classes
                        + ")");
            }
        }
        for (int b = 0; b < batch; b++) {
            int zr = zo + b * classes;
            int gr = go + b * classes;
            float w = m[mo + b];
            if (w == 0f) {
                l[lo + b] = 0f;
                Arrays.fill(g, gr, gr + classes, 0f);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[zr + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(z[zr + c] - max);
            }
            double lse = max + Math.log(sum);
            int label = y[yo + b];
            l[lo + b] = (float) (w * (lse - z[zr + label]));
            for (int c = 0; c < classes; c++) {
                g[gr + c] = (float) (w * Math.exp(z[zr + c] - lse));
            }
            g[gr + label] -= w;
        }
    }
}
