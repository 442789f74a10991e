package org.edp4j.tensor;

/** The scalar {@link GeluKernel}: the definition, one element at a time. */
final class ScalarGeluKernel implements GeluKernel {

    @Override
    public void arguments(float[] x, int xo, int n, double[] u) {
        for (int j = 0; j < n; j++) {
            u[j] = argument(x[xo + j]);
        }
    }

    @Override
    public void forward(float[] x, int xo, double[] t, int n, float[] y, int yo) {
        for (int j = 0; j < n; j++) {
            float v = x[xo + j];
            y[yo + j] = 0.5f * v * (1f + (float) t[j]);
        }
    }

    @Override
    public void backward(float[] x, int xo, double[] t, int n, float[] gy, int gyo, float[] gx, int gxo) {
        for (int j = 0; j < n; j++) {
            gx[gxo + j] = gradient(x[xo + j], (float) t[j], gy[gyo + j]);
        }
    }

    /** The tanh argument of v, in float. */
    static float argument(float v) {
        return C * (v + 0.044715f * v * v * v);
    }

    /** The input gradient at v, whose argument's tanh is t, for the output gradient g. */
    static float gradient(float v, float t, float g) {
        float dt = (1f - t * t) * C * (1f + 3f * 0.044715f * v * v);
        return (0.5f * (1f + t) + 0.5f * v * dt) * g;
    }
}
