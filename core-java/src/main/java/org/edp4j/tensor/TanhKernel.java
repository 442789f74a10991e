package org.edp4j.tensor;

/**
 * The hyperbolic tangent of doubles in place, for the TANH and GELU activations
 * ({@link CpuElementwise}): {@link ScalarTanhKernel} (the definition, {@link ScalarTanhKernel#tanh})
 * or {@code VectorTanhKernel} (Java's Vector API), picked once by {@link Vectorization}; both give
 * the same bits. It replaced {@link Math#tanh}, which JDK 17 runs as fdlibm's native code, about 18
 * ns a call: GELU over the encoder's {@code [8192, 1024]} feed-forward activations took 150 ms of
 * each layer's forward pass and as much of its backward (docs/design-notes.md).
 */
interface TanhKernel {
    /** {@code u[off + j] = tanh(u[off + j])} for {@code j < n}, as {@link ScalarTanhKernel#tanh}. */
    void tanh(double[] u, int off, int n);
}
