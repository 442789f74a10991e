package org.edp4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link RowKernel} written with Java's Vector API: whole float vectors, then the tail as
 * {@link ScalarRowKernel}; the same two products and one sum per element (no fused multiply-add),
 * so the same bits. Only the preferred shape (see {@code VectorGemm} on why not a second one).
 */
public final class VectorRowKernel implements RowKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LF = F.length();

    /** Public for {@link Vectorization#pick}. */
    public VectorRowKernel() {
    }

    @Override
    public void addScaled(float[] y, int yo, float[] x, int xo, int n, float w, float f) {
        int j = 0;
        for (; j <= n - LF; j += LF) {
            FloatVector t = FloatVector.fromArray(F, x, xo + j).mul(w).mul(f);
            FloatVector.fromArray(F, y, yo + j).add(t).intoArray(y, yo + j);
        }
        for (; j < n; j++) {
            y[yo + j] += f * (w * x[xo + j]);
        }
    }
}
