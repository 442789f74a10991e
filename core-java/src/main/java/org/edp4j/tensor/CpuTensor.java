package org.edp4j.tensor;

/**
 * A tensor on the Java heap: {@code size()} floats of an array, in row-major order, from
 * {@link #offset()}. A tensor made by the backend owns a fresh array (offset 0); a view made by
 * {@link CpuBackend#wrap(float[], int, int...)} reads and writes the caller's array in place.
 */
public final class CpuTensor extends Tensor {
    final float[] data;
    final int offset;

    CpuTensor(Shape shape) {
        super(shape);
        this.data = new float[shape.size()];
        this.offset = 0;
    }

    /** A view of {@code data[offset .. offset + shape.size())}; the caller checked the range. */
    CpuTensor(Shape shape, float[] data, int offset) {
        super(shape);
        this.data = data;
        this.offset = offset;
    }

    /**
     * The backing array, for host code that wants zero-copy access: element {@code i} of the
     * tensor is {@code data()[offset() + i]}.
     */
    public float[] data() {
        return data;
    }

    /** Where element 0 of the tensor is in {@link #data()}: 0 unless the tensor is a view. */
    public int offset() {
        return offset;
    }

    @Override
    public Backend backend() {
        return CpuBackend.instance();
    }

    @Override
    public void copyFrom(float[] src) {
        if (src.length < size()) {
            throw new IllegalArgumentException("source has " + src.length + " values, tensor " + shape() + " needs "
                    + size());
        }
        System.arraycopy(src, 0, data, offset, size());
    }

    @Override
    public void copyTo(float[] dst) {
        if (dst.length < size()) {
            throw new IllegalArgumentException("destination has " + dst.length + " values, tensor " + shape()
                    + " has " + size());
        }
        System.arraycopy(data, offset, dst, 0, size());
    }
}
