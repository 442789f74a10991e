package org.edp4j.tensor;

/**
 * The masked softmax of one row of attention scores, in place: {@link ScalarSoftmax} or
 * {@code VectorSoftmax} (Java's Vector API), picked once by {@link Vectorization}. Both compute
 * exactly {@link ScalarSoftmax}'s definition, bit for bit.
 */
interface SoftmaxKernel {
    /**
     * {@code x[off + s] = e_s / sum_u e_u} over the keys with {@code mask[maskOff + s] != 0}, exactly 0
     * for the others, {@code e_s = exp(x_s - max)} with the maximum over the unmasked keys (see
     * {@link ScalarSoftmax} for the exact arithmetic). At least one key must be unmasked.
     * x: modified in {@code [off, off + n)}; mask: not modified.
     */
    void maskedSoftmax(float[] x, int off, int n, float[] mask, int maskOff);
}
