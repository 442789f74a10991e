package org.edp4j.cuda;

/**
 * A CUDA or cuBLAS call failed: carries the operation, the error name (from
 * {@code cudaGetErrorName}, a {@code CUBLAS_STATUS_*} or an {@code EDP4J_ERR_*} name) and the raw status.
 * Out of device memory (arena exhausted or {@code cudaMalloc} failing) is one too, with error name
 * {@code cudaErrorMemoryAllocation}.
 */
public final class CudaException extends RuntimeException {
    private final String op;
    private final String errorName;
    private final int status;

    public CudaException(String op, String errorName, int status, String detail) {
        super(op + " failed: " + errorName + (status != 0 ? " (" + status + ")" : "") + (detail == null ? "" : ": " + detail));
        this.op = op;
        this.errorName = errorName;
        this.status = status;
    }

    /** The operation that failed, e.g. "gemm" or "arena alloc". */
    public String op() {
        return op;
    }

    /** The CUDA/cuBLAS/edp4j error name, e.g. "cudaErrorIllegalAddress". */
    public String errorName() {
        return errorName;
    }

    /** The raw status returned by the C side (0 for failures detected in Java, like arena exhaustion). */
    public int status() {
        return status;
    }

    /** Throws unless {@code status == 0}. */
    static void check(int status, String op) {
        if (status != 0) {
            throw new CudaException(op, CudaNative.edp4j_error_name(status).getString(), status, null);
        }
    }
}
