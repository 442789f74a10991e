// Per-sample squared gradient norms of embedding, LayerNorm and bias parameters, accumulated into
// out[B]. One block per sample; products in float, sums in double. CPU reference: CpuBackend.
//
//   embedding  out[i] += sum_{t,s: tok_it == tok_is} g_it . g_is   (ghost norm, token-equality mask;
//              its cross terms can cancel below 0 in float: clamped at 0, as on the CPU)
//   layernorm  out[i] += ||sum_t gy_it * xhat_it||^2 + ||sum_t gy_it||^2
//   bias       out[i] += ||sum_t g_it||^2
#include "common.cuh"

// Warps take positions t in turn; for each, the diagonal term and 2x every later equal token.
// Each lane keeps its own partial of every dot product; the block sums them once at the end.
__global__ void __launch_bounds__(BLOCK) embedding_norms_kernel(int seq, int d, const int* tokens, const float* g,
                                                                float* out) {
    __shared__ double shared[32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    const long long b = blockIdx.x;
    const int* tok = tokens + b * seq;
    const float* gb = g + b * seq * (long long) d;
    double acc = 0.0;
    for (int t = warp; t < seq; t += warps) {
        const int id = tok[t];
        const float* gt = gb + (long long) t * d;
        float dot = 0.0f;
        for (int j = lane; j < d; j += 32) dot += gt[j] * gt[j];
        acc += dot;
        for (int s = t + 1; s < seq; s++) {
            if (tok[s] != id) continue;  // uniform across the warp
            const float* gs = gb + (long long) s * d;
            dot = 0.0f;
            for (int j = lane; j < d; j += 32) dot += gt[j] * gs[j];
            acc += 2.0 * dot;
        }
    }
    acc = block_sum(acc, shared);
    if (threadIdx.x == 0) out[b] += (float) at_least_zero(acc);
}

// Threads own columns j; each sums its column over t (coalesced across threads), then squares.
__global__ void __launch_bounds__(BLOCK) layernorm_norms_kernel(int seq, int d, const float* gy, const float* xhat,
                                                                float* out) {
    __shared__ double shared[32];
    const long long b = blockIdx.x;
    double acc = 0.0;
    for (int j = threadIdx.x; j < d; j += blockDim.x) {
        float wg = 0.0f, wb = 0.0f;
        for (int t = 0; t < seq; t++) {
            long long k = (b * seq + t) * d + j;
            wg += gy[k] * xhat[k];
            wb += gy[k];
        }
        acc += (double) wg * wg + (double) wb * wb;
    }
    acc = block_sum(acc, shared);
    if (threadIdx.x == 0) out[b] += (float) acc;
}

__global__ void __launch_bounds__(BLOCK) bias_norms_kernel(int seq, int p, const float* g, float* out) {
    __shared__ double shared[32];
    const long long b = blockIdx.x;
    double acc = 0.0;
    for (int j = threadIdx.x; j < p; j += blockDim.x) {
        float w = 0.0f;
        for (int t = 0; t < seq; t++) w += g[(b * seq + t) * p + j];
        acc += (double) w * w;
    }
    acc = block_sum(acc, shared);
    if (threadIdx.x == 0) out[b] += (float) acc;
}

extern "C" int edp4j_embedding_norms(int batch, int seq, int d, uintptr_t tokens, uintptr_t g, uintptr_t out,
                                     uintptr_t stream) {
    if (batch <= 0 || seq <= 0 || d <= 0) return 0;
    embedding_norms_kernel<<<batch, BLOCK, 0, S(stream)>>>(seq, d, CI(tokens), CF(g), F(out));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_layernorm_norms(int batch, int seq, int d, uintptr_t gy, uintptr_t xhat, uintptr_t out,
                                     uintptr_t stream) {
    if (batch <= 0 || seq <= 0 || d <= 0) return 0;
    layernorm_norms_kernel<<<batch, BLOCK, 0, S(stream)>>>(seq, d, CF(gy), CF(xhat), F(out));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_bias_norms(int batch, int seq, int p, uintptr_t g, uintptr_t out, uintptr_t stream) {
    if (batch <= 0 || seq <= 0 || p <= 0) return 0;
    bias_norms_kernel<<<batch, BLOCK, 0, S(stream)>>>(seq, p, CF(g), F(out));
    EDP4J_LAUNCHED();
}
