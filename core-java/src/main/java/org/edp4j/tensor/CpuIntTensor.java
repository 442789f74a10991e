package org.edp4j.tensor;

/**
 * An int tensor on the Java heap: {@code size()} ints of an array from {@link #offset()}; a view
 * made by {@link CpuBackend#wrapInts(int[], int, int...)} reads the caller's array in place.
 */
public final class CpuIntTensor extends IntTensor {
    final int[] data;
    final int offset;

    CpuIntTensor(Shape shape) {
        super(shape);
        this.data = new int[shape.size()];
        this.offset = 0;
    }

    /** A view of {@code data[offset .. offset + shape.size())}; the caller checked the range. */
    CpuIntTensor(Shape shape, int[] data, int offset) {
        super(shape);
        this.data = data;
        this.offset = offset;
    }

    /** The backing array: element {@code i} of the tensor is {@code data()[offset() + i]}. */
    public int[] data() {
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
    public void copyFrom(int[] src) {
        if (src.length < size()) {
            throw new IllegalArgumentException("source has " + src.length + " values, tensor " + shape() + " needs "
                    + size());
        }
        System.arraycopy(src, 0, data, offset, size());
    }

    @Override
    public void copyTo(int[] dst) {
        if (dst.length < size()) {
            throw new IllegalArgumentException("destination has " + dst.length + " values, tensor " + shape()
                    + " has " + size());
        }
        System.arraycopy(data, offset, dst, 0, size());
    }
}
