package org.edp4j.spark;

import org.edp4j.fl.ModelVector;

/** Element-wise float sums of parameter arrays: the adds of every partial, in one place. */
final class Arrays2 {
    private Arrays2() {
    }

    /** {@code acc[i][j] += part[i][j]} in float; the shapes must agree. */
    static void addInto(float[][] acc, float[][] part) {
        if (acc.length != part.length) {
            throw new IllegalArgumentException("sums of " + acc.length + " and " + part.length + " parameters");
        }
        for (int i = 0; i < acc.length; i++) {
            addInto(acc[i], part[i]);
        }
    }

    /** {@code acc[i][j] += v.part(i)[j]} in float. */
    static void addInto(float[][] acc, ModelVector v) {
        if (acc.length != v.partCount()) {
            throw new IllegalArgumentException("sums of " + acc.length + " and " + v.partCount() + " parameters");
        }
        for (int i = 0; i < acc.length; i++) {
            addInto(acc[i], v.part(i));
        }
    }

    private static void addInto(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("parameter arrays of " + a.length + " and " + b.length + " values");
        }
        for (int j = 0; j < a.length; j++) {
            a[j] += b[j];
        }
    }
}
