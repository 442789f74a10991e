package org.edp4j.tensor;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link GeluKernel} written with Java's Vector API: {@link ScalarGeluKernel}'s float operations
 * in the same order on whole float vectors (no fused multiply-add), the doubles widened from and
 * narrowed into the two halves of a float vector ({@code convertShape} parts 0 / 1 and 0 / -1, as
 * {@code VectorUpdateKernel}); the tail runs the scalar code. Same bits. Every loop is its own method
 * with the conversions written out (see {@code VectorUpdateKernel} on C2's inlining).
 */
public final class VectorGeluKernel implements GeluKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LF = F.length();
    private static final int LD = D.length();
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(F, ((1L << LF) - 1) & -(1L << LD));
    private static final float K1 = 0.044715f;
    private static final float K3 = 3f * 0.044715f;

    /** Public for {@link Vectorization#pick}. */
    public VectorGeluKernel() {
    }

    @Override
    public void arguments(float[] x, int xo, int n, double[] u) {
        int j = 0;
        for (; j <= n - LF; j += LF) {
            FloatVector v = FloatVector.fromArray(F, x, xo + j);
            FloatVector a = v.add(v.mul(K1).mul(v).mul(v)).mul(C);
            ((DoubleVector) a.convertShape(F2D, D, 0)).intoArray(u, j);
            ((DoubleVector) a.convertShape(F2D, D, 1)).intoArray(u, j + LD);
        }
        for (; j < n; j++) {
            u[j] = ScalarGeluKernel.argument(x[xo + j]);
        }
    }

    @Override
    public void forward(float[] x, int xo, double[] t, int n, float[] y, int yo) {
        int j = 0;
        for (; j <= n - LF; j += LF) {
            FloatVector tf = ((FloatVector) DoubleVector.fromArray(D, t, j).convertShape(D2F, F, 0))
                    .blend((FloatVector) DoubleVector.fromArray(D, t, j + LD).convertShape(D2F, F, -1), UPPER);
            FloatVector v = FloatVector.fromArray(F, x, xo + j);
            v.mul(0.5f).mul(tf.add(1f)).intoArray(y, yo + j);
        }
        for (; j < n; j++) {
            float v = x[xo + j];
            y[yo + j] = 0.5f * v * (1f + (float) t[j]);
        }
    }

    @Override
    public void backward(float[] x, int xo, double[] t, int n, float[] gy, int gyo, float[] gx, int gxo) {
        int j = 0;
        for (; j <= n - LF; j += LF) {
            FloatVector tf = ((FloatVector) DoubleVector.fromArray(D, t, j).convertShape(D2F, F, 0))
                    .blend((FloatVector) DoubleVector.fromArray(D, t, j + LD).convertShape(D2F, F, -1), UPPER);
            FloatVector v = FloatVector.fromArray(F, x, xo + j);
            FloatVector dt = FloatVector.broadcast(F, 1f).sub(tf.mul(tf)).mul(C).mul(v.mul(K3).mul(v).add(1f));
            tf.add(1f).mul(0.5f).add(v.mul(0.5f).mul(dt)).mul(FloatVector.fromArray(F, gy, gyo + j))
                    .intoArray(gx, gxo + j);
        }
        for (; j < n; j++) {
            gx[gxo + j] = ScalarGeluKernel.gradient(x[xo + j], (float) t[j], gy[gyo + j]);
        }
    }
}
