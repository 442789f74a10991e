// Elementwise ops: fill, axpy, scale, activations forward and backward, add a row vector.
// CPU reference: org.edp4j.tensor.CpuBackend (same formulas, float32). Grid-stride loops.
#include "common.cuh"

#define FOR_EACH(i, n) \
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); i += (long long) gridDim.x * blockDim.x)

static const float GELU_C = 0.7978845608028654f;  // sqrt(2/pi)

__global__ void __launch_bounds__(BLOCK) fill_kernel(float* x, long long n, float v) {
    FOR_EACH(i, n) x[i] = v;
}

__global__ void __launch_bounds__(BLOCK) axpy_kernel(long long n, float alpha, const float* x, float* y) {
    FOR_EACH(i, n) y[i] += alpha * x[i];
}

__global__ void __launch_bounds__(BLOCK) scale_kernel(long long n, float alpha, float* x) {
    FOR_EACH(i, n) x[i] *= alpha;
}

__global__ void __launch_bounds__(BLOCK) activation_kernel(int kind, long long n, const float* x, float* y) {
    FOR_EACH(i, n) {
        float v = x[i];
        if (kind == 0) {
            y[i] = fmaxf(0.0f, v);
        } else if (kind == 1) {
            y[i] = tanhf(v);
        } else {
            y[i] = 0.5f * v * (1.0f + tanhf(GELU_C * (v + 0.044715f * v * v * v)));
        }
    }
}

__global__ void __launch_bounds__(BLOCK) activation_backward_kernel(int kind, long long n, const float* x,
                                                                    const float* y, const float* gy, float* gx) {
    FOR_EACH(i, n) {
        if (kind == 0) {
            gx[i] = x[i] > 0.0f ? gy[i] : 0.0f;
        } else if (kind == 1) {
            gx[i] = (1.0f - y[i] * y[i]) * gy[i];
        } else {
            float v = x[i];
            float t = tanhf(GELU_C * (v + 0.044715f * v * v * v));
            float dt = (1.0f - t * t) * GELU_C * (1.0f + 3.0f * 0.044715f * v * v);
            gx[i] = (0.5f * (1.0f + t) + 0.5f * v * dt) * gy[i];
        }
    }
}

__global__ void __launch_bounds__(BLOCK) add_row_vector_kernel(int rows, int cols, const float* bias, float* x) {
    FOR_EACH(i, (long long) rows * cols) x[i] += bias[i % cols];
}

extern "C" int edp4j_fill(uintptr_t x, long long n, float value, uintptr_t stream) {
    if (n <= 0) return 0;
    fill_kernel<<<grid_for(n), BLOCK, 0, S(stream)>>>(F(x), n, value);
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_axpy(long long n, float alpha, uintptr_t x, uintptr_t y, uintptr_t stream) {
    if (n <= 0) return 0;
    axpy_kernel<<<grid_for(n), BLOCK, 0, S(stream)>>>(n, alpha, CF(x), F(y));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_scale(long long n, float alpha, uintptr_t x, uintptr_t stream) {
    if (n <= 0) return 0;
    scale_kernel<<<grid_for(n), BLOCK, 0, S(stream)>>>(n, alpha, F(x));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_activation(int kind, long long n, uintptr_t x, uintptr_t y, uintptr_t stream) {
    if (kind < 0 || kind > 2) return EDP4J_ERR_BAD_ARGUMENT;
    if (n <= 0) return 0;
    activation_kernel<<<grid_for(n), BLOCK, 0, S(stream)>>>(kind, n, CF(x), F(y));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_activation_backward(int kind, long long n, uintptr_t x, uintptr_t y, uintptr_t gy, uintptr_t gx,
                                         uintptr_t stream) {
    if (kind < 0 || kind > 2) return EDP4J_ERR_BAD_ARGUMENT;
    if (n <= 0) return 0;
    activation_backward_kernel<<<grid_for(n), BLOCK, 0, S(stream)>>>(kind, n, CF(x), CF(y), CF(gy), F(gx));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_add_row_vector(int rows, int cols, uintptr_t bias, uintptr_t x, uintptr_t stream) {
    long long n = (long long) rows * cols;
    if (n <= 0) return 0;
    add_row_vector_kernel<<<grid_for(n), BLOCK, 0, S(stream)>>>(rows, cols, CF(bias), F(x));
    EDP4J_LAUNCHED();
}
