package org.edp4j.tensor;

/** An int tensor on the Java heap. */
public final class CpuIntTensor extends IntTensor {
    final int[] data;

    CpuIntTensor(Shape shape) {
        super(shape);
        this.data = new int[shape.size()];
    }

    /** The backing array, for host code that wants zero-copy access. */
    public int[] data() {
        return data;
    }

    @Override
    public Backend backend() {
        return CpuBackend.instance();
    }

    @Override
    public void copyFrom(int[] src) {
        if (src.length < data.length) {
            throw new IllegalArgumentException("source has " + src.length + " values, tensor " + shape() + " needs " + data.length);
        }
        System.arraycopy(src, 0, data, 0, data.length);
    }

    @Override
    public void copyTo(int[] dst) {
        if (dst.length < data.length) {
            throw new IllegalArgumentException("destination has " + dst.length + " values, tensor " + shape() + " has " + data.length);
        }
        System.arraycopy(data, 0, dst, 0, data.length);
    }
}
