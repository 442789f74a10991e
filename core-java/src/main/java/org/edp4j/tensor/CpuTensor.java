package org.edp4j.tensor;

/** A tensor on the Java heap: a float array in row-major order. */
public final class CpuTensor extends Tensor {
    final float[] data;

    CpuTensor(Shape shape) {
        super(shape);
        this.data = new float[shape.size()];
    }

    /** The backing array, for host code that wants zero-copy access (tests, data loading). */
    public float[] data() {
        return data;
    }

    @Override
    public Backend backend() {
        return CpuBackend.instance();
    }

    @Override
    public void copyFrom(float[] src) {
        if (src.length < data.length) {
            throw new IllegalArgumentException("source has " + src.length + " values, tensor " + shape() + " needs " + data.length);
        }
        System.arraycopy(src, 0, data, 0, data.length);
    }

    @Override
    public void copyTo(float[] dst) {
        if (dst.length < data.length) {
            throw new IllegalArgumentException("destination has " + dst.length + " values, tensor " + shape() + " has " + data.length);
        }
        System.arraycopy(data, 0, dst, 0, data.length);
    }
}
