// Shared helpers of the edp4j kernels: pointer casts, launch sizes, warp and block reductions.
#pragma once
#include <cuda_runtime.h>
#include <stdint.h>
#include "edp4j_cuda.h"

#define F(p) reinterpret_cast<float*>(p)
#define CF(p) reinterpret_cast<const float*>(p)
#define CI(p) reinterpret_cast<const int*>(p)
#define I(p) reinterpret_cast<int*>(p)
#define S(p) reinterpret_cast<cudaStream_t>(p)

// Every launcher ends with this: the launch error (bad configuration, no device), cleared.
#define EDP4J_LAUNCHED() return (int) cudaGetLastError()
// Returns a failing status from inside a launcher.
#define EDP4J_TRY(call) do { int s_ = (int) (call); if (s_ != 0) return s_; } while (0)

static const int BLOCK = 256;

static inline unsigned int ceil_div(long long n, long long d) {
    return (unsigned int) ((n + d - 1) / d);
}

// Blocks for a grid-stride loop over n elements: enough to fill the device, at most 65535*8.
static inline unsigned int grid_for(long long n, int block = BLOCK) {
    long long g = (n + block - 1) / block;
    if (g > 65535LL * 8) g = 65535LL * 8;
    return (unsigned int) (g < 1 ? 1 : g);
}

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the whole block (blockDim.x a multiple of 32, <= 1024); every thread gets the result.
// `shared` holds 32 values. Safe to call repeatedly (it syncs before reusing `shared`).
template <typename T>
__device__ T block_sum(T v, T* shared) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    T r = lane < warps ? shared[lane] : T(0);
    return warp_sum(r);
}

__device__ __forceinline__ float block_max(float v, float* shared) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    float r = lane < warps ? shared[lane] : -INFINITY;
    return warp_max(r);
}

// A squared norm that float cancellation took below 0 (a ghost sum of cancelling positions) is 0;
// NaN stays NaN (fmax(0, NaN) would hide it) for the optimizer's non-finite check.
__device__ __forceinline__ double at_least_zero(double x) {
    return x < 0.0 ? 0.0 : x;
}

// Records the first bad device-side input {flag, op, position, value}; later ones are dropped.
__device__ __forceinline__ void report_bad(int* bad, int op, int position, int value) {
    if (bad != nullptr && atomicCAS(&bad[0], 0, 1) == 0) {
        bad[1] = op;
        bad[2] = position;
        bad[3] = value;
    }
}
