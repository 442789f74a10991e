package org.edp4j.cuda;

import static org.edp4j.cuda.CudaNative.*;

import org.edp4j.tensor.Activation;
import org.edp4j.tensor.AbstractBackend;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Shape;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * The CUDA backend: the kernels of module {@code cuda} behind {@link Backend}, on device 0.
 *
 * <ul>
 *   <li>Memory: every tensor and scratch buffer comes from a {@link DeviceArena} allocated up front
 *       (size: constructor argument, else system property {@value #ARENA_PROPERTY} in bytes, else half
 *       the free device memory). Nothing calls {@code cudaMalloc} inside a step; {@link #growArena}
 *       adds memory between steps. Running out is a {@link CudaException} (cudaErrorMemoryAllocation).
 *   <li>One stream per backend: operations are asynchronous and ordered; {@link Tensor#copyTo},
 *       {@link #sum}, {@link #allFinite} and {@link #synchronize} wait.
 *   <li>Every CUDA/cuBLAS status is checked: a failure is a {@link CudaException} naming the op and
 *       the error. A kernel fault is asynchronous (reported by a later call): the exception then also
 *       lists the operations queued since the last synchronization, and
 *       {@value #SYNC_EACH_OP_PROPERTY}{@code =true} makes every operation wait so the faulting one
 *       is named. GEMMs use cuBLAS (loaded at run time, see docs/cuda.md), FP32 (no TF32).
 *   <li>Summation order: the embedding clipped sum uses {@code atomicAdd}, so results agree with
 *       the CPU and between runs to float rounding, not bit for bit.
 *   <li>Token ids and labels are checked on the device: a bad one is not used, and the next
 *       synchronizing call throws {@link IllegalArgumentException} naming it (the CPU backend throws
 *       at the call itself).
 *   <li>Noise: fused updates draw the ChaCha20 normals of {@link UpdateNoise} in-kernel from its key.
 * </ul>
 *
 * <p>Not thread-safe: use one backend from one thread at a time (closing tensors from any thread is fine).
 */
public final class CudaBackend extends AbstractBackend implements AutoCloseable {
    /** System property: arena size in bytes. */
    public static final String ARENA_PROPERTY = "edp4j.cuda.arenaBytes";
    /** System property: path of libcublas.so.13 when it is not on the loader path. */
    public static final String CUBLAS_PROPERTY = "edp4j.cuda.cublas";
    /** System property: float capacity of the scratch buffer of ghost and direct norms (default 16 Mi floats). */
    public static final String NORM_SCRATCH_PROPERTY = "edp4j.cuda.normScratchFloats";
    /**
     * System property: {@code true} synchronizes after every operation, so an asynchronous fault
     * is reported by the operation that caused it (slow; for debugging).
     */
    public static final String SYNC_EACH_OP_PROPERTY = "edp4j.cuda.syncEachOp";

    private static final long CUBLAS_WORKSPACE = 32L << 20;
    private static final int REDUCE_SCRATCH_DOUBLES = 1024;

    private final DeviceArena arena;
    private final long stream;
    private final long blas;
    private final long blasWorkspace;
    private final long bad;          // int[4] {flag, op, position, value}
    private final long nonFiniteFlag; // int, set by edp4j_any_nonfinite
    private final long reduceScratch;
    private final long normScratchFloats;
    private final boolean syncEachOp = Boolean.getBoolean(SYNC_EACH_OP_PROPERTY);
    private final OpTrail trail = new OpTrail();
    private long scratch;            // growable, reused by every op that needs one
    private long scratchFloats;
    private boolean closed;

    /** A backend with an arena sized by {@value #ARENA_PROPERTY}, else half the free device memory. */
    public CudaBackend() {
        this(defaultArenaBytes());
    }

    /**
     * A backend on device 0 with an arena of {@code arenaBytes}.
     *
     * @throws CudaException when there is no device, cuBLAS cannot be loaded, or the arena cannot be allocated
     */
    public CudaBackend(long arenaBytes) {
        long[] out = new long[1];
        CudaException.check(edp4j_stream_create(out), "stream create");
        stream = out[0];
        DeviceArena a = null;
        long h = 0;
        try {
            a = new DeviceArena(arenaBytes);
            CudaException.check(edp4j_blas_load(System.getProperty(CUBLAS_PROPERTY, "")),
                    "load cuBLAS (libcublas.so.13; set -D" + CUBLAS_PROPERTY + "=PATH)");
            long ws = a.alloc(CUBLAS_WORKSPACE);
            CudaException.check(edp4j_blas_create(out, stream, ws, CUBLAS_WORKSPACE), "cublasCreate");
            h = out[0];
            blasWorkspace = ws;
            bad = a.alloc(16);
            CudaException.check(edp4j_memset_zero(bad, 16, stream), "memset");
            nonFiniteFlag = a.alloc(16);
            reduceScratch = a.alloc(8L * REDUCE_SCRATCH_DOUBLES);
        } catch (RuntimeException e) {
            if (h != 0) {
                edp4j_blas_destroy(h);
            }
            if (a != null) {
                a.close();
            }
            edp4j_stream_destroy(stream);
            throw e;
        }
        arena = a;
        blas = h;
        normScratchFloats = Long.getLong(NORM_SCRATCH_PROPERTY, 16L << 20);
        synchronize();
    }

    private static long defaultArenaBytes() {
        Long p = Long.getLong(ARENA_PROPERTY);
        if (p != null) {
            return p;
        }
        long[] free = new long[1];
        long[] total = new long[1];
        CudaException.check(edp4j_mem_info(free, total), "cudaMemGetInfo");
        return Math.max(64L << 20, free[0] / 2);
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The fused update kernels draw the ChaCha20 noise themselves from {@code UpdateNoise.key()}. */
    @Override
    public boolean drawsNoise() {
        return true;
    }

    DeviceArena arena() {
        return arena;
    }

    long stream() {
        return stream;
    }

    /**
     * The CUDA stream ({@code cudaStream_t}) every operation of this backend is queued on, as an
     * address: the handle a caller synchronizes with when it shares memory with edp4j (see
     * {@link #wrap}).
     */
    public long streamHandle() {
        return stream;
    }

    /**
     * A tensor that is a view of device memory the caller owns (for example a JavaCPP
     * {@code FloatPointer} from {@code cudaMalloc}, or another framework's buffer): nothing is
     * allocated or copied, and edp4j never frees it ({@link Tensor#close()} forgets the view).
     * Element {@code i} is the float at {@code devicePointer + 4 i}; for an offset into a larger
     * buffer, pass the address of its first element.
     *
     * <h4>The stream contract</h4>
     * Every edp4j operation is queued on this backend's own stream ({@link #streamHandle()}),
     * asynchronously. So:
     * <ul>
     *   <li>before handing the view to an operation, the caller's writes to the memory must be
     *       complete or ordered before edp4j's stream: synchronize the stream that wrote it
     *       ({@code cudaStreamSynchronize}), or record an event after the write and make edp4j's
     *       stream wait for it ({@code cudaStreamWaitEvent(streamHandle(), event)});
     *   <li>edp4j's writes to the view are complete once a synchronizing call returns
     *       ({@link #synchronize()}, {@link Tensor#copyTo}, {@link #sum}, {@link #allFinite}), or,
     *       without blocking the host, for work queued after an event recorded on
     *       {@link #streamHandle()};
     *   <li>the memory must stay allocated, on device 0 (this backend's device), until edp4j's
     *       last operation on it is complete, and must hold at least {@code 4 * size} bytes.
     * </ul>
     * Not run here (no GPU on the build machine): compiled only.
     *
     * @param devicePointer the address of element 0, 4-byte aligned and not 0 unless the shape is empty
     * @throws IllegalArgumentException for a null or misaligned address
     */
    public Tensor wrap(long devicePointer, int... dims) {
        Shape s = Shape.of(dims);
        checkPointer(devicePointer, s);
        return new CudaTensor(this, s, devicePointer);
    }

    /** An int32 tensor that is a view of the caller's device memory, as {@link #wrap(long, int...)}. */
    public IntTensor wrapInts(long devicePointer, int... dims) {
        Shape s = Shape.of(dims);
        checkPointer(devicePointer, s);
        return new CudaIntTensor(this, s, devicePointer);
    }

    private static void checkPointer(long devicePointer, Shape s) {
        if ((devicePointer == 0 && s.size() > 0) || (devicePointer & 3) != 0) {
            throw new IllegalArgumentException("device pointer 0x" + Long.toHexString(devicePointer) + " must be "
                    + "non-null and 4-byte aligned for a view of shape " + s);
        }
    }

    /** Adds {@code bytes} of device memory to the arena (one cudaMalloc). Call between steps. */
    public void growArena(long bytes) {
        arena.grow(bytes);
    }

    /** Bytes of the arena: {@code {capacity, in use, largest free block}}. */
    public long[] arenaStats() {
        return new long[] {arena.capacity(), arena.inUse(), arena.largestFree()};
    }

    /** Waits for every queued operation; throws for a bad token id or label seen since the last wait. */
    public void synchronize() {
        synced(edp4j_stream_sync(stream), "stream synchronize");
        checkBadInput();
    }

    /**
     * Checks the status of an operation that was queued on the stream (a launch, an asynchronous
     * copy): on success records it for {@link OpTrail}; with {@value #SYNC_EACH_OP_PROPERTY} it
     * also waits, so a fault names this operation. A failing status may be an earlier operation's
     * asynchronous fault (CUDA reports those at any later call): the exception lists them.
     */
    void queued(int status, String op) {
        if (status != 0) {
            throw failure(status, op);
        }
        trail.queued(op);
        if (syncEachOp) {
            int s = edp4j_stream_sync(stream);
            if (s != 0) {
                throw new CudaException(op, CudaNative.edp4j_error_name(s).getString(), s,
                        "asynchronous fault in this operation (found by synchronizing after it, -D"
                                + SYNC_EACH_OP_PROPERTY + "=true)");
            }
            trail.cleared();
        }
    }

    /** Checks the status of a call that waited for the stream; on success nothing is pending any more. */
    void synced(int status, String op) {
        if (status != 0) {
            throw failure(status, op);
        }
        trail.cleared();
    }

    private CudaException failure(int status, String op) {
        return new CudaException(op, CudaNative.edp4j_error_name(status).getString(), status, trail.describe());
    }

    /** Reads the device's bad-input record (after a synchronizing call) and throws if it is set. */
    void checkBadInput() {
        int[] rec = new int[4];
        synced(edp4j_copy_d2h_sync(rec, bad, 16, stream), "read bad-input record");
        if (rec[0] == 0) {
            return;
        }
        queued(edp4j_memset_zero(bad, 16, stream), "memset");
        switch (rec[1]) {
            case OP_EMBEDDING_LOOKUP, OP_EMBEDDING_SCATTER -> throw new IllegalArgumentException("token id " + rec[3]
                    + " at position " + rec[2] + " is outside the vocabulary (found on the device by "
                    + (rec[1] == OP_EMBEDDING_LOOKUP ? "embeddingLookup" : "embeddingScatterAddScaled")
                    + "; the row was not used)");
            default -> throw new IllegalArgumentException("label " + rec[3] + " of row " + rec[2]
                    + " is outside [0, classes) (found on the device by softmaxCrossEntropy; the row was zeroed)");
        }
    }

    /** Waits for the stream and frees the arena, cuBLAS and the stream. Tensors are unusable after. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        edp4j_stream_sync(stream);
        edp4j_blas_destroy(blas);
        arena.close();
        edp4j_stream_destroy(stream);
    }

    // ---------------------------------------------------------------- memory

    @Override
    protected Tensor implZeros(Shape shape) {
        CudaTensor t = new CudaTensor(this, shape);
        queued(edp4j_memset_zero(t.ptr(), 4L * t.size(), stream), "zeros");
        return t;
    }

    @Override
    protected Tensor implTensor(float[] values, Shape shape) {
        CudaTensor t = new CudaTensor(this, shape);
        t.copyFrom(values);
        return t;
    }

    @Override
    protected IntTensor implIntZeros(Shape shape) {
        CudaIntTensor t = new CudaIntTensor(this, shape);
        queued(edp4j_memset_zero(t.ptr(), 4L * t.size(), stream), "intZeros");
        return t;
    }

    @Override
    protected IntTensor implIntTensor(int[] values, Shape shape) {
        CudaIntTensor t = new CudaIntTensor(this, shape);
        t.copyFrom(values);
        return t;
    }

    @Override
    protected void implFill(Tensor t, float value) {
        queued(edp4j_fill(p(t), t.size(), value, stream), "fill");
    }

    @Override
    protected void implCopy(Tensor src, Tensor dst) {
        queued(edp4j_copy_d2d(p(dst), p(src), 4L * src.size(), stream), "copy");
    }

    // ---------------------------------------------------------------- dense linear algebra

    @Override
    protected void implGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta,
                     Tensor c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            betaScale(c, beta);
            return;
        }
        queued(edp4j_gemm(blas, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, p(a), p(b), beta, p(c)),
                "gemm");
    }

    @Override
    protected void implGemmScaledTN(int rows, int m, int n, int rowsPerSample, Tensor a, Tensor g, Tensor scale, float beta,
                             Tensor c) {
        long s = scratch((long) rows * ((long) m + n));
        queued(edp4j_gemm_scaled_tn(blas, stream, rows, m, n, rowsPerSample, p(a), p(g), p(scale), beta,
                p(c), s), "gemmScaledTN");
    }

    @Override
    protected void implColumnSumScaled(int rows, int cols, int rowsPerSample, Tensor g, Tensor scale, float beta, Tensor out) {
        queued(edp4j_column_sum_scaled(rows, cols, rowsPerSample, p(g), p(scale), beta, p(out), stream),
                "columnSumScaled");
    }

    @Override
    protected void implAddRowVector(int rows, int cols, Tensor bias, Tensor x) {
        queued(edp4j_add_row_vector(rows, cols, p(bias), p(x), stream), "addRowVector");
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    protected void implActivation(Activation f, Tensor x, Tensor y) {
        queued(edp4j_activation(f.ordinal(), x.size(), p(x), p(y), stream), "activation " + f);
    }

    @Override
    protected void implActivationBackward(Activation f, Tensor x, Tensor y, Tensor gy, Tensor gx) {
        queued(edp4j_activation_backward(f.ordinal(), x.size(), p(x), p(y), p(gy), p(gx), stream),
                "activationBackward " + f);
    }

    @Override
    protected void implAxpy(float alpha, Tensor x, Tensor y) {
        queued(edp4j_axpy(x.size(), alpha, p(x), p(y), stream), "axpy");
    }

    @Override
    protected void implScale(float alpha, Tensor x) {
        queued(edp4j_scale(x.size(), alpha, p(x), stream), "scale");
    }

    @Override
    protected double implSum(Tensor x) {
        double[] r = new double[1];
        synced(edp4j_sum_sync(x.size(), p(x), reduceScratch, r, stream), "sum");
        checkBadInput();
        return r[0];
    }

    @Override
    protected double implSumOfSquares(Tensor x) {
        double[] r = new double[1];
        synced(edp4j_sum_of_squares_sync(x.size(), p(x), reduceScratch, r, stream), "sumOfSquares");
        checkBadInput();
        return r[0];
    }

    /** One flag on the device for all the tensors, one synchronization. */
    @Override
    protected boolean implAllFinite(java.util.List<Tensor> xs) {
        queued(edp4j_memset_zero(nonFiniteFlag, 4, stream), "memset");
        for (Tensor x : xs) {
            queued(edp4j_any_nonfinite(x.size(), p(x), nonFiniteFlag, stream), "allFinite");
        }
        int[] flag = new int[1];
        synced(edp4j_copy_d2h_sync(flag, nonFiniteFlag, 4, stream), "allFinite");
        checkBadInput();
        return flag[0] == 0;
    }

    @Override
    protected boolean implAllFinite(Tensor x) {
        int[] r = new int[1];
        synced(edp4j_all_finite_sync(x.size(), p(x), reduceScratch, r, stream), "allFinite");
        checkBadInput();
        return r[0] != 0;
    }

    // ---------------------------------------------------------------- embedding, pooling, normalization

    @Override
    protected void implEmbeddingLookup(int n, int d, int vocab, Tensor table, IntTensor tokens, Tensor out) {
        queued(edp4j_embedding_lookup(n, d, vocab, p(table), p(tokens), p(out), bad, stream),
                "embeddingLookup");
    }

    @Override
    protected void implEmbeddingScatterAddScaled(int n, int d, int vocab, int rowsPerSample, IntTensor tokens,
                                                 Tensor g, Tensor scale, float beta, Tensor gradTable) {
        queued(edp4j_embedding_scatter_add_scaled(n, d, vocab, rowsPerSample, p(tokens), p(g), p(scale),
                beta, p(gradTable), bad, stream), "embeddingScatterAddScaled");
    }

    /*
     * The embedding bag's three ops are the unfused pairs, through the scratch buffer holding the
     * [batch, seq, d] rows that the CPU's fused kernels avoid: correct on the GPU with kernels that
     * exist (fused CUDA kernels are future work; none of this has run on a GPU yet).
     */

    @Override
    protected void implEmbeddingBagMean(int batch, int seq, int d, int vocab, Tensor table, IntTensor tokens,
                                        Tensor mask, Tensor out) {
        int n = batch * seq;
        long rows = scratch((long) n * d);
        queued(edp4j_embedding_lookup(n, d, vocab, p(table), p(tokens), rows, bad, stream), "embeddingBagMean");
        queued(edp4j_masked_mean_pool(batch, seq, d, rows, p(mask), p(out), stream), "embeddingBagMean");
    }

    @Override
    protected void implEmbeddingBagScatterAddScaled(int batch, int seq, int d, int vocab, int rowsPerSample,
                                                    IntTensor tokens, Tensor mask, Tensor g, Tensor scale, float beta,
                                                    Tensor gradTable) {
        long rows = scratch((long) batch * seq * d);
        queued(edp4j_masked_mean_pool_backward(batch, seq, d, p(g), p(mask), rows, stream),
                "embeddingBagScatterAddScaled");
        queued(edp4j_embedding_scatter_add_scaled(batch * seq, d, vocab, rowsPerSample * seq, p(tokens), rows,
                p(scale), beta, p(gradTable), bad, stream), "embeddingBagScatterAddScaled");
    }

    @Override
    protected void implMaskedMeanPool(int batch, int seq, int d, Tensor x, Tensor mask, Tensor out) {
        queued(edp4j_masked_mean_pool(batch, seq, d, p(x), p(mask), p(out), stream), "maskedMeanPool");
    }

    @Override
    protected void implMaskedMeanPoolBackward(int batch, int seq, int d, Tensor gOut, Tensor mask, Tensor gx) {
        queued(edp4j_masked_mean_pool_backward(batch, seq, d, p(gOut), p(mask), p(gx), stream),
                "maskedMeanPoolBackward");
    }

    @Override
    protected void implLayerNorm(int rows, int d, float eps, Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor xhat,
                          Tensor rstd) {
        queued(edp4j_layernorm(rows, d, eps, p(x), p(gamma), p(beta), p(y), p(xhat), p(rstd), stream),
                "layerNorm");
    }

    @Override
    protected void implLayerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd, Tensor gamma, Tensor gx) {
        queued(edp4j_layernorm_backward(rows, d, p(gy), p(xhat), p(rstd), p(gamma), p(gx), stream),
                "layerNormBackward");
    }

    @Override
    protected void implLayerNormParamGradScaled(int rows, int d, int rowsPerSample, Tensor gy, Tensor xhat, Tensor scale,
                                         float beta, Tensor gGamma, Tensor gBeta) {
        queued(edp4j_layernorm_param_grad_scaled(rows, d, rowsPerSample, p(gy), p(xhat), p(scale), beta,
                p(gGamma), p(gBeta), stream), "layerNormParamGradScaled");
    }

    @Override
    protected void implSoftmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels, Tensor mask, Tensor loss,
                                    Tensor grad) {
        queued(edp4j_softmax_xent(batch, classes, p(logits), p(labels), p(mask), p(loss), p(grad), bad,
                stream), "softmaxCrossEntropy");
    }

    @Override
    protected void implBinaryCrossEntropy(int batch, int outputs, Tensor logits, Tensor targets, Tensor mask,
                                          Tensor loss, Tensor grad) {
        queued(edp4j_binary_xent(batch, outputs, p(logits), p(targets), p(mask), p(loss), p(grad), stream),
                "binaryCrossEntropy");
    }

    @Override
    protected void implMeanSquaredError(int batch, int outputs, Tensor predictions, Tensor targets, Tensor mask,
                                        Tensor loss, Tensor grad) {
        queued(edp4j_mean_squared_error(batch, outputs, p(predictions), p(targets), p(mask), p(loss), p(grad),
                stream), "meanSquaredError");
    }

    // ---------------------------------------------------------------- per-sample squared norms

    @Override
    protected void implLinearNormsRowwise(int batch, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        queued(edp4j_linear_norms_rowwise(batch, d, p, p(a), p(g), bias ? 1 : 0, p(out), stream),
                "linearNormsRowwise");
    }

    @Override
    protected void implLinearNormsGhost(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        long perSample = 2L * seq * seq;
        long cap = chunkCapacity(batch, perSample);
        long s = scratch(cap);
        queued(edp4j_linear_norms_ghost(blas, batch, seq, d, p, p(a), p(g), bias ? 1 : 0, p(out), s, cap,
                stream), "linearNormsGhost");
    }

    @Override
    protected void implLinearNormsDirect(int batch, int seq, int d, int p, Tensor a, Tensor g, boolean bias, Tensor out) {
        long perSample = (long) d * p;
        long cap = chunkCapacity(batch, perSample);
        long s = scratch(cap);
        queued(edp4j_linear_norms_direct(blas, batch, seq, d, p, p(a), p(g), bias ? 1 : 0, p(out), s, cap,
                stream), "linearNormsDirect");
    }

    @Override
    protected void implEmbeddingNorms(int batch, int seq, int d, IntTensor tokens, Tensor g, Tensor out) {
        queued(edp4j_embedding_norms(batch, seq, d, p(tokens), p(g), p(out), stream), "embeddingNorms");
    }

    @Override
    protected void implEmbeddingBagNorms(int units, int rowsPerUnit, int seq, int d, IntTensor tokens, Tensor mask,
                                         Tensor g, Tensor out) {
        int batch = units * rowsPerUnit;
        long rows = scratch((long) batch * seq * d);
        queued(edp4j_masked_mean_pool_backward(batch, seq, d, p(g), p(mask), rows, stream), "embeddingBagNorms");
        queued(edp4j_embedding_norms(units, rowsPerUnit * seq, d, p(tokens), rows, p(out), stream),
                "embeddingBagNorms");
    }

    @Override
    protected void implLayerNormNorms(int batch, int seq, int d, Tensor gy, Tensor xhat, Tensor out) {
        queued(edp4j_layernorm_norms(batch, seq, d, p(gy), p(xhat), p(out), stream), "layerNormNorms");
    }

    @Override
    protected void implBiasNorms(int batch, int seq, int p, Tensor g, Tensor out) {
        queued(edp4j_bias_norms(batch, seq, p, p(g), p(out), stream), "biasNorms");
    }

    // ---------------------------------------------------------------- clipping

    @Override
    protected void implClipFactors(int batch, Tensor sqNorms, Tensor mask, float clipNorm, float stabilizer, boolean normalize,
                            Tensor factors) {
        queued(edp4j_clip_factors(batch, p(sqNorms), p(mask), clipNorm, stabilizer, normalize ? 1 : 0,
                p(factors), stream), "clipFactors");
    }

    // ---------------------------------------------------------------- noise and fused updates

    @Override
    protected void implAddNoiseAndScale(Tensor x, UpdateNoise noise, float scale) {
        int[] key = key(noise);
        queued(edp4j_add_noise_and_scale(x.size(), p(x), noise.stddev(), key, noise.streamId(), noise.step(),
                noise.firstElement(), scale, stream), "addNoiseAndScale");
    }

    @Override
    protected void implSgdUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr, float momentum,
                          float weightDecay, Tensor velocity) {
        int[] key = key(noise);
        queued(edp4j_sgd_update(param.size(), p(param), p(gradSum), noise.stddev(), key, noise.streamId(),
                noise.step(), noise.firstElement(), gradScale, lr, momentum, weightDecay,
                velocity == null ? 0 : p(velocity), stream), "sgdUpdate");
    }

    @Override
    protected void implAdamUpdate(Tensor param, Tensor gradSum, UpdateNoise noise, float gradScale, float lr, float beta1,
                           float beta2, float eps, float weightDecay, long t, Tensor m, Tensor v) {
        int[] key = key(noise);
        double c1 = 1.0 / (1.0 - Math.pow(beta1, t));
        double c2 = 1.0 / (1.0 - Math.pow(beta2, t));
        queued(edp4j_adam_update(param.size(), p(param), p(gradSum), noise.stddev(), key,
                noise.streamId(), noise.step(), noise.firstElement(), gradScale, lr, beta1, beta2, eps, weightDecay,
                c1, c2, p(m), p(v), stream), "adamUpdate");
    }

    /** The key of a noisy update (checked), or null for none. */
    private static int[] key(UpdateNoise noise) {
        if (noise.isNone()) {
            return null;
        }
        if (noise.key() == null || noise.key().length != 8) {
            throw new IllegalArgumentException("the CUDA backend draws noise from UpdateNoise.key, which must hold 8 "
                    + "words (a 256-bit ChaCha20 key); got " + (noise.key() == null ? "null" : noise.key().length + " words"));
        }
        if (noise.firstElement() < 0) {
            throw new IllegalArgumentException("UpdateNoise.firstElement must be >= 0, got " + noise.firstElement());
        }
        return noise.key();
    }

    // ---------------------------------------------------------------- helpers

    /** A scratch buffer of at least {@code floats}, grown from the arena when needed (no cudaMalloc). */
    private long scratch(long floats) {
        if (floats > scratchFloats) {
            arena.free(scratch);
            scratch = 0;
            scratchFloats = 0;
            scratch = arena.alloc(4L * floats);
            scratchFloats = floats;
        }
        return scratch;
    }

    /** Floats of scratch for per-sample chunks: whole batch when it fits the cap, at least one sample. */
    private long chunkCapacity(int batch, long perSample) {
        if (batch == 0 || perSample == 0) {
            return 0;
        }
        long samples = Math.max(1, Math.min(batch, normScratchFloats / perSample));
        return samples * perSample;
    }

    private void betaScale(Tensor c, float beta) {
        if (beta == 0f) {
            fill(c, 0f);
        } else if (beta != 1f) {
            scale(beta, c);
        }
    }

    private long p(Tensor t) {
        if (t instanceof CudaTensor c && c.backend() == this) {
            return c.ptr();
        }
        throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name()
                + (t.backend() instanceof CudaBackend ? " (another instance)" : "") + ", not this cuda backend");
    }

    private long p(IntTensor t) {
        if (t instanceof CudaIntTensor c && c.backend() == this) {
            return c.ptr();
        }
        throw new IllegalArgumentException("tensor " + t + " belongs to backend " + t.backend().name()
                + (t.backend() instanceof CudaBackend ? " (another instance)" : "") + ", not this cuda backend");
    }

    // ---------------------------------------------------------------- attention

    /** Two cuBLAS strided-batched GEMMs per head around a masked-softmax kernel (cuda/src/attention.cu). */
    @Override
    protected void implAttention(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor keyMask, Tensor probs,
                          Tensor out) {
        queued(edp4j_attention(blas, batch, seq, heads, headDim, p(qkv), p(keyMask), p(probs), p(out),
                stream), "attention");
    }

    /** Four cuBLAS strided-batched GEMMs per head around the softmax-backward kernel (cuda/src/attention.cu). */
    @Override
    protected void implAttentionBackward(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor probs, Tensor gOut,
                                  Tensor scratch, Tensor gQkv) {
        queued(edp4j_attention_backward(blas, batch, seq, heads, headDim, p(qkv), p(probs), p(gOut),
                p(scratch), p(gQkv), stream), "attentionBackward");
    }
}
