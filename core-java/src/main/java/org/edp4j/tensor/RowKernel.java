package org.edp4j.tensor;

/**
 * Adding a scaled row into another, the inner loop of the embedding kernels ({@link CpuEmbedding}):
 * {@link ScalarRowKernel} or {@code VectorRowKernel} (Java's Vector API), picked once by
 * {@link Vectorization}. Both give the same bits. The Vector API one exists because C2 on JDK 17
 * leaves this loop scalar (it cannot tell that {@code y} and {@code x}, two float arrays at unrelated
 * offsets, do not overlap): the bag's forward took 1.3 ms and its scatter 3.3 ms with the scalar loop,
 * 0.52 and 0.89 ms with the vector one (B 256, T 128, d 128, vocabulary 20,000; docs/design-notes.md).
 */
interface RowKernel {
    /**
     * {@code y[yo + j] += f * (w * x[xo + j])} for {@code j < n}, each product and the sum rounded to
     * float in that order (no fused multiply-add). {@code f = 1} gives {@code y += w x} exactly.
     * y: modified in {@code [yo, yo + n)}; x: not modified (the ranges must not overlap).
     */
    void addScaled(float[] y, int yo, float[] x, int xo, int n, float w, float f);
}
