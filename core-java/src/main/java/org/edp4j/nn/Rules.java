package org.edp4j.nn;

import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;

/**
 * The shape checks the built-in {@link PerSampleRule}s share. A check runs on every batch, so it
 * allocates nothing unless it fails: the rule is passed as an object and named ({@code toString})
 * in the message only.
 */
final class Rules {
    private Rules() {
    }

    /** An activation {@code [B, w]} or {@code [B, T, w]} (the layers' own check, with the rule's name). */
    static void requireActivation(Object rule, String name, Tensor t, int w) {
        int rank = t.shape().rank();
        if ((rank != 2 && rank != 3) || t.dim(rank - 1) != w) {
            throw new IllegalArgumentException(rule + ": '" + name + "' must be [B, " + w + "] or [B, T, " + w
                    + "], got " + t.shape());
        }
    }

    /** {@code a} and {@code b} have the same leading dimensions ({@code [B]} or {@code [B, T]}). */
    static void requireSameRows(Object rule, String an, Tensor a, String bn, Tensor b) {
        int rank = a.shape().rank();
        if (b.shape().rank() != rank || a.dim(0) != b.dim(0) || (rank == 3 && a.dim(1) != b.dim(1))) {
            throw new IllegalArgumentException(rule + ": '" + an + "' " + a.shape() + " and '" + bn + "' " + b.shape()
                    + " must have the same batch" + (rank == 3 ? " and sequence" : "") + " dimensions");
        }
    }

    /** Token ids {@code [B]} for {@code [B, d]} gradients, {@code [B, T]} for {@code [B, T, d]}. */
    static void requireTokens(Object rule, IntTensor tokens, Tensor g) {
        boolean ok = g.shape().rank() == 2 ? tokens.shape().rank() == 1 && tokens.dim(0) == g.dim(0)
                : tokens.shape().rank() == 2 && tokens.dim(0) == g.dim(0) && tokens.dim(1) == g.dim(1);
        if (!ok) {
            throw new IllegalArgumentException(rule + ": tokens " + tokens.shape() + " must be [B] for gradients [B, d] "
                    + "or [B, T] for [B, T, d], got gradients " + g.shape());
        }
    }

    /** The per-sample vector must have one entry per sample of the current inputs. */
    static void requireBatch(Object rule, String name, Tensor perSample, int batch) {
        if (perSample.size() != batch) {
            throw new IllegalArgumentException(rule + ": '" + name + "' " + perSample.shape() + " must have one entry "
                    + "per sample of the current inputs, " + batch);
        }
    }

    /**
     * The one view of privacy units every built-in rule takes: the {@code B} samples of
     * {@code activation} ({@code [B, w]} or {@code [B, T, w]}) form {@code U = perUnit.size()} units
     * of {@code rowsPerUnit} consecutive samples, so the flattened {@code [rows, w]} activation holds
     * {@code rowsPerUnit * T} rows per unit: {@code [B, T, w]} read as {@code [B/k, kT, w]},
     * {@code [B, w]} as {@code [B/k, k, w]}. Allocates nothing unless it fails.
     *
     * @return the rows of the flattened activation per unit, {@code rowsPerUnit * T}
     * @throws IllegalArgumentException for {@code rowsPerUnit < 1} or {@code U * rowsPerUnit != B}
     */
    static int unitRows(Object rule, String name, Tensor perUnit, Tensor activation, int rowsPerUnit) {
        if (rowsPerUnit < 1) {
            throw new IllegalArgumentException(rule + ": rowsPerUnit must be >= 1, got " + rowsPerUnit);
        }
        int batch = activation.dim(0);
        if (rowsPerUnit == 1) {
            requireBatch(rule, name, perUnit, batch);
        } else if ((long) perUnit.size() * rowsPerUnit != batch) {
            throw new IllegalArgumentException(rule + ": '" + name + "' " + perUnit.shape() + " must have one entry "
                    + "per unit of " + rowsPerUnit + " samples of the current inputs, " + batch + " samples");
        }
        return rowsPerUnit * seq(activation);
    }

    static void requireInputs(Object rule, Object input) {
        if (input == null) {
            throw new IllegalStateException(rule + ": no inputs yet; call inputs(...) after the backward pass");
        }
    }

    /** A parameter of rank 1 with {@code n} elements, or rank 2 {@code [rows, cols]}. */
    static void requireShape(Object rule, Parameter p, int... dims) {
        if (!java.util.Arrays.equals(p.value().shape().dims(), dims)) {
            throw new IllegalArgumentException(rule + ": parameter " + p + " must have shape "
                    + java.util.Arrays.toString(dims));
        }
    }

    /** Rows per sample: 1 for {@code [B, w]}, T for {@code [B, T, w]}. */
    static int seq(Tensor t) {
        return Buffers.rowsPerSample(t);
    }
}
