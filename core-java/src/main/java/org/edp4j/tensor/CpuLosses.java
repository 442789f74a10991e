package org.edp4j.tensor;

import java.util.Arrays;

/**
 * The CPU's losses, summed per sample and fused with their gradient, on arrays with offsets. Rows
 * whose mask is 0 get loss 0 and gradient 0; exponentials and logarithms in double.
 */
final class CpuLosses {
    private CpuLosses() {
    }

    /** A row with mask 0 gets loss 0 and gradient 0 (its inputs are not read); true when it was one. */
    private static boolean padding(float w, float[] l, int li, float[] g, int gr, int k) {
        if (w != 0f) {
            return false;
        }
        l[li] = 0f;
        Arrays.fill(g, gr, gr + k, 0f);
        return true;
    }

    /** See {@link TensorOps#binaryCrossEntropy}: the stable form {@code max(z,0) - z t + log1p(exp(-|z|))}. */
    static void binaryCrossEntropy(int batch, int k, float[] z, int zo, float[] t, int to, float[] m, int mo,
                                   float[] l, int lo, float[] g, int go) {
        for (int b = 0; b < batch; b++) {
            float w = m[mo + b];
            int gr = go + b * k;
            if (padding(w, l, lo + b, g, gr, k)) {
                continue;
            }
            int zr = zo + b * k;
            int tr = to + b * k;
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double x = z[zr + j];
                double y = t[tr + j];
                sum += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
                g[gr + j] = (float) (w * (sigmoid(x) - y));
            }
            l[lo + b] = (float) (w * sum);
        }
    }

    /** {@code 1 / (1 + exp(-x))} without overflow for large |x|. */
    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** See {@link TensorOps#meanSquaredError}. */
    static void meanSquaredError(int batch, int k, float[] y, int yo, float[] t, int to, float[] m, int mo,
                                 float[] l, int lo, float[] g, int go) {
        for (int b = 0; b < batch; b++) {
            float w = m[mo + b];
            int gr = go + b * k;
            if (padding(w, l, lo + b, g, gr, k)) {
                continue;
            }
            int yr = yo + b * k;
            int tr = to + b * k;
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double e = (double) y[yr + j] - t[tr + j];
                sum += e * e;
                g[gr + j] = (float) (w * 2 * e / k);
            }
            l[lo + b] = (float) (w * sum / k);
        }
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
            if (padding(w, l, lo + b, g, gr, classes)) {
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
