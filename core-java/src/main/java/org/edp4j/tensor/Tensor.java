package org.edp4j.tensor;

/**
 * A float32 tensor in row-major order, owned by one {@link Backend}.
 *
 * <p>Layers never read the storage directly; they pass tensors to backend operations. Host code
 * moves data in and out with {@link #copyFrom(float[])} and {@link #toArray()}. Tensors of a
 * device backend hold device memory: close them (try-with-resources) to release it at a known
 * point; CPU tensors are plain heap arrays and {@link #close()} does nothing.
 */
public abstract class Tensor implements AutoCloseable {
    private final Shape shape;

    protected Tensor(Shape shape) {
        this.shape = shape;
    }

    public final Shape shape() {
        return shape;
    }

    public final int size() {
        return shape.size();
    }

    public final int dim(int axis) {
        return shape.dim(axis);
    }

    /** The backend that owns this tensor's storage. */
    public abstract Backend backend();

    /** Copies {@code size()} values from {@code src[0..size)} into this tensor. {@code src} is not modified. */
    public abstract void copyFrom(float[] src);

    /** Copies this tensor's values into {@code dst[0..size)}. Modifies {@code dst}. */
    public abstract void copyTo(float[] dst);

    /** A new host array with this tensor's values. */
    public float[] toArray() {
        float[] a = new float[size()];
        copyTo(a);
        return a;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + shape;
    }
}
