// Embedding lookup and masked mean pooling over the sequence. CPU reference: CpuBackend.
//   lookup     out[r, :] = table[tok_r, :]   (an id outside [0, vocab) is reported, its row zeroed)
//   pool       out[b, :] = sum_t mask[b,t] x[b,t,:] / max(1, sum_t mask[b,t])
//   backward   gx[b,t,:] = mask[b,t] gOut[b,:] / max(1, sum_t mask[b,t])
#include "common.cuh"

__global__ void __launch_bounds__(BLOCK) embedding_lookup_kernel(int d, int vocab, const float* table,
                                                                 const int* tokens, float* out, int* bad) {
    const long long r = blockIdx.x;
    const int id = tokens[r];
    const bool ok = id >= 0 && id < vocab;
    if (!ok && threadIdx.x == 0) report_bad(bad, EDP4J_OP_EMBEDDING_LOOKUP, (int) r, id);
    for (int j = threadIdx.x; j < d; j += blockDim.x) out[r * d + j] = ok ? table[(long long) id * d + j] : 0.0f;
}

// Grid (column tiles, up to 65,535 samples); each thread owns one column and strides over the
// samples b = blockIdx.y, blockIdx.y + gridDim.y, ... (grid.y is limited to 65,535, the batch is not).
static const unsigned int MAX_GRID_Y = 65535;

__global__ void __launch_bounds__(BLOCK) masked_mean_pool_kernel(int batch, int seq, int d, const float* x,
                                                                 const float* mask, float* out) {
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= d) return;
    for (long long b = blockIdx.y; b < batch; b += gridDim.y) {
        float acc = 0.0f, count = 0.0f;
        for (int t = 0; t < seq; t++) {
            float w = mask[b * seq + t];
            if (w == 0.0f) continue;
            count += w;
            acc += w * x[(b * seq + t) * d + j];
        }
        out[b * d + j] = acc * (1.0f / fmaxf(1.0f, count));
    }
}

__global__ void __launch_bounds__(BLOCK) masked_mean_pool_backward_kernel(int batch, int seq, int d, const float* gOut,
                                                                          const float* mask, float* gx) {
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= d) return;
    for (long long b = blockIdx.y; b < batch; b += gridDim.y) {
        float count = 0.0f;
        for (int t = 0; t < seq; t++) count += mask[b * seq + t];
        const float inv = 1.0f / fmaxf(1.0f, count);
        const float go = gOut[b * d + j];
        for (int t = 0; t < seq; t++) gx[(b * seq + t) * d + j] = (mask[b * seq + t] * inv) * go;
    }
}

extern "C" int edp4j_embedding_lookup(int n, int d, int vocab, uintptr_t table, uintptr_t tokens, uintptr_t out,
                                      uintptr_t bad, uintptr_t stream) {
    if (n <= 0 || d <= 0) return 0;
    embedding_lookup_kernel<<<n, BLOCK, 0, S(stream)>>>(d, vocab, CF(table), CI(tokens), F(out), I(bad));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_masked_mean_pool(int batch, int seq, int d, uintptr_t x, uintptr_t mask, uintptr_t out,
                                      uintptr_t stream) {
    if (batch <= 0 || d <= 0) return 0;
    dim3 grid(ceil_div(d, BLOCK), (unsigned int) batch < MAX_GRID_Y ? (unsigned int) batch : MAX_GRID_Y);
    masked_mean_pool_kernel<<<grid, BLOCK, 0, S(stream)>>>(batch, seq, d, CF(x), CF(mask), F(out));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_masked_mean_pool_backward(int batch, int seq, int d, uintptr_t gOut, uintptr_t mask, uintptr_t gx,
                                               uintptr_t stream) {
    if (batch <= 0 || d <= 0 || seq <= 0) return 0;
    dim3 grid(ceil_div(d, BLOCK), (unsigned int) batch < MAX_GRID_Y ? (unsigned int) batch : MAX_GRID_Y);
    masked_mean_pool_backward_kernel<<<grid, BLOCK, 0, S(stream)>>>(batch, seq, d, CF(gOut), CF(mask), F(gx));
    EDP4J_LAUNCHED();
}
