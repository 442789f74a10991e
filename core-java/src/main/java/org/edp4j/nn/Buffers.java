package org.edp4j.nn;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/** Reuse of layer buffers across passes: a new tensor only when the shape changes. */
final class Buffers {
    private Buffers() {
    }

    /** {@code current} if it has exactly {@code dims}, else a new zero tensor (the old one is closed). */
    static Tensor ensure(Backend backend, Tensor current, int... dims) {
        if (current != null && sameDims(current, dims)) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        return backend.zeros(dims);
    }

    /** Whether {@code t} has exactly {@code dims} (without copying its shape's dimensions). */
    private static boolean sameDims(Tensor t, int[] dims) {
        if (t.shape().rank() != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (t.dim(i) != dims[i]) {
                return false;
            }
        }
        return true;
    }

    /** The dims of {@code input} with the last one replaced by {@code last}. */
    static int[] withLast(Tensor input, int last) {
        int[] dims = input.shape().dims();
        dims[dims.length - 1] = last;
        return dims;
    }

    /** Rows of the batch's activations per sample: 1 for {@code [B, d]}, T for {@code [B, T, d]}. */
    static int rowsPerSample(Tensor activation) {
        int rank = activation.shape().rank();
        if (rank == 2) {
            return 1;
        }
        if (rank == 3) {
            return activation.dim(1);
        }
        throw new IllegalArgumentException("expected an activation of shape [B, d] or [B, T, d], got "
                + activation.shape());
    }

    /** {@code layer} is named ({@code toString}) in the message only, so the check allocates nothing. */
    static void requireLast(Object layer, Tensor input, int d) {
        if (input == null) {
            throw new IllegalArgumentException(layer + " needs an input tensor");
        }
        int rank = input.shape().rank();
        if ((rank != 2 && rank != 3) || input.dim(rank - 1) != d) {
            throw new IllegalArgumentException(layer + " expects input [B, " + d + "] or [B, T, " + d + "], got "
                    + input.shape());
        }
    }
}
