/**
 * Tensors and the backends that compute on them.
 *
 * <p>A {@link org.edp4j.tensor.Tensor} is float32, row-major, owned by one
 * {@link org.edp4j.tensor.Backend}. The backend is the set of kernels a model needs, in two
 * halves: the {@link org.edp4j.tensor.TensorOps} of forward and backward passes (GEMM,
 * elementwise ops, reductions, gather, softmax cross-entropy, LayerNorm, attention) and the
 * {@link org.edp4j.tensor.PerSampleOps} of book-keeping DP-SGD (per-sample squared gradient
 * norms, clip factors, clipped sums, the fused noise + optimizer update). Every backend extends
 * {@link org.edp4j.tensor.AbstractBackend}, where each argument check lives once. Layers call
 * only these operations, so the same model runs on
 * {@link org.edp4j.tensor.CpuBackend} (pure Java) or on a device backend found through
 * {@link org.edp4j.tensor.BackendProvider}; {@link org.edp4j.tensor.Backends#best()} picks.
 *
 * <pre>{@code
 * Backend be = Backends.best();                 // CUDA when usable, else the CPU; says why once
 * Tensor a = be.tensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * Tensor b = be.tensor(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
 * Tensor c = be.zeros(2, 2);
 * be.gemm(false, false, 2, 2, 3, 1f, a, b, 0f, c); // c = a b = [[4, 5], [10, 11]]
 * }</pre>
 *
 * <p>The CPU backend allocates nothing per call once its per-thread scratch has grown: layers
 * keep their buffers and a training step with a fixed batch capacity allocates no tensors.
 *
 * <p>A caller's own memory becomes a tensor without a copy: {@link org.edp4j.tensor.CpuBackend#wrap}
 * views a {@code float[]} from an offset (writes go both ways), and the CUDA backend's
 * {@code wrap(devicePointer, dims)} views device memory the caller owns (docs/embedding.md).
 */
package org.edp4j.tensor;
