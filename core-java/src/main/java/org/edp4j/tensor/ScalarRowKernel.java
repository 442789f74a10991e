package org.edp4j.tensor;

/** The scalar {@link RowKernel}: the definition, one element at a time. */
final class ScalarRowKernel implements RowKernel {
    @Override
    public void addScaled(float[] y, int yo, float[] x, int xo, int n, float w, float f) {
        for (int j = 0; j < n; j++) {
            y[yo + j] += f * (w * x[xo + j]);
        }
    }
}
