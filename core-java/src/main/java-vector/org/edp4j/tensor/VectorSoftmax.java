package org.edp4j.tensor;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link SoftmaxKernel} written with Java's Vector API: {@link ScalarSoftmax}'s definition with
 * the maximum, the exponentials, the partial sums and the scaling lane-wise, bit for bit the same
 * values. A chunk is one float vector (16 floats with 512-bit vectors): {@code ScalarSoftmax.exp}'s
 * fixed float operations run on every lane, and the chunk, widened to doubles half by half, goes to
 * the partial sums {@code P_j}, {@code j = (chunk start + lane) % 8}, in the scalar order. A tail
 * shorter than a chunk runs as in the scalar code.
 *
 * <p>Only the preferred shape is used (no half-size float vectors): with JDK 17 a second float shape
 * in the JVM makes the Vector API's type profiles bimorphic and the GEMM's intrinsics fail (see
 * {@code VectorGemm}).
 */
public final class VectorSoftmax implements SoftmaxKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LF = F.length();
    private static final int LD = D.length();
    private static final int MAGIC_BITS = Float.floatToRawIntBits(ScalarSoftmax.MAGIC);

    private static final ThreadLocal<double[]> PARTS = ThreadLocal.withInitial(() -> new double[8]);
    private static final ThreadLocal<float[]> TMP = ThreadLocal.withInitial(() -> new float[2 * LF]);

    /** Public for {@link Vectorization#pick}. */
    public VectorSoftmax() {
        if (8 % LD != 0 || LF != 2 * LD) {
            throw new IllegalStateException("vectors of " + LD + " doubles do not divide the 8 partial sums");
        }
    }

    @Override
    public void maskedSoftmax(float[] x, int off, int n, float[] mask, int maskOff) {
        float max = max(x, off, n, mask, maskOff);
        double[] part = PARTS.get();
        java.util.Arrays.fill(part, 0.0);
        int whole = exps(x, off, n, mask, maskOff, max, part);
        for (int s = whole; s < n; s++) {
            float e = mask[maskOff + s] != 0f ? ScalarSoftmax.exp(x[off + s] - max) : 0f;
            x[off + s] = e;
            part[s & 7] += e;
        }
        double sum = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
        float inv = (float) (1.0 / sum);
        int s = 0;
        for (; s < whole; s += LF) {
            FloatVector.fromArray(F, x, off + s).mul(inv).intoArray(x, off + s);
        }
        for (; s < n; s++) {
            x[off + s] *= inv;
        }
    }

    /**
     * The largest unmasked {@code x_s}, NaN never winning (as the scalar loop): masked and NaN lanes
     * become -inf, then the lanes' maximum. Which zero a tie of -0 and +0 gives does not matter:
     * {@code x - max} then only differs in the sign of a zero, and {@code exp} maps both to 1.
     */
    private static float max(float[] x, int off, int n, float[] mask, int maskOff) {
        float max = Float.NEGATIVE_INFINITY;
        int s = 0;
        if (n >= LF) {
            FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (; s + LF <= n; s += LF) {
                FloatVector xv = FloatVector.fromArray(F, x, off + s);
                VectorMask<Float> drop = FloatVector.fromArray(F, mask, maskOff + s).compare(EQ, 0f)
                        .or(xv.compare(NE, xv));
                m = m.max(xv.blend(Float.NEGATIVE_INFINITY, drop));
            }
            max = m.reduceLanes(MAX);
        }
        for (; s < n; s++) {
            if (mask[maskOff + s] != 0f && x[off + s] > max) {
                max = x[off + s];
            }
        }
        return max;
    }

    /**
     * {@code x_s = exp(x_s - max)} (0 where masked) in place for the whole chunks of the row, added to
     * the partial sums {@code part[s % 8]} in the scalar order; returns their end.
     */
    private static int exps(float[] x, int off, int n, float[] mask, int maskOff, float max, double[] part) {
        float[] tmp = TMP.get();
        int s = 0;
        for (; s + LF <= n; s += LF) {
            FloatVector d = FloatVector.fromArray(F, x, off + s).sub(max);
            VectorMask<Float> drop = FloatVector.fromArray(F, mask, maskOff + s).compare(EQ, 0f);
            FloatVector xc = d.blend(ScalarSoftmax.FLOOR, d.compare(LT, ScalarSoftmax.FLOOR));
            FloatVector t = xc.mul(ScalarSoftmax.LOG2E).add(ScalarSoftmax.MAGIC);
            FloatVector nf = t.sub(ScalarSoftmax.MAGIC);
            FloatVector r = xc.sub(nf.mul(ScalarSoftmax.LN2_HI)).sub(nf.mul(ScalarSoftmax.LN2_LO));
            FloatVector p = r.mul(ScalarSoftmax.C7).add(ScalarSoftmax.C6);
            p = r.mul(p).add(ScalarSoftmax.C5);
            p = r.mul(p).add(ScalarSoftmax.C4);
            p = r.mul(p).add(ScalarSoftmax.C3);
            p = r.mul(p).add(ScalarSoftmax.C2);
            p = r.mul(r.mul(p).add(1f)).add(1f);
            IntVector k = t.reinterpretAsInts().sub(MAGIC_BITS);
            IntVector k1 = k.lanewise(ASHR, 1);
            FloatVector f1 = k1.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
            FloatVector f2 = k.sub(k1).add(127).lanewise(LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(f1).mul(f2).blend(0f, drop);
            e.intoArray(x, off + s);
            // each half widened from the low lanes of a load that starts at it (part 1 of convertShape
            // would slice through a shuffle that JDK 17 runs in plain Java here); tmp has LF spare floats
            e.intoArray(tmp, 0);
            for (int h = 0; h < 2; h++) {
                int j = (s + h * LD) & 7;
                ((DoubleVector) FloatVector.fromArray(F, tmp, h * LD).convertShape(F2D, D, 0))
                        .add(DoubleVector.fromArray(D, part, j)).intoArray(part, j);
            }
        }
        return s;
    }
}
