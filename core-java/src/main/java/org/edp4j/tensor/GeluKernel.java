package org.edp4j.tensor;

/**
 * GELU's float passes around {@link TanhKernel} ({@link CpuElementwise}'s GELU, tanh approximation):
 * the tanh argument widened to double, then the output or the input gradient from the tanh, in
 * float. {@link ScalarGeluKernel} (the definition) or {@code VectorGeluKernel} (Java's Vector API),
 * picked once by {@link Vectorization}; both give the same bits. C2 on JDK 17 leaves these loops
 * scalar (float and double arrays in one loop): over {@code [8192, 1024]} on two threads GELU took
 * 14.3-15.5 ms forward and 19.5 ms backward with them, 12.1-12.7 and 13.9-14.6 ms with the vector
 * passes (the tanh itself is most of the rest: about 2 ns a value on one core).
 */
interface GeluKernel {
    /** {@code sqrt(2/pi)}, rounded to float, as GELU's definition uses it. */
    float C = (float) Math.sqrt(2.0 / Math.PI);

    /** {@code u[j] = (double) (C * (v + 0.044715f * v * v * v))}, v = {@code x[xo + j]}, in float, for j &lt; n. */
    void arguments(float[] x, int xo, int n, double[] u);

    /** {@code y[yo + j] = 0.5f * v * (1f + (float) t[j])}. */
    void forward(float[] x, int xo, double[] t, int n, float[] y, int yo);

    /**
     * {@code gx = (0.5f (1f + t) + 0.5f v dt) gy} with {@code t = (float) t[j]} and
     * {@code dt = (1f - t t) C (1f + 3f * 0.044715f v v)}, in float in that order.
     */
    void backward(float[] x, int xo, double[] t, int n, float[] gy, int gyo, float[] gx, int gxo);
}
