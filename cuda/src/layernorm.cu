// LayerNorm over the last dimension, forward and input gradient. One block per row.
// CPU reference: CpuBackend.layerNorm (mean and variance in double, two passes) and layerNormBackward.
//   forward   xhat = (x - mean) rstd, rstd = 1/sqrt(var + eps), y = gamma xhat + beta
//   backward  gx = rstd (gamma gy - mean(gamma gy) - xhat mean(gamma gy xhat))
#include "common.cuh"

__global__ void __launch_bounds__(BLOCK) layernorm_kernel(int d, float eps, const float* x, const float* gamma,
                                                          const float* beta, float* y, float* xhat, float* rstd) {
    __shared__ double shared[32];
    const long long off = (long long) blockIdx.x * d;
    double s = 0.0;
    for (int j = threadIdx.x; j < d; j += blockDim.x) s += x[off + j];
    const double mean = block_sum(s, shared) / d;
    double v = 0.0;
    for (int j = threadIdx.x; j < d; j += blockDim.x) {
        double c = x[off + j] - mean;
        v += c * c;
    }
    const double var = block_sum(v, shared) / d;
    const float inv = (float) (1.0 / sqrt(var + (double) eps));
    const float mu = (float) mean;
    if (threadIdx.x == 0) rstd[blockIdx.x] = inv;
    for (int j = threadIdx.x; j < d; j += blockDim.x) {
        float h = (x[off + j] - mu) * inv;
        xhat[off + j] = h;
        y[off + j] = gamma[j] * h + beta[j];
    }
}

__global__ void __launch_bounds__(BLOCK) layernorm_backward_kernel(int d, const float* gy, const float* xhat,
                                                                   const float* rstd, const float* gamma, float* gx) {
    __shared__ float shared[32];
    const long long off = (long long) blockIdx.x * d;
    float sg = 0.0f, sgx = 0.0f;
    for (int j = threadIdx.x; j < d; j += blockDim.x) {
        float gg = gamma[j] * gy[off + j];
        sg += gg;
        sgx += gg * xhat[off + j];
    }
    const float meanG = block_sum(sg, shared) / d;
    const float meanGx = block_sum(sgx, shared) / d;
    const float inv = rstd[blockIdx.x];
    for (int j = threadIdx.x; j < d; j += blockDim.x) {
        gx[off + j] = inv * (gamma[j] * gy[off + j] - meanG - xhat[off + j] * meanGx);
    }
}

extern "C" int edp4j_layernorm(int rows, int d, float eps, uintptr_t x, uintptr_t gamma, uintptr_t beta, uintptr_t y,
                               uintptr_t xhat, uintptr_t rstd, uintptr_t stream) {
    if (rows <= 0 || d <= 0) return 0;
    layernorm_kernel<<<rows, BLOCK, 0, S(stream)>>>(d, eps, CF(x), CF(gamma), CF(beta), F(y), F(xhat), F(rstd));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_layernorm_backward(int rows, int d, uintptr_t gy, uintptr_t xhat, uintptr_t rstd, uintptr_t gamma,
                                        uintptr_t gx, uintptr_t stream) {
    if (rows <= 0 || d <= 0) return 0;
    layernorm_backward_kernel<<<rows, BLOCK, 0, S(stream)>>>(d, CF(gy), CF(xhat), CF(rstd), CF(gamma), F(gx));
    EDP4J_LAUNCHED();
}
