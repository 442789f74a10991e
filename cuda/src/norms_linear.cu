// Per-sample squared gradient norms of a linear layer, accumulated into out[B] (never materializing
// per-sample gradients when avoidable). CPU reference: CpuBackend.linearNorms{Rowwise,Ghost,Direct}.
//
//   rowwise  [B,d] x [B,p]:   out[i] += ||a_i||^2 ||g_i||^2 (+ ||g_i||^2 with a bias)
//   ghost    [B,T,d] x [B,T,p]: out[i] += sum_{t,s} (A_i A_i^T)[t,s] (G_i G_i^T)[t,s]
//            the two Gram matrices by one strided-batched GEMM each, then ghost_reduce_kernel
//   direct   out[i] += ||A_i^T G_i||_F^2: the per-sample gradients by one strided-batched GEMM,
//            then segment_sumsq_kernel
// Ghost and direct work on chunks of samples that fit the caller's scratch buffer; the bias term
// ||sum_t g_it||^2 comes from edp4j_bias_norms (norms_other.cu).
#include "blas.cuh"

// One block per sample; products in float, sums in double.
__global__ void __launch_bounds__(BLOCK) linear_norms_rowwise_kernel(int d, int p, const float* a, const float* g,
                                                                     int bias, float* out) {
    __shared__ double shared[32];
    const long long b = blockIdx.x;
    double sa = 0.0, sg = 0.0;
    for (int j = threadIdx.x; j < d; j += blockDim.x) {
        float v = a[b * d + j];
        sa += (double) (v * v);
    }
    for (int j = threadIdx.x; j < p; j += blockDim.x) {
        float v = g[b * p + j];
        sg += (double) (v * v);
    }
    sa = block_sum(sa, shared);
    sg = block_sum(sg, shared);
    if (threadIdx.x == 0) out[b] += (float) (sa * sg + (bias ? sg : 0.0));
}

// out[i] += max(0, sum_k x[i*len + k] * y[i*len + k]); one block per sample. y == x gives a squared
// norm; for the ghost norm (x, y the two Gram matrices) the sum has terms of both signs, and
// cancellation can take it below 0: clamped, as on the CPU.
__global__ void __launch_bounds__(BLOCK) segment_dot_kernel(long long len, const float* x, const float* y, float* out) {
    __shared__ double shared[32];
    const long long base = blockIdx.x * len;
    double acc = 0.0;
    for (long long k = threadIdx.x; k < len; k += blockDim.x) acc += (double) (x[base + k] * y[base + k]);
    acc = block_sum(acc, shared);
    if (threadIdx.x == 0) out[blockIdx.x] += (float) at_least_zero(acc);
}

extern "C" int edp4j_linear_norms_rowwise(int batch, int d, int p, uintptr_t a, uintptr_t g, int bias, uintptr_t out,
                                          uintptr_t stream) {
    if (batch <= 0) return 0;
    linear_norms_rowwise_kernel<<<batch, BLOCK, 0, S(stream)>>>(d, p, CF(a), CF(g), bias, F(out));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_linear_norms_ghost(uintptr_t blas, int batch, int seq, int d, int p, uintptr_t a, uintptr_t g,
                                        int bias, uintptr_t out, uintptr_t scratch, long long scratchFloats,
                                        uintptr_t stream) {
    if (batch <= 0 || seq <= 0) return 0;
    if (d > 0 && p > 0) {
        const long long tt = (long long) seq * seq;
        long long chunk = scratchFloats / (2 * tt);
        if (chunk < 1) return EDP4J_ERR_BAD_ARGUMENT;
        if (chunk > batch) chunk = batch;
        float* gramA = F(scratch);
        float* gramG = gramA + chunk * tt;
        for (long long b0 = 0; b0 < batch; b0 += chunk) {
            int count = (int) (batch - b0 < chunk ? batch - b0 : chunk);
            EDP4J_TRY(blas_gram_batched(blas, count, seq, d, CF(a) + b0 * seq * d, gramA));
            EDP4J_TRY(blas_gram_batched(blas, count, seq, p, CF(g) + b0 * seq * p, gramG));
            segment_dot_kernel<<<count, BLOCK, 0, S(stream)>>>(tt, gramA, gramG, F(out) + b0);
            EDP4J_TRY(cudaGetLastError());
        }
    }
    return bias ? edp4j_bias_norms(batch, seq, p, g, out, stream) : 0;
}

extern "C" int edp4j_linear_norms_direct(uintptr_t blas, int batch, int seq, int d, int p, uintptr_t a, uintptr_t g,
                                         int bias, uintptr_t out, uintptr_t scratch, long long scratchFloats,
                                         uintptr_t stream) {
    if (batch <= 0 || seq <= 0) return 0;
    if (d > 0 && p > 0) {
        const long long dp = (long long) d * p;
        long long chunk = scratchFloats / dp;
        if (chunk < 1) return EDP4J_ERR_BAD_ARGUMENT;
        if (chunk > batch) chunk = batch;
        float* w = F(scratch);
        for (long long b0 = 0; b0 < batch; b0 += chunk) {
            int count = (int) (batch - b0 < chunk ? batch - b0 : chunk);
            EDP4J_TRY(blas_atg_batched(blas, count, seq, d, p, CF(a) + b0 * seq * d, CF(g) + b0 * seq * p, w));
            segment_dot_kernel<<<count, BLOCK, 0, S(stream)>>>(dp, w, w, F(out) + b0);
            EDP4J_TRY(cudaGetLastError());
        }
    }
    return bias ? edp4j_bias_norms(batch, seq, p, g, out, stream) : 0;
}
