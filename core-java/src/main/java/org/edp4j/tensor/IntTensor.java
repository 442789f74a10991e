package org.edp4j.tensor;

/** An int32 tensor (token ids, labels) in row-major order, owned by one {@link Backend}. */
public abstract class IntTensor implements AutoCloseable {
    private final Shape shape;

    protected IntTensor(Shape shape) {
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

    public abstract Backend backend();

    /** Copies {@code size()} values from {@code src[0..size)}. {@code src} is not modified. */
    public abstract void copyFrom(int[] src);

    /** Copies this tensor's values into {@code dst[0..size)}. Modifies {@code dst}. */
    public abstract void copyTo(int[] dst);

    public int[] toArray() {
        int[] a = new int[size()];
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
