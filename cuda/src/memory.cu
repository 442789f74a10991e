// Device, memory, streams, copies and status names: thin checked wrappers of the CUDA runtime.
#include <string.h>
#include <stdio.h>
#include "common.cuh"

static const char* cublas_status_name(int s) {
    switch (s) {
        case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
        case 7: return "CUBLAS_STATUS_INVALID_VALUE";
        case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
        case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
        case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
        case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
        case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
        case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
        default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

extern "C" const char* edp4j_error_name(int status) {
    if (status == EDP4J_ERR_NO_CUBLAS) return "EDP4J_ERR_NO_CUBLAS";
    if (status == EDP4J_ERR_CUBLAS_SYMBOL) return "EDP4J_ERR_CUBLAS_SYMBOL";
    if (status == EDP4J_ERR_BAD_ARGUMENT) return "EDP4J_ERR_BAD_ARGUMENT";
    if (status > EDP4J_ERR_CUBLAS_BASE && status < EDP4J_ERR_CUBLAS_BASE + 100) {
        return cublas_status_name(status - EDP4J_ERR_CUBLAS_BASE);
    }
    return cudaGetErrorName((cudaError_t) status);
}

extern "C" int edp4j_device_count(int* count) {
    *count = 0;
    return (int) cudaGetDeviceCount(count);
}

extern "C" int edp4j_device_properties(int device, char* name, int* ccMajor, int* ccMinor, long long* totalBytes) {
    cudaDeviceProp p;
    EDP4J_TRY(cudaGetDeviceProperties(&p, device));
    strncpy(name, p.name, 255);
    name[255] = 0;
    *ccMajor = p.major;
    *ccMinor = p.minor;
    *totalBytes = (long long) p.totalGlobalMem;
    return 0;
}

extern "C" int edp4j_mem_info(long long* freeBytes, long long* totalBytes) {
    size_t f = 0, t = 0;
    EDP4J_TRY(cudaMemGetInfo(&f, &t));
    *freeBytes = (long long) f;
    *totalBytes = (long long) t;
    return 0;
}

extern "C" int edp4j_malloc(uintptr_t* ptr, long long bytes) {
    void* p = nullptr;
    *ptr = 0;
    if (bytes < 0) return EDP4J_ERR_BAD_ARGUMENT;
    EDP4J_TRY(cudaMalloc(&p, (size_t) bytes));
    *ptr = (uintptr_t) p;
    return 0;
}

extern "C" int edp4j_free(uintptr_t ptr) {
    return (int) cudaFree((void*) ptr);
}

extern "C" int edp4j_stream_create(uintptr_t* stream) {
    cudaStream_t s = nullptr;
    *stream = 0;
    EDP4J_TRY(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    *stream = (uintptr_t) s;
    return 0;
}

extern "C" int edp4j_stream_destroy(uintptr_t stream) {
    return (int) cudaStreamDestroy(S(stream));
}

extern "C" int edp4j_stream_sync(uintptr_t stream) {
    return (int) cudaStreamSynchronize(S(stream));
}

extern "C" int edp4j_copy_h2d_sync(uintptr_t dst, const void* src, long long bytes, uintptr_t stream) {
    if (bytes <= 0) return 0;
    EDP4J_TRY(cudaMemcpyAsync((void*) dst, src, (size_t) bytes, cudaMemcpyHostToDevice, S(stream)));
    return (int) cudaStreamSynchronize(S(stream));
}

extern "C" int edp4j_copy_d2h_sync(void* dst, uintptr_t src, long long bytes, uintptr_t stream) {
    if (bytes <= 0) return (int) cudaStreamSynchronize(S(stream));
    EDP4J_TRY(cudaMemcpyAsync(dst, (const void*) src, (size_t) bytes, cudaMemcpyDeviceToHost, S(stream)));
    return (int) cudaStreamSynchronize(S(stream));
}

extern "C" int edp4j_copy_d2d(uintptr_t dst, uintptr_t src, long long bytes, uintptr_t stream) {
    if (bytes <= 0) return 0;
    return (int) cudaMemcpyAsync((void*) dst, (const void*) src, (size_t) bytes, cudaMemcpyDeviceToDevice, S(stream));
}

extern "C" int edp4j_memset_zero(uintptr_t dst, long long bytes, uintptr_t stream) {
    if (bytes <= 0) return 0;
    return (int) cudaMemsetAsync((void*) dst, 0, (size_t) bytes, S(stream));
}
