// Multi-head scaled dot-product self-attention with a key padding mask, forward and backward.
// CPU reference: CpuBackend.attention / attentionBackward (contract: org.edp4j.tensor.Backend).
//
// Sizes: B batch, T seq, H heads, dh headDim, d = H dh. Row-major tensors:
//   qkv [B,T,3d]: q_bt in columns [0,d), k_bt in [d,2d), v_bt in [2d,3d); head h uses columns h dh .. h dh + dh-1
//   keyMask [B,T] (0 = padding), probs and scratch [B,H,T,T], out and gOut [B,T,d], gQkv [B,T,3d]
// With c = 1/sqrt(dh), per sample b and head h (Q, K, V, dO, P, ... the [T,dh] / [T,T] blocks of (b,h)):
//   forward   S = c Q K^T;  P = softmax over unmasked keys of S (masked keys 0; no unmasked key: row 0);  O = P V
//   backward  dV = P^T dO;  dP = dO V^T;  dS = P . (dP - rowsum(dP . P));  dQ = c dS K;  dK = c dS^T Q
// The scale c rides in the GEMMs' alpha (S, dQ, dK): free, and the softmax kernels stay scale-free.
//
// ---------------------------------------------------------------- the cuBLAS arrangement
// cuBLAS is column-major: C(i,j) = sum_l op(A)(i,l) op(B)(l,j), stored at c[i + j ldc]; op(A)(i,l) is
// a[i + l lda] for N and a[l + i lda] for T (likewise B). A row-major block X [r, cols] with row stride L
// is, read column-major, X^T [cols, r] with ld L. Every block of (b,h) is such a strided row-major
// block with base pointers
//   Q = qkv + b T 3d + h dh,  K = Q + d,  V = Q + 2d   (row stride 3d)
//   P, S, dP, dS = probs/scratch + (b H + h) T T      (row stride T)
//   O, dO = out/gOut + b T d + h dh                    (row stride d)
//   dQ, dK, dV = gQkv + b T 3d + h dh (+ d, + 2d)      (row stride 3d)
// One cublasSgemmStridedBatched per head h and product, batched over the B samples: batch stride
// T 3d for qkv and gQkv, H T T for probs and scratch, T d for out and gOut. Each call, derived from the
// row-major product (writing row-major R = X Y as column-major R^T = Y^T X^T):
//
//   product           opA opB  m   n   k   A (lda)     B (ldb)     C (ldc)       alpha  check: C(i,j) =
//   S  = c Q K^T      T   N    T   T   dh  K  (3d)     Q  (3d)     S  (T)        c      c sum_l K[i,l] Q[j,l] = S[j,i]
//   O  = P V          N   N    dh  T   T   V  (3d)     P  (T)      O  (d)        1      sum_l V[l,i] P[j,l]   = O[j,i]
//   dV = P^T dO       N   T    dh  T   T   dO (d)      P  (T)      dV (3d)       1      sum_l dO[l,i] P[l,j]  = dV[j,i]
//   dP = dO V^T       T   N    T   T   dh  V  (3d)     dO (d)      dP (T)        1      sum_l V[i,l] dO[j,l]  = dP[j,i]
//   dQ = c dS K       N   N    dh  T   T   K  (3d)     dS (T)      dQ (3d)       c      c sum_l K[l,i] dS[j,l] = dQ[j,i]
//   dK = c dS^T Q     N   T    dh  T   T   Q  (3d)     dS (T)      dK (3d)       c      c sum_l Q[l,i] dS[l,j] = dK[j,i]
//
// where X[r,c] is row r, column c of the row-major block, and C(i,j) lands at c[i + j ldc] = row j,
// column i of the row-major result: the check column is exactly the row-major product. Leading
// dimensions satisfy cuBLAS's rules (N: lda >= m; T: lda >= k; likewise ldb; ldc >= m) because
// 3d >= dh, d >= dh. Batch strides never let two C blocks overlap (T 3d, T d and H T T are each at
// least one block's extent). beta = 0 everywhere, so old contents (NaN included) are ignored; dQ,
// dK, dV together cover all 3d columns of gQkv, so gQkv is fully overwritten.
//
// ---------------------------------------------------------------- the softmax kernels
// One warp per row (b,h,t) of [B,H,T,T], 8 rows per 256-thread block; lanes stride the T keys. The
// warp's row index is uniform, so a warp past the end returns whole and the shuffles see 32 lanes.
// Sums are in double (as CpuBackend), exponentials in float.
#include <math.h>
#include "blas.cuh"

static const int ROWS_PER_BLOCK = BLOCK / 32;

// In place on p: p[r, s] = keyMask[b, s] != 0 ? exp(p[r,s] - max) / sum : 0, max and sum over the
// unmasked keys of row r (b = r / (H T)); a row with no unmasked key becomes zeros.
__global__ void __launch_bounds__(BLOCK) attention_softmax_kernel(long long rows, int T, long long rowsPerSample,
                                                                  const float* keyMask, float* p) {
    const long long row = blockIdx.x * (long long) ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (row >= rows) return;
    const int lane = threadIdx.x & 31;
    const float* mask = keyMask + (row / rowsPerSample) * T;
    float* x = p + row * T;
    float mx = -INFINITY;
    bool any = false;
    for (int s = lane; s < T; s += 32) {
        if (mask[s] != 0.0f) {
            mx = fmaxf(mx, x[s]);
            any = true;
        }
    }
    if (!__any_sync(0xffffffffu, any)) {
        for (int s = lane; s < T; s += 32) x[s] = 0.0f;
        return;
    }
    mx = warp_max(mx);
    double sum = 0.0;
    for (int s = lane; s < T; s += 32) {
        float e = mask[s] != 0.0f ? expf(x[s] - mx) : 0.0f;
        x[s] = e;
        sum += (double) e;
    }
    const float inv = (float) (1.0 / warp_sum(sum));
    for (int s = lane; s < T; s += 32) x[s] *= inv;  // each lane rescales only what it wrote
}

// In place on g (= dP on entry, dS on exit): g[r,s] = p[r,s] (g[r,s] - sum_u g[r,u] p[r,u]); an
// entry with p == 0 (a masked key) is exactly 0 whatever g holds.
__global__ void __launch_bounds__(BLOCK) attention_softmax_backward_kernel(long long rows, int T, const float* p,
                                                                           float* g) {
    const long long row = blockIdx.x * (long long) ROWS_PER_BLOCK + (threadIdx.x >> 5);
    if (row >= rows) return;
    const int lane = threadIdx.x & 31;
    const float* pr = p + row * T;
    float* gr = g + row * T;
    double dot = 0.0;
    for (int s = lane; s < T; s += 32) {
        float pv = pr[s];
        if (pv != 0.0f) dot += (double) (gr[s] * pv);
    }
    const float dt = (float) warp_sum(dot);
    for (int s = lane; s < T; s += 32) {
        float pv = pr[s];
        gr[s] = pv == 0.0f ? 0.0f : pv * (gr[s] - dt);
    }
}

static int check_sizes(int batch, int seq, int heads, int headDim) {
    if (batch < 0 || seq < 0 || heads < 0 || headDim < 0) return EDP4J_ERR_BAD_ARGUMENT;
    if (3LL * heads * headDim > 0x7fffffffLL) return EDP4J_ERR_BAD_ARGUMENT;  // cuBLAS's int leading dimension
    return 0;
}

extern "C" int edp4j_attention(uintptr_t blas, int batch, int seq, int heads, int headDim, uintptr_t qkv,
                               uintptr_t keyMask, uintptr_t probs, uintptr_t out, uintptr_t stream) {
    EDP4J_TRY(check_sizes(batch, seq, heads, headDim));
    if (batch == 0 || seq == 0 || heads == 0) return 0;
    const int T = seq, dh = headDim, d = heads * headDim, d3 = 3 * d;
    const long long tt = (long long) T * T, sQkv = (long long) T * d3, sProbs = heads * tt, sOut = (long long) T * d;
    const float c = (float) (1.0 / sqrt((double) dh));
    const float* q = CF(qkv);
    float* pr = F(probs);
    if (dh == 0) {
        // Empty heads: every score is the empty sum 0, so P is uniform over the unmasked keys.
        EDP4J_TRY(cudaMemsetAsync(pr, 0, (size_t) (batch * sProbs) * sizeof(float), S(stream)));
    } else {
        for (int h = 0; h < heads; h++) {  // S = c Q K^T
            EDP4J_TRY(blas_sgemm_strided(blas, 1, 0, T, T, dh, c, q + d + h * dh, d3, sQkv, q + h * dh, d3, sQkv,
                                         0.0f, pr + h * tt, T, sProbs, batch));
        }
    }
    const long long rows = (long long) batch * heads * T;
    attention_softmax_kernel<<<ceil_div(rows, ROWS_PER_BLOCK), BLOCK, 0, S(stream)>>>(rows, T, (long long) heads * T,
                                                                                      CF(keyMask), pr);
    EDP4J_TRY(cudaGetLastError());
    for (int h = 0; h < heads && dh > 0; h++) {  // O = P V
        EDP4J_TRY(blas_sgemm_strided(blas, 0, 0, dh, T, T, 1.0f, q + 2 * d + h * dh, d3, sQkv, pr + h * tt, T, sProbs,
                                     0.0f, F(out) + h * dh, d, sOut, batch));
    }
    return 0;
}

extern "C" int edp4j_attention_backward(uintptr_t blas, int batch, int seq, int heads, int headDim, uintptr_t qkv,
                                        uintptr_t probs, uintptr_t gOut, uintptr_t scratch, uintptr_t gQkv,
                                        uintptr_t stream) {
    EDP4J_TRY(check_sizes(batch, seq, heads, headDim));
    // headDim 0: gQkv has no elements (and nothing reads scratch).
    if (batch == 0 || seq == 0 || heads == 0 || headDim == 0) return 0;
    const int T = seq, dh = headDim, d = heads * headDim, d3 = 3 * d;
    const long long tt = (long long) T * T, sQkv = (long long) T * d3, sProbs = heads * tt, sOut = (long long) T * d;
    const float c = (float) (1.0 / sqrt((double) dh));
    const float* q = CF(qkv);
    const float* pr = CF(probs);
    const float* go = CF(gOut);
    float* ds = F(scratch);
    float* gq = F(gQkv);
    for (int h = 0; h < heads; h++) {
        // dV = P^T dO
        EDP4J_TRY(blas_sgemm_strided(blas, 0, 1, dh, T, T, 1.0f, go + h * dh, d, sOut, pr + h * tt, T, sProbs, 0.0f,
                                     gq + 2 * d + h * dh, d3, sQkv, batch));
        // dP = dO V^T (into scratch)
        EDP4J_TRY(blas_sgemm_strided(blas, 1, 0, T, T, dh, 1.0f, q + 2 * d + h * dh, d3, sQkv, go + h * dh, d, sOut,
                                     0.0f, ds + h * tt, T, sProbs, batch));
    }
    const long long rows = (long long) batch * heads * T;
    attention_softmax_backward_kernel<<<ceil_div(rows, ROWS_PER_BLOCK), BLOCK, 0, S(stream)>>>(rows, T, pr, ds);
    EDP4J_TRY(cudaGetLastError());
    for (int h = 0; h < heads; h++) {
        // dQ = c dS K
        EDP4J_TRY(blas_sgemm_strided(blas, 0, 0, dh, T, T, c, q + d + h * dh, d3, sQkv, ds + h * tt, T, sProbs, 0.0f,
                                     gq + h * dh, d3, sQkv, batch));
        // dK = c dS^T Q
        EDP4J_TRY(blas_sgemm_strided(blas, 0, 1, dh, T, T, c, q + h * dh, d3, sQkv, ds + h * tt, T, sProbs, 0.0f,
                                     gq + d + h * dh, d3, sQkv, batch));
    }
    return 0;
}
