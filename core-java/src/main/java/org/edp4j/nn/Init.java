package org.edp4j.nn;

import java.util.SplittableRandom;

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
