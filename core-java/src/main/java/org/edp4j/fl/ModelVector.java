package org.edp4j.fl;

import java.util.List;
import java.util.Objects;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;

/**
 * A model's parameters as host arrays, one {@code float[]} per {@link Parameter} in the model's
 * order: the global weights a round starts from, one device's clipped update, the server's sum.
 * Plain arrays travel to any executor (threads today, a distributed engine later); the loops over
 * them are simple enough for the JIT to vectorize, so the server's sum runs at memory speed.
 */
public final class ModelVector {
    private final float[][] parts;

    private ModelVector(float[][] parts) {
        this.parts = parts;
    }

    /** A zero vector shaped like {@code model}'s parameters. */
    public static ModelVector zerosLike(Sequential model) {
        List<Parameter> ps = model.parameters();
        float[][] parts = new float[ps.size()][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new float[ps.get(i).size()];
        }
        return new ModelVector(parts);
    }

    /** A copy of {@code model}'s current parameter values. */
    public static ModelVector of(Sequential model) {
        ModelVector v = zerosLike(model);
        v.copyFrom(model);
        return v;
    }

    /**
     * A vector over the given arrays (not copied: the vector reads and writes them).
     *
     * @param parts one array per parameter; none null
     */
    public static ModelVector wrap(float[][] parts) {
        Objects.requireNonNull(parts, "parts");
        for (int i = 0; i < parts.length; i++) {
            Objects.requireNonNull(parts[i], "parts[" + i + "]");
        }
        return new ModelVector(parts);
    }

    /** @return the number of parameter arrays */
    public int partCount() {
        return parts.length;
    }

    /** @return parameter i's array itself (not a copy) */
    public float[] part(int i) {
        return parts[i];
    }

    /** @return the total number of scalars */
    public long size() {
        long n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        return n;
    }

    /** Copies {@code model}'s parameter values into this vector. */
    public void copyFrom(Sequential model) {
        List<Parameter> ps = checkShape(model);
        for (int i = 0; i < parts.length; i++) {
            ps.get(i).value().copyTo(parts[i]);
        }
    }

    /** Writes this vector into {@code model}'s parameter values. */
    public void copyInto(Sequential model) {
        List<Parameter> ps = checkShape(model);
        for (int i = 0; i < parts.length; i++) {
            ps.get(i).value().copyFrom(parts[i]);
        }
    }

    /** Writes this vector into {@code model}'s gradient buffers ({@link Parameter#grad()}). */
    public void copyIntoGradients(Sequential model) {
        List<Parameter> ps = checkShape(model);
        for (int i = 0; i < parts.length; i++) {
            ps.get(i).grad().copyFrom(parts[i]);
        }
    }

    /** Sets every element to 0. */
    public void zero() {
        for (float[] p : parts) {
            java.util.Arrays.fill(p, 0f);
        }
    }

    /** {@code this += other}, element by element in float. {@code other} is not modified. */
    public void add(ModelVector other) {
        checkShape(other);
        for (int i = 0; i < parts.length; i++) {
            float[] a = parts[i];
            float[] b = other.parts[i];
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
        }
    }

    /** {@code this = a - this}, element by element in float. {@code a} is not modified. */
    public void subtractFrom(ModelVector a) {
        checkShape(a);
        for (int i = 0; i < parts.length; i++) {
            float[] x = parts[i];
            float[] y = a.parts[i];
            for (int j = 0; j < x.length; j++) {
                x[j] = y[j] - x[j];
            }
        }
    }

    /** @return the sum of squares of part i, accumulated in double */
    public double squaredNorm(int part) {
        float[] a = parts[part];
        double s0 = 0;
        double s1 = 0;
        int j = 0;
        for (; j + 1 < a.length; j += 2) {
            s0 += (double) a[j] * a[j];
            s1 += (double) a[j + 1] * a[j + 1];
        }
        if (j < a.length) {
            s0 += (double) a[j] * a[j];
        }
        return s0 + s1;
    }

    /** {@code part(i) *= factor} in float. */
    public void scale(int part, float factor) {
        float[] a = parts[part];
        for (int j = 0; j < a.length; j++) {
            a[j] *= factor;
        }
    }

    private List<Parameter> checkShape(Sequential model) {
        List<Parameter> ps = model.parameters();
        if (ps.size() != parts.length) {
            throw new IllegalArgumentException("the model has " + ps.size() + " parameters, the vector " + parts.length);
        }
        for (int i = 0; i < parts.length; i++) {
            if (ps.get(i).size() != parts[i].length) {
                throw new IllegalArgumentException("parameter " + i + " (" + ps.get(i) + ") has " + ps.get(i).size()
                        + " values, the vector " + parts[i].length);
            }
        }
        return ps;
    }

    private void checkShape(ModelVector other) {
        if (other.parts.length != parts.length) {
            throw new IllegalArgumentException("vectors of " + parts.length + " and " + other.parts.length + " parts");
        }
        for (int i = 0; i < parts.length; i++) {
            if (other.parts[i].length != parts[i].length) {
                throw new IllegalArgumentException("part " + i + " has " + parts[i].length + " values here, "
                        + other.parts[i].length + " there");
            }
        }
    }
}
