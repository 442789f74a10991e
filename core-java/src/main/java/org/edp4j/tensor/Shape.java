package org.edp4j.tensor;

import java.util.Arrays;

/**
 * The dimensions of a row-major tensor. Immutable.
 *
 * <p>Every dimension is at least 0; the size is the product of the dimensions and must fit an
 * {@code int} (arrays are int-indexed on the JVM).
 */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException(
                        "dimension " + i + " must be >= 0, got " + dims[i] + " in " + Arrays.toString(dims));
            }
            n *= dims[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        this.size = (int) n;
    }

    /** A shape with the given dimensions (copied). */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    /** Number of elements: the product of the dimensions. */
    public int size() {
        return size;
    }

    /** The dimensions (a copy). */
    public int[] dims() {
        return dims.clone();
    }

    /** Product of all dimensions but the last: the number of rows when viewed as a matrix. */
    public int rows() {
        int r = 1;
        for (int i = 0; i < dims.length - 1; i++) {
            r *= dims[i];
        }
        return r;
    }

    /** The last dimension: the row width when viewed as a matrix. */
    public int cols() {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
