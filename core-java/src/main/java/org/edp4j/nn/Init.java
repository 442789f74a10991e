package org.edp4j.nn;

import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;

/** Parameter initialization (not security relevant: the privacy guarantee holds for any init). */
final class Init {
    private Init() {
    }

    /**
     * The number of values of a {@code [rows, cols]} parameter.
     *
     * @param what the parameter, for the message, e.g. {@code "embedding table [vocab, dim]"}
     * @throws IllegalArgumentException when {@code rows * cols} exceeds {@code 2^31 - 1}, the most
     *     values one tensor (a Java array) holds
     */
    static int size(String what, int rows, int cols) {
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " = [" + rows + ", " + cols + "] would hold " + n
                    + " values, more than 2^31 - 1 = " + Integer.MAX_VALUE + ", the most one tensor holds");
        }
        return (int) n;
    }

    /**
     * The {@code [rows, dim]} "table" parameter of an embedding layer, entries drawn from
     * {@code N(0, std^2)}.
     *
     * @param layer the layer's name, for the messages, e.g. {@code "Embedding"}
     * @param rowsName the rows' name, e.g. {@code "vocab"}
     * @param what the table, for {@link #size}'s message
     * @throws IllegalArgumentException for {@code rows} or {@code dim} not &gt; 0, {@code std} not
     *     &gt;= 0, or a table of more than {@code 2^31 - 1} values
     */
    static Parameter normalTable(Backend backend, String layer, String rowsName, int rows, int dim, float std,
                                 SplittableRandom rng, String what) {
        if (rows <= 0 || dim <= 0) {
            throw new IllegalArgumentException(layer + " sizes must be > 0, got " + rowsName + "=" + rows + ", dim="
                    + dim);
        }
        if (!(std >= 0)) {
            throw new IllegalArgumentException("std must be >= 0, got " + std);
        }
        int size = size(what, rows, dim);
        return new Parameter("table", backend.tensor(normal(rng, size, std), rows, dim));
    }

    /** {@code n} values uniform in {@code [-bound, bound)}. */
    static float[] uniform(SplittableRandom rng, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    /** {@code n} values normal with the given standard deviation. */
    static float[] normal(SplittableRandom rng, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1));
            v[i] = (float) (std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                v[i + 1] = (float) (std * r * Math.sin(2 * Math.PI * u2));
            }
        }
        return v;
    }

    static float[] constant(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }
}
