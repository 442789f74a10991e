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

    /**
     * The softmax's backward for one row of probabilities p with upstream gradient dp:
     * {@code ds[dso + s] = p_s (dp_s - dot) scale} for {@code s < n}, float operations in that order,
     * and exactly 0 where {@code p_s == 0}, with {@code dot = (float) sum_{p_s != 0} p_s dp_s}, each
     * product rounded to float and summed in double as {@link #maskedSoftmax}'s sum is (see
     * {@link ScalarSoftmax}): a key with probability 0 (masked) takes no part, whatever its dp holds
     * (the CUDA kernel's definition too); and {@code keys[s] = 1} where {@code p_s != 0} (the keys some
     * query attends to; the other entries of keys are left as they are).
     * p, dp: not modified; ds: modified in {@code [dso, dso + n)} (must not overlap p or dp);
     * keys: modified in {@code [0, n)}.
     */
    void backward(float[] p, int po, float[] dp, int dpo, int n, float scale, float[] ds, int dso, float[] keys);
}
