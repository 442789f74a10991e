package org.edp4j.cuda;

import java.lang.ref.Cleaner;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Shape;
import org.edp4j.tensor.IntTensor;

/**
 * An int32 tensor (token ids, labels) in device memory from its backend's arena. {@link #close()} returns the memory
 * at once; a {@link Cleaner} returns it if a tensor is dropped unclosed. Copies to and from the
 * host wait for the backend's stream.
 */
public final class CudaIntTensor extends IntTensor {
    private final CudaBackend backend;
    private final CudaTensor.Memory memory;
    private final Cleaner.Cleanable cleanable;

    CudaIntTensor(CudaBackend backend, Shape shape) {
        super(shape);
        this.backend = backend;
        this.memory = new CudaTensor.Memory(backend.arena(), backend.arena().alloc(4L * shape.size()));
        this.cleanable = CudaTensor.CLEANER.register(this, memory);
    }

    /** A view of the caller's device memory at {@code ptr} (not freed by edp4j). */
    CudaIntTensor(CudaBackend backend, Shape shape, long ptr) {
        super(shape);
        this.backend = backend;
        this.memory = new CudaTensor.Memory(null, ptr);
        this.cleanable = CudaTensor.CLEANER.register(this, memory);
    }

    /** The device address (0 for an empty tensor). */
    public long ptr() {
        long p = memory.ptr;
        if (p == -1) {
            throw new IllegalStateException("tensor " + this + " is closed");
        }
        return p;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public void copyFrom(int[] src) {
        if (src.length < size()) {
            throw new IllegalArgumentException("source has " + src.length + " values, tensor " + shape() + " needs " + size());
        }
        backend.synced(CudaNative.edp4j_copy_h2d_sync(ptr(), src, 4L * size(), backend.stream()), "copyFrom");
    }

    @Override
    public void copyTo(int[] dst) {
        if (dst.length < size()) {
            throw new IllegalArgumentException("destination has " + dst.length + " values, tensor " + shape() + " has " + size());
        }
        backend.synced(CudaNative.edp4j_copy_d2h_sync(dst, ptr(), 4L * size(), backend.stream()), "copyTo");
        backend.checkBadInput();
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
