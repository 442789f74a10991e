package org.edp4j.cuda;

import java.lang.ref.Cleaner;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Shape;
import org.edp4j.tensor.Tensor;

/**
 * A float32 tensor in device memory: from its backend's arena, or (a view made by
 * {@link CudaBackend#wrap}) memory the caller owns. {@link #close()} returns arena memory at
 * once, and a {@link Cleaner} returns it if a tensor is dropped unclosed; a view's memory is
 * never freed by edp4j. Copies to and from the host wait for the backend's stream.
 */
public final class CudaTensor extends Tensor {
    static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final Memory memory;
    private final Cleaner.Cleanable cleanable;

    /**
     * The device block, separate from the tensor so the Cleaner does not keep the tensor alive;
     * {@code arena} is null for a caller's memory, which is not freed.
     */
    static final class Memory implements Runnable {
        private final DeviceArena arena;
        volatile long ptr;

        Memory(DeviceArena arena, long ptr) {
            this.arena = arena;
            this.ptr = ptr;
        }

        @Override
        public void run() {
            long p = ptr;
            ptr = -1;
            if (arena != null) {
                arena.free(p);
            }
        }
    }

    CudaTensor(CudaBackend backend, Shape shape) {
        super(shape);
        this.backend = backend;
        this.memory = new Memory(backend.arena(), backend.arena().alloc(4L * shape.size()));
        this.cleanable = CLEANER.register(this, memory);
    }

    /** A view of the caller's device memory at {@code ptr} (not freed by edp4j). */
    CudaTensor(CudaBackend backend, Shape shape, long ptr) {
        super(shape);
        this.backend = backend;
        this.memory = new Memory(null, ptr);
        this.cleanable = CLEANER.register(this, memory);
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
    public void copyFrom(float[] src) {
        if (src.length < size()) {
            throw new IllegalArgumentException("source has " + src.length + " values, tensor " + shape() + " needs " + size());
        }
        backend.synced(CudaNative.edp4j_copy_h2d_sync(ptr(), src, 4L * size(), backend.stream()), "copyFrom");
    }

    @Override
    public void copyTo(float[] dst) {
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
