// cuBLAS behind edp4j: loaded with dlopen("libcublas.so.13") the first time a backend starts.
//
// Why not link it: no cuBLAS needs to exist on the build machine (it has none), the JNI library
// must load where there is no driver (the probe runs first), and linking libcublas_static would
// put ~100 MB into a jar. We declare the five prototypes we call; they are stable C ABI since
// CUDA 11 (cublasSgemm_v2, cublasSgemmStridedBatched, cublasCreate_v2, cublasSetStream_v2,
// cublasSetWorkspace_v2) and exist in every CUDA 13.x cuBLAS.
//
// Row-major on column-major: a row-major [r,c] matrix is the column-major [c,r] matrix, its
// transpose. So row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the
// operands and the sizes m, n; leading dimensions are row lengths.
#include <dlfcn.h>
#include <stdlib.h>
#include <stdio.h>
#include <atomic>
#include <mutex>
#include "blas.cuh"

typedef struct cublasContext* cublasHandle_t;
typedef int (*create_fn)(cublasHandle_t*);
typedef int (*destroy_fn)(cublasHandle_t);
typedef int (*set_stream_fn)(cublasHandle_t, cudaStream_t);
typedef int (*set_workspace_fn)(cublasHandle_t, void*, size_t);
typedef int (*sgemm_fn)(cublasHandle_t, int, int, int, int, int, const float*, const float*, int, const float*,
                        int, const float*, float*, int);
typedef int (*sgemm_strided_fn)(cublasHandle_t, int, int, int, int, int, const float*, const float*, int,
                                long long, const float*, int, long long, const float*, float*, int, long long, int);

static const int OP_N = 0, OP_T = 1;  // cublasOperation_t

struct CublasTable {
    void* lib;
    create_fn create;
    destroy_fn destroy;
    set_stream_fn set_stream;
    set_workspace_fn set_workspace;  // may be null (then cuBLAS allocates its own workspace)
    sgemm_fn sgemm;
    sgemm_strided_fn sgemm_strided;
};
// The table is filled once under cb_lock, then published with a release store; every reader
// takes it with an acquire load, so a thread that sees the pointer sees the whole table (a plain
// struct read outside the lock was a data race with the loading thread).
static CublasTable cb_storage;
static std::atomic<const CublasTable*> cb_published{nullptr};
static std::mutex cb_lock;

// The loaded table, or nullptr before edp4j_blas_load succeeded.
static inline const CublasTable* cublas() {
    return cb_published.load(std::memory_order_acquire);
}

static int blas_status(int s) {
    return s == 0 ? 0 : EDP4J_ERR_CUBLAS_BASE + s;
}

extern "C" int edp4j_blas_load(const char* path) {
    std::lock_guard<std::mutex> guard(cb_lock);
    if (cb_published.load(std::memory_order_relaxed) != nullptr) return 0;
    void* lib = nullptr;
    if (path != nullptr && path[0] != 0) {
        lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    } else {
        lib = dlopen("libcublas.so.13", RTLD_NOW | RTLD_LOCAL);
        const char* home = getenv("CUDA_HOME");
        char buf[1024];
        if (lib == nullptr && home != nullptr) {
            snprintf(buf, sizeof buf, "%s/lib64/libcublas.so.13", home);
            lib = dlopen(buf, RTLD_NOW | RTLD_LOCAL);
        }
        if (lib == nullptr) lib = dlopen("/usr/local/cuda/lib64/libcublas.so.13", RTLD_NOW | RTLD_LOCAL);
    }
    if (lib == nullptr) return EDP4J_ERR_NO_CUBLAS;
    CublasTable t = {};
    t.create = (create_fn) dlsym(lib, "cublasCreate_v2");
    t.destroy = (destroy_fn) dlsym(lib, "cublasDestroy_v2");
    t.set_stream = (set_stream_fn) dlsym(lib, "cublasSetStream_v2");
    t.set_workspace = (set_workspace_fn) dlsym(lib, "cublasSetWorkspace_v2");
    t.sgemm = (sgemm_fn) dlsym(lib, "cublasSgemm_v2");
    t.sgemm_strided = (sgemm_strided_fn) dlsym(lib, "cublasSgemmStridedBatched");
    if (!t.create || !t.destroy || !t.set_stream || !t.sgemm || !t.sgemm_strided) {
        dlclose(lib);
        return EDP4J_ERR_CUBLAS_SYMBOL;
    }
    t.lib = lib;
    cb_storage = t;
    cb_published.store(&cb_storage, std::memory_order_release);
    return 0;
}

extern "C" int edp4j_blas_create(uintptr_t* handle, uintptr_t stream, uintptr_t workspace, long long workspaceBytes) {
    *handle = 0;
    const CublasTable* cb = cublas();
    if (cb == nullptr) return EDP4J_ERR_NO_CUBLAS;
    cublasHandle_t h = nullptr;
    EDP4J_TRY(blas_status(cb->create(&h)));
    int s = blas_status(cb->set_stream(h, S(stream)));
    // Our own workspace keeps cuBLAS from allocating inside a step.
    if (s == 0 && workspace != 0 && cb->set_workspace != nullptr) {
        s = blas_status(cb->set_workspace(h, (void*) workspace, (size_t) workspaceBytes));
    }
    if (s != 0) {
        cb->destroy(h);
        return s;
    }
    *handle = (uintptr_t) h;
    return 0;
}

extern "C" int edp4j_blas_destroy(uintptr_t handle) {
    const CublasTable* cb = cublas();
    if (handle == 0 || cb == nullptr) return 0;
    return blas_status(cb->destroy((cublasHandle_t) handle));
}

__global__ void scale_kernel_beta(float* x, long long n, float beta) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        x[i] = beta == 0.0f ? 0.0f : beta * x[i];
    }
}

extern "C" int edp4j_gemm(uintptr_t handle, int transA, int transB, int m, int n, int k, float alpha,
                          uintptr_t a, uintptr_t b, float beta, uintptr_t c) {
    if (m < 0 || n < 0 || k < 0) return EDP4J_ERR_BAD_ARGUMENT;
    if (m == 0 || n == 0) return 0;
    if (k == 0) return EDP4J_ERR_BAD_ARGUMENT;  // C = beta C: the caller scales C itself
    const CublasTable* cb = cublas();
    if (cb == nullptr) return EDP4J_ERR_NO_CUBLAS;
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    return blas_status(cb->sgemm((cublasHandle_t) handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k,
                                &alpha, CF(b), ldb, CF(a), lda, &beta, F(c), n));
}

// out[r, j] = s == 0 ? 0 : x[r, j] * (maskOnly ? 1 : s), s = scale[r / rowsPerSample]. A row with
// factor 0 becomes exact zeros even when x holds NaN (Backend's contract: such rows are skipped).
__global__ void scale_rows_kernel(float* out, const float* x, const float* scale, int rows, int cols, int rowsPerSample,
                                  bool maskOnly) {
    long long n = (long long) rows * cols;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        int r = (int) (i / cols);
        float s = scale[r / rowsPerSample];
        out[i] = s == 0.0f ? 0.0f : (maskOnly ? x[i] : x[i] * s);
    }
}

extern "C" int edp4j_gemm_scaled_tn(uintptr_t handle, uintptr_t stream, int rows, int m, int n, int rowsPerSample,
                                    uintptr_t a, uintptr_t g, uintptr_t scale, float beta, uintptr_t c,
                                    uintptr_t scratch) {
    if (rows < 0 || m < 0 || n < 0 || rowsPerSample <= 0) return EDP4J_ERR_BAD_ARGUMENT;
    if (m == 0 || n == 0) return 0;
    if (rows == 0) {
        scale_kernel_beta<<<grid_for((long long) m * n), BLOCK, 0, S(stream)>>>(F(c), (long long) m * n, beta);
        EDP4J_LAUNCHED();
    }
    // Scale A's rows and zero G's rows of factor 0, both into scratch ([rows, m] then [rows, n]),
    // then C = A'^T G' (+ beta C) in one GEMM. Zeroing both sides keeps a skipped NaN row out of
    // the sum (0 * NaN would be NaN); the two copies cost far less than the GEMM itself.
    float* sa = F(scratch);
    float* sg = F(scratch) + (long long) rows * m;
    scale_rows_kernel<<<grid_for((long long) rows * m), BLOCK, 0, S(stream)>>>(sa, CF(a), CF(scale), rows, m,
                                                                                rowsPerSample, false);
    EDP4J_TRY(cudaGetLastError());
    scale_rows_kernel<<<grid_for((long long) rows * n), BLOCK, 0, S(stream)>>>(sg, CF(g), CF(scale), rows, n,
                                                                                rowsPerSample, true);
    EDP4J_TRY(cudaGetLastError());
    return edp4j_gemm(handle, 1, 0, m, n, rows, 1.0f, (uintptr_t) sa, (uintptr_t) sg, beta, c);
}

int blas_gram_batched(uintptr_t handle, int count, int T, int cols, const float* x, float* out) {
    const float one = 1.0f, zero = 0.0f;
    const CublasTable* cb = cublas();
    if (cb == nullptr) return EDP4J_ERR_NO_CUBLAS;
    // Row-major X_i [T,cols] is column-major X_i^T [cols,T]; (X_i^T)^T (X_i^T) = X_i X_i^T, symmetric.
    return blas_status(cb->sgemm_strided((cublasHandle_t) handle, OP_T, OP_N, T, T, cols, &one,
                                        x, cols, (long long) T * cols, x, cols, (long long) T * cols,
                                        &zero, out, T, (long long) T * T, count));
}

int blas_atg_batched(uintptr_t handle, int count, int T, int d, int p, const float* a, const float* g, float* w) {
    const float one = 1.0f, zero = 0.0f;
    const CublasTable* cb = cublas();
    if (cb == nullptr) return EDP4J_ERR_NO_CUBLAS;
    // Row-major W_i [d,p] is column-major W_i^T [p,d] = G_i^T A_i = (col-major G_i^T)(col-major A_i^T)^T.
    return blas_status(cb->sgemm_strided((cublasHandle_t) handle, OP_N, OP_T, p, d, T, &one,
                                        g, p, (long long) T * p, a, d, (long long) T * d,
                                        &zero, w, p, (long long) d * p, count));
}

int blas_sgemm_strided(uintptr_t handle, int transA, int transB, int m, int n, int k, float alpha, const float* a,
                       int lda, long long strideA, const float* b, int ldb, long long strideB, float beta, float* c,
                       int ldc, long long strideC, int count) {
    if (m < 0 || n < 0 || k < 0 || count < 0) return EDP4J_ERR_BAD_ARGUMENT;
    if (m == 0 || n == 0 || count == 0) return 0;
    if (k == 0) return EDP4J_ERR_BAD_ARGUMENT;  // C = beta C is the caller's job (cuBLAS need not do it)
    const CublasTable* cb = cublas();
    if (cb == nullptr) return EDP4J_ERR_NO_CUBLAS;
    return blas_status(cb->sgemm_strided((cublasHandle_t) handle, transA ? OP_T : OP_N, transB ? OP_T : OP_N, m, n, k,
                                        &alpha, a, lda, strideA, b, ldb, strideB, &beta, c, ldc, strideC, count));
}
