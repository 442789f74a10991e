package org.edp4j.cuda;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JNI binding of {@code cuda/include/edp4j_cuda.h}, one method per C function, built by the
 * JavaCPP Maven plugin into {@code libjniCudaNative.so} (kernels and static cudart linked in, so
 * it loads on a machine without the NVIDIA driver).
 *
 * <p>Device pointers and streams are {@code long}s ({@code uintptr_t}); every method returns the
 * C status: 0, a {@code cudaError_t} value, or an {@code EDP4J_ERR_*} code; {@link #edp4j_error_name}
 * names it. Library code calls these through {@link CudaBackend}, which checks every status.
 * Loading this class loads the library; a failure is an {@link UnsatisfiedLinkError} the first
 * time and {@link NoClassDefFoundError} after, so probe once ({@link CudaBackendProvider}).
 */
@Platform(include = "edp4j_cuda.h", link = {"dl#", "rt#", "pthread#", "cudart_static#", "edp4j_cuda#"})
public final class CudaNative {
    static {
        Loader.load();
    }

    private CudaNative() {
    }

    public static final int ERR_NO_CUBLAS = 20001;
    public static final int ERR_CUBLAS_SYMBOL = 20002;
    public static final int ERR_BAD_ARGUMENT = 20003;
    public static final int OP_EMBEDDING_LOOKUP = 1;
    public static final int OP_EMBEDDING_SCATTER = 2;
    public static final int OP_SOFTMAX_XENT = 3;

    // ------------------------------------------------------------ device, memory, streams

    public static native @Cast("const char*") BytePointer edp4j_error_name(int status);

    public static native int edp4j_device_count(int[] count);

    public static native int edp4j_device_properties(int device, @Cast("char*") byte[] name, int[] ccMajor,
                                                     int[] ccMinor, @Cast("long long*") long[] totalBytes);

    public static native int edp4j_mem_info(@Cast("long long*") long[] freeBytes, @Cast("long long*") long[] totalBytes);

    public static native int edp4j_malloc(@Cast("uintptr_t*") long[] ptr, @Cast("long long") long bytes);

    public static native int edp4j_free(@Cast("uintptr_t") long ptr);

    public static native int edp4j_stream_create(@Cast("uintptr_t*") long[] stream);

    public static native int edp4j_stream_destroy(@Cast("uintptr_t") long stream);

    public static native int edp4j_stream_sync(@Cast("uintptr_t") long stream);

    public static native int edp4j_copy_h2d_sync(@Cast("uintptr_t") long dst, @Const @Cast("const void*") float[] src,
                                                 @Cast("long long") long bytes, @Cast("uintptr_t") long stream);

    public static native int edp4j_copy_h2d_sync(@Cast("uintptr_t") long dst, @Const @Cast("const void*") int[] src,
                                                 @Cast("long long") long bytes, @Cast("uintptr_t") long stream);

    public static native int edp4j_copy_d2h_sync(@Cast("void*") float[] dst, @Cast("uintptr_t") long src,
                                                 @Cast("long long") long bytes, @Cast("uintptr_t") long stream);

    public static native int edp4j_copy_d2h_sync(@Cast("void*") int[] dst, @Cast("uintptr_t") long src,
                                                 @Cast("long long") long bytes, @Cast("uintptr_t") long stream);

    public static native int edp4j_copy_d2d(@Cast("uintptr_t") long dst, @Cast("uintptr_t") long src,
                                            @Cast("long long") long bytes, @Cast("uintptr_t") long stream);

    public static native int edp4j_memset_zero(@Cast("uintptr_t") long dst, @Cast("long long") long bytes,
                                               @Cast("uintptr_t") long stream);

    // ------------------------------------------------------------ cuBLAS

    public static native int edp4j_blas_load(String path);

    public static native int edp4j_blas_create(@Cast("uintptr_t*") long[] handle, @Cast("uintptr_t") long stream,
                                               @Cast("uintptr_t") long workspace, @Cast("long long") long workspaceBytes);

    public static native int edp4j_blas_destroy(@Cast("uintptr_t") long handle);

    public static native int edp4j_gemm(@Cast("uintptr_t") long handle, int transA, int transB, int m, int n, int k,
                                        float alpha, @Cast("uintptr_t") long a, @Cast("uintptr_t") long b, float beta,
                                        @Cast("uintptr_t") long c);

    public static native int edp4j_gemm_scaled_tn(@Cast("uintptr_t") long handle, @Cast("uintptr_t") long stream,
                                                  int rows, int m, int n, int rowsPerSample, @Cast("uintptr_t") long a,
                                                  @Cast("uintptr_t") long g, @Cast("uintptr_t") long scale, float beta,
                                                  @Cast("uintptr_t") long c, @Cast("uintptr_t") long scratch);

    // ------------------------------------------------------------ elementwise

    public static native int edp4j_fill(@Cast("uintptr_t") long x, @Cast("long long") long n, float value,
                                        @Cast("uintptr_t") long stream);

    public static native int edp4j_axpy(@Cast("long long") long n, float alpha, @Cast("uintptr_t") long x,
                                        @Cast("uintptr_t") long y, @Cast("uintptr_t") long stream);

    public static native int edp4j_scale(@Cast("long long") long n, float alpha, @Cast("uintptr_t") long x,
                                         @Cast("uintptr_t") long stream);

    public static native int edp4j_activation(int kind, @Cast("long long") long n, @Cast("uintptr_t") long x,
                                              @Cast("uintptr_t") long y, @Cast("uintptr_t") long stream);

    public static native int edp4j_activation_backward(int kind, @Cast("long long") long n, @Cast("uintptr_t") long x,
                                                       @Cast("uintptr_t") long y, @Cast("uintptr_t") long gy,
                                                       @Cast("uintptr_t") long gx, @Cast("uintptr_t") long stream);

    public static native int edp4j_add_row_vector(int rows, int cols, @Cast("uintptr_t") long bias,
                                                  @Cast("uintptr_t") long x, @Cast("uintptr_t") long stream);

    // ------------------------------------------------------------ reductions

    public static native int edp4j_sum_sync(@Cast("long long") long n, @Cast("uintptr_t") long x,
                                            @Cast("uintptr_t") long scratch, double[] result,
                                            @Cast("uintptr_t") long stream);

    public static native int edp4j_sum_of_squares_sync(@Cast("long long") long n, @Cast("uintptr_t") long x,
                                                       @Cast("uintptr_t") long scratch, double[] result,
                                                       @Cast("uintptr_t") long stream);

    public static native int edp4j_all_finite_sync(@Cast("long long") long n, @Cast("uintptr_t") long x,
                                                   @Cast("uintptr_t") long scratch, int[] result,
                                                   @Cast("uintptr_t") long stream);

    public static native int edp4j_any_nonfinite(@Cast("long long") long n, @Cast("uintptr_t") long x,
                                                 @Cast("uintptr_t") long flag, @Cast("uintptr_t") long stream);

    // ------------------------------------------------------------ embedding, pooling, normalization, loss

    public static native int edp4j_embedding_lookup(int n, int d, int vocab, @Cast("uintptr_t") long table,
                                                    @Cast("uintptr_t") long tokens, @Cast("uintptr_t") long out,
                                                    @Cast("uintptr_t") long bad, @Cast("uintptr_t") long stream);

    public static native int edp4j_embedding_scatter_add_scaled(int n, int d, int vocab, int rowsPerSample,
                                                                @Cast("uintptr_t") long tokens,
                                                                @Cast("uintptr_t") long g,
                                                                @Cast("uintptr_t") long scale, float beta,
                                                                @Cast("uintptr_t") long gradTable,
                                                                @Cast("uintptr_t") long bad,
                                                                @Cast("uintptr_t") long stream);

    public static native int edp4j_masked_mean_pool(int batch, int seq, int d, @Cast("uintptr_t") long x,
                                                    @Cast("uintptr_t") long mask, @Cast("uintptr_t") long out,
                                                    @Cast("uintptr_t") long stream);

    public static native int edp4j_masked_mean_pool_backward(int batch, int seq, int d, @Cast("uintptr_t") long gOut,
                                                             @Cast("uintptr_t") long mask, @Cast("uintptr_t") long gx,
                                                             @Cast("uintptr_t") long stream);

    public static native int edp4j_layernorm(int rows, int d, float eps, @Cast("uintptr_t") long x,
                                             @Cast("uintptr_t") long gamma, @Cast("uintptr_t") long beta,
                                             @Cast("uintptr_t") long y, @Cast("uintptr_t") long xhat,
                                             @Cast("uintptr_t") long rstd, @Cast("uintptr_t") long stream);

    public static native int edp4j_layernorm_backward(int rows, int d, @Cast("uintptr_t") long gy,
                                                      @Cast("uintptr_t") long xhat, @Cast("uintptr_t") long rstd,
                                                      @Cast("uintptr_t") long gamma, @Cast("uintptr_t") long gx,
                                                      @Cast("uintptr_t") long stream);

    public static native int edp4j_layernorm_param_grad_scaled(int rows, int d, int rowsPerSample,
                                                               @Cast("uintptr_t") long gy,
                                                               @Cast("uintptr_t") long xhat,
                                                               @Cast("uintptr_t") long scale, float beta,
                                                               @Cast("uintptr_t") long gGamma,
                                                               @Cast("uintptr_t") long gBeta,
                                                               @Cast("uintptr_t") long stream);

    public static native int edp4j_binary_xent(int batch, int outputs, @Cast("uintptr_t") long logits,
                                               @Cast("uintptr_t") long targets, @Cast("uintptr_t") long mask,
                                               @Cast("uintptr_t") long loss, @Cast("uintptr_t") long grad,
                                               @Cast("uintptr_t") long stream);

    public static native int edp4j_mean_squared_error(int batch, int outputs, @Cast("uintptr_t") long predictions,
                                                      @Cast("uintptr_t") long targets, @Cast("uintptr_t") long mask,
                                                      @Cast("uintptr_t") long loss, @Cast("uintptr_t") long grad,
                                                      @Cast("uintptr_t") long stream);

    public static native int edp4j_softmax_xent(int batch, int classes, @Cast("uintptr_t") long logits,
                                                @Cast("uintptr_t") long labels, @Cast("uintptr_t") long mask,
                                                @Cast("uintptr_t") long loss, @Cast("uintptr_t") long grad,
                                                @Cast("uintptr_t") long bad, @Cast("uintptr_t") long stream);

    // ------------------------------------------------------------ attention

    public static native int edp4j_attention(@Cast("uintptr_t") long blas, int batch, int seq, int heads, int headDim,
                                             @Cast("uintptr_t") long qkv, @Cast("uintptr_t") long keyMask,
                                             @Cast("uintptr_t") long probs, @Cast("uintptr_t") long out,
                                             @Cast("uintptr_t") long stream);

    public static native int edp4j_attention_backward(@Cast("uintptr_t") long blas, int batch, int seq, int heads,
                                                      int headDim, @Cast("uintptr_t") long qkv,
                                                      @Cast("uintptr_t") long probs, @Cast("uintptr_t") long gOut,
                                                      @Cast("uintptr_t") long scratch, @Cast("uintptr_t") long gQkv,
                                                      @Cast("uintptr_t") long stream);

    // ------------------------------------------------------------ per-sample squared norms

    public static native int edp4j_linear_norms_rowwise(int batch, int d, int p, @Cast("uintptr_t") long a,
                                                        @Cast("uintptr_t") long g, int bias,
                                                        @Cast("uintptr_t") long out, @Cast("uintptr_t") long stream);

    public static native int edp4j_linear_norms_ghost(@Cast("uintptr_t") long blas, int batch, int seq, int d, int p,
                                                      @Cast("uintptr_t") long a, @Cast("uintptr_t") long g, int bias,
                                                      @Cast("uintptr_t") long out, @Cast("uintptr_t") long scratch,
                                                      @Cast("long long") long scratchFloats,
                                                      @Cast("uintptr_t") long stream);

    public static native int edp4j_linear_norms_direct(@Cast("uintptr_t") long blas, int batch, int seq, int d, int p,
                                                       @Cast("uintptr_t") long a, @Cast("uintptr_t") long g, int bias,
                                                       @Cast("uintptr_t") long out, @Cast("uintptr_t") long scratch,
                                                       @Cast("long long") long scratchFloats,
                                                       @Cast("uintptr_t") long stream);

    public static native int edp4j_embedding_norms(int batch, int seq, int d, @Cast("uintptr_t") long tokens,
                                                   @Cast("uintptr_t") long g, @Cast("uintptr_t") long out,
                                                   @Cast("uintptr_t") long stream);

    public static native int edp4j_layernorm_norms(int batch, int seq, int d, @Cast("uintptr_t") long gy,
                                                   @Cast("uintptr_t") long xhat, @Cast("uintptr_t") long out,
                                                   @Cast("uintptr_t") long stream);

    public static native int edp4j_bias_norms(int batch, int seq, int p, @Cast("uintptr_t") long g,
                                              @Cast("uintptr_t") long out, @Cast("uintptr_t") long stream);

    // ------------------------------------------------------------ clipping and clipped sums

    public static native int edp4j_clip_factors(int batch, @Cast("uintptr_t") long sqNorms,
                                                @Cast("uintptr_t") long mask, float clipNorm, float stabilizer,
                                                int normalize, @Cast("uintptr_t") long factors,
                                                @Cast("uintptr_t") long stream);

    public static native int edp4j_column_sum_scaled(int rows, int cols, int rowsPerSample, @Cast("uintptr_t") long g,
                                                     @Cast("uintptr_t") long scale, float beta,
                                                     @Cast("uintptr_t") long out, @Cast("uintptr_t") long stream);

    // ------------------------------------------------------------ fused noise + optimizer update

    public static native int edp4j_add_noise_and_scale(@Cast("long long") long n, @Cast("uintptr_t") long x,
                                                       float stddev, @Const int[] key, int streamId,
                                                       @Cast("long long") long step,
                                                       @Cast("long long") long firstElement, float scale,
                                                       @Cast("uintptr_t") long stream);

    public static native int edp4j_sgd_update(@Cast("long long") long n, @Cast("uintptr_t") long param,
                                              @Cast("uintptr_t") long gradSum, float stddev, @Const int[] key,
                                              int streamId, @Cast("long long") long step,
                                              @Cast("long long") long firstElement, float gradScale, float lr,
                                              float momentum, float weightDecay, @Cast("uintptr_t") long velocity,
                                              @Cast("uintptr_t") long stream);

    public static native int edp4j_adam_update(@Cast("long long") long n, @Cast("uintptr_t") long param,
                                               @Cast("uintptr_t") long gradSum, float stddev, @Const int[] key,
                                               int streamId, @Cast("long long") long step,
                                               @Cast("long long") long firstElement, float gradScale, float lr,
                                               float beta1, float beta2, float eps, float weightDecay, double c1,
                                               double c2, @Cast("uintptr_t") long m, @Cast("uintptr_t") long v,
                                               @Cast("uintptr_t") long stream);
}
