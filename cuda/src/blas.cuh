// cuBLAS, resolved at run time (see blas.cu): the few entry points the kernels of other files use.
#pragma once
#include "common.cuh"

// Row-major, per sample i < count: out_i[T,T] = X_i X_i^T for X_i = x + i*T*cols ([T, cols]).
int blas_gram_batched(uintptr_t handle, int count, int T, int cols, const float* x, float* out);
// Row-major, per sample i < count: W_i[d,p] = A_i^T G_i for A_i [T,d], G_i [T,p].
int blas_atg_batched(uintptr_t handle, int count, int T, int d, int p, const float* a, const float* g, float* w);
// cuBLAS's own column-major cublasSgemmStridedBatched, verbatim (transA/transB: 0 = N, 1 = T): for
// i < count, C_i = alpha op(A_i) op(B_i) + beta C_i with X_i = x + i*strideX; m, n, k, ld* as cuBLAS.
// The caller derives the row-major arrangement (see attention.cu).
int blas_sgemm_strided(uintptr_t handle, int transA, int transB, int m, int n, int k, float alpha, const float* a,
                       int lda, long long strideA, const float* b, int ldb, long long strideB, float beta, float* c,
                       int ldc, long long strideC, int count);
