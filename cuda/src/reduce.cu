// Whole-tensor reductions that return a value to the host: sum and sum of squares (in double), all-finite.
// Two passes, deterministic: up to 1024 blocks write partials, one block adds them.
// any_nonfinite: asynchronous, sets a device flag; several tensors are checked before one read.
#include "common.cuh"

static const int REDUCE_BLOCKS = 1024;

// What partial_sum_kernel adds per element: v; (v - v), 0 for finite v and NaN for NaN or +-inf;
// v * v (squared in float, as the CPU's sumSquares).
enum ReduceMode { SUM = 0, FINITE = 1, SQUARES = 2 };

// partial[blockIdx.x] = sum over this block's grid-stride share, in double.
__global__ void __launch_bounds__(BLOCK) partial_sum_kernel(long long n, const float* x, double* partial, int mode) {
    __shared__ double shared[32];
    double acc = 0.0;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float v = x[i];
        acc += mode == FINITE ? (double) (v - v) : mode == SQUARES ? (double) (v * v) : (double) v;
    }
    acc = block_sum(acc, shared);
    if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

__global__ void __launch_bounds__(1024) final_sum_kernel(int count, double* partial) {
    __shared__ double shared[32];
    double acc = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partial[i];
    acc = block_sum(acc, shared);
    if (threadIdx.x == 0) partial[0] = acc;
}

static int reduce_sync(long long n, uintptr_t x, uintptr_t scratch, int mode, double* result, uintptr_t stream) {
    *result = 0.0;
    if (n <= 0) return (int) cudaStreamSynchronize(S(stream));
    unsigned int blocks = ceil_div(n, BLOCK);
    if (blocks > REDUCE_BLOCKS) blocks = REDUCE_BLOCKS;
    double* partial = reinterpret_cast<double*>(scratch);
    partial_sum_kernel<<<blocks, BLOCK, 0, S(stream)>>>(n, CF(x), partial, mode);
    EDP4J_TRY(cudaGetLastError());
    final_sum_kernel<<<1, 1024, 0, S(stream)>>>((int) blocks, partial);
    EDP4J_TRY(cudaGetLastError());
    EDP4J_TRY(cudaMemcpyAsync(result, partial, sizeof(double), cudaMemcpyDeviceToHost, S(stream)));
    return (int) cudaStreamSynchronize(S(stream));
}

// flag[0] = 1 when some element is NaN or infinite (every writer writes the same value).
__global__ void __launch_bounds__(BLOCK) any_nonfinite_kernel(long long n, const float* x, int* flag) {
    int bad = 0;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        bad |= !isfinite(x[i]);
    }
    if (__syncthreads_or(bad) && threadIdx.x == 0) flag[0] = 1;
}

extern "C" int edp4j_any_nonfinite(long long n, uintptr_t x, uintptr_t flag, uintptr_t stream) {
    if (n <= 0) return 0;
    any_nonfinite_kernel<<<grid_for(n), BLOCK, 0, S(stream)>>>(n, CF(x), I(flag));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_sum_sync(long long n, uintptr_t x, uintptr_t scratch, double* result, uintptr_t stream) {
    return reduce_sync(n, x, scratch, SUM, result, stream);
}

extern "C" int edp4j_sum_of_squares_sync(long long n, uintptr_t x, uintptr_t scratch, double* result, uintptr_t stream) {
    return reduce_sync(n, x, scratch, SQUARES, result, stream);
}

extern "C" int edp4j_all_finite_sync(long long n, uintptr_t x, uintptr_t scratch, int* result, uintptr_t stream) {
    double r = 0.0;
    int s = reduce_sync(n, x, scratch, FINITE, &r, stream);
    *result = s == 0 && r == 0.0;
    return s;
}
