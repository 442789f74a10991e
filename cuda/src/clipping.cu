// Clip factors and the clipped sums that are not a GEMM. CPU reference: CpuBackend.
//
//   clip factors   f_i = mask_i * C / (sqrt(max(0, sqNorm_i)) + stabilizer), capped at 1 unless normalize
//                  (a NaN squared norm gives a NaN factor: the optimizer checks factors on the host)
//   column sum     out[j] = sum_r s_r g[r,j] + beta out[j]                    (bias)
//   layernorm      gGamma[j] = sum_r s_r gy[r,j] xhat[r,j] + beta gGamma[j],
//                  gBeta[j]  = sum_r s_r gy[r,j] + beta gBeta[j]
//   embedding      gradTable = beta gradTable; gradTable[tok_r, :] += s_r g[r, :]  (atomicAdd: the order
//                  of the additions into one row varies from run to run, so GPU sums agree with the CPU
//                  and with a rerun to float rounding, not bit for bit; see docs/cuda.md)
// with s_r = scale[r / rowsPerSample]. (Linear weights: edp4j_gemm_scaled_tn in blas.cu.)
#include "common.cuh"

__global__ void __launch_bounds__(BLOCK) clip_factors_kernel(int batch, const float* sqNorms, const float* mask,
                                                             float clipNorm, float stabilizer, int normalize,
                                                             float* factors) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= batch) return;
    if (mask[i] == 0.0f) {
        factors[i] = 0.0f;
        return;
    }
    double c = (double) clipNorm / (sqrt(at_least_zero((double) sqNorms[i])) + (double) stabilizer);
    factors[i] = (float) (normalize ? c : fmin(1.0, c));
}

// A block owns 32 columns; its 8 warps split the rows, then combine through shared memory.
// With TWO, also the LayerNorm form: a second output weighted by x.
static const int COLS = 32, ROW_LANES = BLOCK / COLS;

template <bool TWO>
__global__ void __launch_bounds__(BLOCK) column_sums_kernel(int rows, int cols, int rowsPerSample, const float* g,
                                                            const float* x, const float* scale, float beta,
                                                            float* out, float* outX) {
    __shared__ float part[ROW_LANES][COLS + 1];
    __shared__ float partX[ROW_LANES][COLS + 1];
    const int cx = threadIdx.x % COLS, ry = threadIdx.x / COLS;
    const int j = blockIdx.x * COLS + cx;
    float acc = 0.0f, accX = 0.0f;
    if (j < cols) {
        for (int r = ry; r < rows; r += ROW_LANES) {
            float f = scale[r / rowsPerSample];
            if (f == 0.0f) continue;  // skipped, not multiplied: a NaN row with factor 0 stays out
            long long k = (long long) r * cols + j;
            float v = f * g[k];
            acc += v;
            if (TWO) accX += v * x[k];
        }
    }
    part[ry][cx] = acc;
    if (TWO) partX[ry][cx] = accX;
    __syncthreads();
    if (ry == 0 && j < cols) {
        for (int q = 1; q < ROW_LANES; q++) {
            acc += part[q][cx];
            if (TWO) accX += partX[q][cx];
        }
        out[j] = acc + (beta == 0.0f ? 0.0f : beta * out[j]);
        if (TWO) outX[j] = accX + (beta == 0.0f ? 0.0f : beta * outX[j]);
    }
}

__global__ void __launch_bounds__(BLOCK) beta_scale_kernel(long long n, float beta, float* x) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        x[i] = beta == 0.0f ? 0.0f : beta * x[i];
    }
}

// One block per row r: gradTable[tok_r, :] += s_r g[r, :]. Rows with s_r == 0 are skipped (their ids
// are not checked, as on the CPU); an id outside [0, vocab) is reported in `bad`, not written.
__global__ void __launch_bounds__(BLOCK) embedding_scatter_kernel(int d, int vocab, int rowsPerSample,
                                                                  const int* tokens, const float* g,
                                                                  const float* scale, float* gradTable, int* bad) {
    const long long r = blockIdx.x;
    const float f = scale[r / rowsPerSample];
    if (f == 0.0f) return;
    const int id = tokens[r];
    if (id < 0 || id >= vocab) {
        if (threadIdx.x == 0) report_bad(bad, EDP4J_OP_EMBEDDING_SCATTER, (int) r, id);
        return;
    }
    for (int j = threadIdx.x; j < d; j += blockDim.x) {
        atomicAdd(&gradTable[(long long) id * d + j], f * g[r * d + j]);
    }
}

extern "C" int edp4j_clip_factors(int batch, uintptr_t sqNorms, uintptr_t mask, float clipNorm, float stabilizer,
                                  int normalize, uintptr_t factors, uintptr_t stream) {
    if (batch <= 0) return 0;
    clip_factors_kernel<<<ceil_div(batch, BLOCK), BLOCK, 0, S(stream)>>>(batch, CF(sqNorms), CF(mask), clipNorm,
                                                                          stabilizer, normalize, F(factors));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_column_sum_scaled(int rows, int cols, int rowsPerSample, uintptr_t g, uintptr_t scale, float beta,
                                       uintptr_t out, uintptr_t stream) {
    if (cols <= 0) return 0;
    if (rowsPerSample <= 0) return EDP4J_ERR_BAD_ARGUMENT;
    column_sums_kernel<false><<<ceil_div(cols, COLS), BLOCK, 0, S(stream)>>>(rows, cols, rowsPerSample, CF(g),
                                                                             nullptr, CF(scale), beta, F(out), nullptr);
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_layernorm_param_grad_scaled(int rows, int d, int rowsPerSample, uintptr_t gy, uintptr_t xhat,
                                                 uintptr_t scale, float beta, uintptr_t gGamma, uintptr_t gBeta,
                                                 uintptr_t stream) {
    if (d <= 0) return 0;
    if (rowsPerSample <= 0) return EDP4J_ERR_BAD_ARGUMENT;
    column_sums_kernel<true><<<ceil_div(d, COLS), BLOCK, 0, S(stream)>>>(rows, d, rowsPerSample, CF(gy), CF(xhat),
                                                                         CF(scale), beta, F(gBeta), F(gGamma));
    EDP4J_LAUNCHED();
}

extern "C" int edp4j_embedding_scatter_add_scaled(int n, int d, int vocab, int rowsPerSample, uintptr_t tokens,
                                                  uintptr_t g, uintptr_t scale, float beta, uintptr_t gradTable,
                                                  uintptr_t bad, uintptr_t stream) {
    if (rowsPerSample <= 0) return EDP4J_ERR_BAD_ARGUMENT;
    long long tableSize = (long long) vocab * d;
    if (beta != 1.0f && tableSize > 0) {
        beta_scale_kernel<<<grid_for(tableSize), BLOCK, 0, S(stream)>>>(tableSize, beta, F(gradTable));
        EDP4J_TRY(cudaGetLastError());
    }
    if (n <= 0 || d <= 0) return 0;
    embedding_scatter_kernel<<<n, BLOCK, 0, S(stream)>>>(d, vocab, rowsPerSample, CI(tokens), CF(g), CF(scale),
                                                         F(gradTable), I(bad));
    EDP4J_LAUNCHED();
}
