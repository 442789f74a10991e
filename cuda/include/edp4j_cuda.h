/*
 * edp4j CUDA kernels: the plain C interface the JNI binding (org.edp4j.cuda.CudaNative) calls.
 *
 * No CUDA types appear here. Device pointers and streams travel as uintptr_t; every function
 * returns an int status: 0 on success, a cudaError_t value for a CUDA failure, or one of the
 * EDP4J_ERR_* codes below (cuBLAS failures and a missing cuBLAS). The library never exits and
 * never prints. edp4j_error_name() names any status.
 *
 * Conventions (the same as org.edp4j.tensor.Backend): row-major float32, int32 ids, sizes given
 * explicitly; "per-sample" outputs are accumulated (+=); beta follows BLAS (beta 0 ignores the
 * old contents, NaN included). Kernels are launched on the given stream and are asynchronous;
 * only the functions named *_sync wait. Sizes of 0 are legal and launch nothing.
 *
 * Bad inputs that only the device sees (token ids or labels out of range) are not written;
 * the kernel records the first one in a 4-int device record `bad` = {flag, op, position, value}
 * that the caller reads at its next synchronization (EDP4J_OP_* name the op).
 */
#ifndef EDP4J_CUDA_H
#define EDP4J_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes beyond cudaError_t (whose values are all < 10000). */
#define EDP4J_ERR_CUBLAS_BASE 10000      /* 10000 + cublasStatus_t */
#define EDP4J_ERR_NO_CUBLAS 20001        /* libcublas.so.13 could not be loaded */
#define EDP4J_ERR_CUBLAS_SYMBOL 20002    /* a cuBLAS function is missing from the loaded library */
#define EDP4J_ERR_BAD_ARGUMENT 20003     /* a size or pointer the C side rejects */

/* Ops that report bad device-side inputs in the `bad` record. */
#define EDP4J_OP_EMBEDDING_LOOKUP 1
#define EDP4J_OP_EMBEDDING_SCATTER 2
#define EDP4J_OP_SOFTMAX_XENT 3

/* ------------------------------------------------------------ device, memory, streams */

/** The name of a status: "cudaErrorInsufficientDriver", "CUBLAS_STATUS_...", "EDP4J_ERR_NO_CUBLAS". */
const char* edp4j_error_name(int status);
int edp4j_device_count(int* count);
/** name: at least 256 bytes. */
int edp4j_device_properties(int device, char* name, int* ccMajor, int* ccMinor, long long* totalBytes);
int edp4j_mem_info(long long* freeBytes, long long* totalBytes);
int edp4j_malloc(uintptr_t* ptr, long long bytes);
int edp4j_free(uintptr_t ptr);
int edp4j_stream_create(uintptr_t* stream);
int edp4j_stream_destroy(uintptr_t stream);
int edp4j_stream_sync(uintptr_t stream);
/** Host to device and back; they wait for the stream, so the host array is free on return. */
int edp4j_copy_h2d_sync(uintptr_t dst, const void* src, long long bytes, uintptr_t stream);
int edp4j_copy_d2h_sync(void* dst, uintptr_t src, long long bytes, uintptr_t stream);
int edp4j_copy_d2d(uintptr_t dst, uintptr_t src, long long bytes, uintptr_t stream);
int edp4j_memset_zero(uintptr_t dst, long long bytes, uintptr_t stream);

/* ------------------------------------------------------------ cuBLAS (loaded at run time) */

/** Loads cuBLAS once: `path` when not NULL/empty, else libcublas.so.13 from the loader path, then CUDA_HOME and /usr/local/cuda. */
int edp4j_blas_load(const char* path);
/** A handle bound to `stream`, with `workspace` (bytes) as its workspace (0: cuBLAS's own). */
int edp4j_blas_create(uintptr_t* handle, uintptr_t stream, uintptr_t workspace, long long workspaceBytes);
int edp4j_blas_destroy(uintptr_t handle);
/** Row-major C[m,n] = alpha op(A) op(B) + beta C; k >= 1 (for k == 0 the caller scales C by beta). */
int edp4j_gemm(uintptr_t handle, int transA, int transB, int m, int n, int k, float alpha,
               uintptr_t a, uintptr_t b, float beta, uintptr_t c);
/**
 * C[m,n] = A^T diag(s) G + beta C, A [rows,m], G [rows,n], s[r] = scale[r / rowsPerSample].
 * Scales the rows of A and zeroes the rows of G whose factor is 0 into `scratch` (rows * (m+n) floats),
 * then one GEMM; rows with factor 0 contribute nothing even when they hold NaN.
 */
int edp4j_gemm_scaled_tn(uintptr_t handle, uintptr_t stream, int rows, int m, int n, int rowsPerSample,
                         uintptr_t a, uintptr_t g, uintptr_t scale, float beta, uintptr_t c, uintptr_t scratch);

/* ------------------------------------------------------------ elementwise */

int edp4j_fill(uintptr_t x, long long n, float value, uintptr_t stream);
int edp4j_axpy(long long n, float alpha, uintptr_t x, uintptr_t y, uintptr_t stream);
int edp4j_scale(long long n, float alpha, uintptr_t x, uintptr_t stream);
/** kind: 0 ReLU, 1 tanh, 2 GELU (tanh approximation), as org.edp4j.tensor.Activation. */
int edp4j_activation(int kind, long long n, uintptr_t x, uintptr_t y, uintptr_t stream);
int edp4j_activation_backward(int kind, long long n, uintptr_t x, uintptr_t y, uintptr_t gy, uintptr_t gx,
                              uintptr_t stream);
int edp4j_add_row_vector(int rows, int cols, uintptr_t bias, uintptr_t x, uintptr_t stream);

/* ------------------------------------------------------------ reductions (wait for the stream) */

/** Sum of all elements in double; `scratch` holds at least 1024 doubles. */
int edp4j_sum_sync(long long n, uintptr_t x, uintptr_t scratch, double* result, uintptr_t stream);
/** Sum of x_i * x_i (squares in float, as the CPU's) in double; `scratch` holds at least 1024 doubles. */
int edp4j_sum_of_squares_sync(long long n, uintptr_t x, uintptr_t scratch, double* result, uintptr_t stream);
/** *result = 1 when every element is finite; `scratch` holds at least 1024 doubles. */
int edp4j_all_finite_sync(long long n, uintptr_t x, uintptr_t scratch, int* result, uintptr_t stream);
/**
 * Asynchronous: sets the device int *flag to 1 when an element of x is NaN or infinite (never
 * clears it). Clear the flag, check several tensors, then read it once.
 */
int edp4j_any_nonfinite(long long n, uintptr_t x, uintptr_t flag, uintptr_t stream);

/* ------------------------------------------------------------ embedding, pooling, normalization, loss */

int edp4j_embedding_lookup(int n, int d, int vocab, uintptr_t table, uintptr_t tokens, uintptr_t out,
                           uintptr_t bad, uintptr_t stream);
int edp4j_embedding_scatter_add_scaled(int n, int d, int vocab, int rowsPerSample, uintptr_t tokens,
                                       uintptr_t g, uintptr_t scale, float beta, uintptr_t gradTable,
                                       uintptr_t bad, uintptr_t stream);
int edp4j_masked_mean_pool(int batch, int seq, int d, uintptr_t x, uintptr_t mask, uintptr_t out, uintptr_t stream);
int edp4j_masked_mean_pool_backward(int batch, int seq, int d, uintptr_t gOut, uintptr_t mask, uintptr_t gx,
                                    uintptr_t stream);
int edp4j_layernorm(int rows, int d, float eps, uintptr_t x, uintptr_t gamma, uintptr_t beta, uintptr_t y,
                    uintptr_t xhat, uintptr_t rstd, uintptr_t stream);
int edp4j_layernorm_backward(int rows, int d, uintptr_t gy, uintptr_t xhat, uintptr_t rstd, uintptr_t gamma,
                             uintptr_t gx, uintptr_t stream);
int edp4j_layernorm_param_grad_scaled(int rows, int d, int rowsPerSample, uintptr_t gy, uintptr_t xhat,
                                      uintptr_t scale, float beta, uintptr_t gGamma, uintptr_t gBeta,
                                      uintptr_t stream);
int edp4j_softmax_xent(int batch, int classes, uintptr_t logits, uintptr_t labels, uintptr_t mask,
                       uintptr_t loss, uintptr_t grad, uintptr_t bad, uintptr_t stream);
/** Binary cross-entropy on logits, summed over the outputs of each row; as Backend#binaryCrossEntropy. */
int edp4j_binary_xent(int batch, int outputs, uintptr_t logits, uintptr_t targets, uintptr_t mask,
                      uintptr_t loss, uintptr_t grad, uintptr_t stream);
/** Mean over the outputs of each row of (y - t)^2; as Backend#meanSquaredError. */
int edp4j_mean_squared_error(int batch, int outputs, uintptr_t predictions, uintptr_t targets, uintptr_t mask,
                             uintptr_t loss, uintptr_t grad, uintptr_t stream);

/* ------------------------------------------------------------ attention (cuBLAS + softmax kernels) */

/**
 * Multi-head self-attention with a key padding mask, as org.edp4j.tensor.Backend#attention:
 * qkv [B,T,3d] (d = heads*headDim; q, k, v in column blocks [0,d), [d,2d), [2d,3d), head h at
 * h*headDim within each), keyMask [B,T] (0 = padding); overwrites probs [B,H,T,T] and out [B,T,d].
 * Scores are scaled by 1/sqrt(headDim); masked keys get probability 0; a sample with no unmasked
 * key gets zero probabilities and output. `blas` must be bound to `stream`.
 */
int edp4j_attention(uintptr_t blas, int batch, int seq, int heads, int headDim, uintptr_t qkv, uintptr_t keyMask,
                    uintptr_t probs, uintptr_t out, uintptr_t stream);
/**
 * Backward of edp4j_attention: overwrites gQkv [B,T,3d] with dL/dqkv given gOut [B,T,d], the
 * forward's qkv and probs; scratch [B,H,T,T] is overwritten (dL/dscores).
 */
int edp4j_attention_backward(uintptr_t blas, int batch, int seq, int heads, int headDim, uintptr_t qkv,
                             uintptr_t probs, uintptr_t gOut, uintptr_t scratch, uintptr_t gQkv, uintptr_t stream);

/* ------------------------------------------------------------ per-sample squared norms (accumulate into out[B]) */

/* Each adds a value >= 0 per sample: a sum that float cancellation took below 0 is clamped at 0 (NaN kept). */
int edp4j_linear_norms_rowwise(int batch, int d, int p, uintptr_t a, uintptr_t g, int bias, uintptr_t out,
                               uintptr_t stream);
/** Ghost norm through per-sample Gram matrices; `scratch` holds scratchFloats >= 2*seq*seq floats. */
int edp4j_linear_norms_ghost(uintptr_t blas, int batch, int seq, int d, int p, uintptr_t a, uintptr_t g, int bias,
                             uintptr_t out, uintptr_t scratch, long long scratchFloats, uintptr_t stream);
/** Direct per-sample gradients A_i^T G_i; `scratch` holds scratchFloats >= d*p floats. */
int edp4j_linear_norms_direct(uintptr_t blas, int batch, int seq, int d, int p, uintptr_t a, uintptr_t g, int bias,
                              uintptr_t out, uintptr_t scratch, long long scratchFloats, uintptr_t stream);
int edp4j_embedding_norms(int batch, int seq, int d, uintptr_t tokens, uintptr_t g, uintptr_t out, uintptr_t stream);
int edp4j_layernorm_norms(int batch, int seq, int d, uintptr_t gy, uintptr_t xhat, uintptr_t out, uintptr_t stream);
int edp4j_bias_norms(int batch, int seq, int p, uintptr_t g, uintptr_t out, uintptr_t stream);

/* ------------------------------------------------------------ clipping and clipped sums */

/** factors[i] = mask[i] * clipNorm / (sqrt(max(0, sqNorms[i])) + stabilizer), capped at 1 unless normalize. */
int edp4j_clip_factors(int batch, uintptr_t sqNorms, uintptr_t mask, float clipNorm, float stabilizer,
                       int normalize, uintptr_t factors, uintptr_t stream);
int edp4j_column_sum_scaled(int rows, int cols, int rowsPerSample, uintptr_t g, uintptr_t scale, float beta,
                            uintptr_t out, uintptr_t stream);

/* ------------------------------------------------------------ fused noise + optimizer update */

/**
 * Noise as org.edp4j.tensor.UpdateNoise: element i gets (float)(stddev * z[firstElement + i]) of the
 * ChaCha20 stream (key[8], nonce = streamId, (int)step, (int)(step >>> 32)); stddev 0: no noise.
 * velocity may be 0 when momentum == 0.
 */
int edp4j_sgd_update(long long n, uintptr_t param, uintptr_t gradSum, float stddev, const int* key, int streamId,
                     long long step, long long firstElement, float gradScale, float lr, float momentum,
                     float weightDecay, uintptr_t velocity, uintptr_t stream);
/** x = (x + stddev z) * scale, z drawn as in the updates; as Backend#addNoiseAndScale. */
int edp4j_add_noise_and_scale(long long n, uintptr_t x, float stddev, const int* key, int streamId, long long step,
                              long long firstElement, float scale, uintptr_t stream);
/** c1 = 1/(1-beta1^t), c2 = 1/(1-beta2^t), computed by the caller in double (as the CPU uses them). */
int edp4j_adam_update(long long n, uintptr_t param, uintptr_t gradSum, float stddev, const int* key, int streamId,
                      long long step, long long firstElement, float gradScale, float lr, float beta1, float beta2,
                      float eps, float weightDecay, double c1, double c2, uintptr_t m, uintptr_t v, uintptr_t stream);

#ifdef __cplusplus
}
#endif
#endif /* EDP4J_CUDA_H */
