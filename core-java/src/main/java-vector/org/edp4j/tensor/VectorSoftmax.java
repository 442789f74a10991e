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
 * fixed float operations run on every lane (its fused multiply-adds as {@code fma} with broadcast
 * operands, the form the GEMM uses and the primer warms), and the chunk, widened to doubles half by
 * half, goes to the partial sums {@code P_j}, {@code j = s % 8}, kept in registers, in the scalar
 * order. A tail shorter than a chunk runs as in the scalar code. The backward's dot product goes the
 * same way.
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

    /** Public for {@link Vectorization#pick}. */
    public VectorSoftmax() {
        if ((LD != 8 && LD != 4) || LF != 2 * LD) {
            throw new IllegalStateException("vectors of " + LD + " doubles: the partial sums need 4 or 8");
        }
    }

    @Override
    public void maskedSoftmax(float[] x, int off, int n, float[] mask, int maskOff) {
        float max = max(x, off, n, mask, maskOff);
        double[] part = PARTS.get();
        int whole = exps(x, off, n, mask, maskOff, max, part);
        for (int s = whole; s < n; s++) {
            float e = mask[maskOff + s] != 0f ? ScalarSoftmax.exp(x[off + s] - max) : 0f;
            x[off + s] = e;
            part[s & 7] += e;
        }
        float inv = (float) (1.0 / ScalarSoftmax.sum(part));
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
     * {@code x_s = exp(x_s - max)} (0 where masked) in place for the whole chunks of the row, and the
     * partial sums {@code part[s % 8]} of those (from 0, in the scalar order); returns the chunks' end.
     * The sums stay in registers, one vector of doubles per LD partial sums: with LD = 8 both halves
     * of a chunk go to the same vector, low then high, with LD = 4 to two ({@code convertShape} parts
     * 0 and 1; part 1 slices the chunk, which the primer warms: storing the chunk and widening a
     * reload was slower, 18.8 against 16.8 us a block of 128 x 128).
     */
    private static int exps(float[] x, int off, int n, float[] mask, int maskOff, float max, double[] part) {
        DoubleVector a0 = DoubleVector.broadcast(D, 0.0);
        DoubleVector a1 = DoubleVector.broadcast(D, 0.0);
        int s = 0;
        for (; s + LF <= n; s += LF) {
            FloatVector d = FloatVector.fromArray(F, x, off + s).sub(max);
            VectorMask<Float> drop = FloatVector.fromArray(F, mask, maskOff + s).compare(EQ, 0f);
            FloatVector xc = d.blend(ScalarSoftmax.FLOOR, d.compare(LT, ScalarSoftmax.FLOOR));
            FloatVector t = xc.fma(FloatVector.broadcast(F, ScalarSoftmax.LOG2E),
                    FloatVector.broadcast(F, ScalarSoftmax.MAGIC));
            FloatVector nf = t.sub(ScalarSoftmax.MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(F, -ScalarSoftmax.LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(F, -ScalarSoftmax.LN2_LO), r);
            FloatVector p = r.fma(FloatVector.broadcast(F, ScalarSoftmax.C7),
                    FloatVector.broadcast(F, ScalarSoftmax.C6));
            p = r.fma(p, FloatVector.broadcast(F, ScalarSoftmax.C5));
            p = r.fma(p, FloatVector.broadcast(F, ScalarSoftmax.C4));
            p = r.fma(p, FloatVector.broadcast(F, ScalarSoftmax.C3));
            p = r.fma(p, FloatVector.broadcast(F, ScalarSoftmax.C2));
            p = r.fma(p, FloatVector.broadcast(F, 1f));
            p = r.fma(p, FloatVector.broadcast(F, 1f));
            IntVector k = t.reinterpretAsInts().sub(MAGIC_BITS);
            IntVector k1 = k.lanewise(ASHR, 1);
            FloatVector f1 = k1.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
            FloatVector f2 = k.sub(k1).add(127).lanewise(LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(f1).mul(f2).blend(0f, drop);
            e.intoArray(x, off + s);
            a0 = a0.add((DoubleVector) e.convertShape(F2D, D, 0));
            DoubleVector hi = (DoubleVector) e.convertShape(F2D, D, 1);
            if (LD == 8) {
                a0 = a0.add(hi);
            } else {
                a1 = a1.add(hi);
            }
        }
        a0.intoArray(part, 0);
        if (LD != 8) {
            a1.intoArray(part, LD);
        }
        return s;
    }

    @Override
    public void backward(float[] p, int po, float[] dp, int dpo, int n, float scale, float[] ds, int dso,
                         float[] keys) {
        double[] part = PARTS.get();
        int whole = products(p, po, dp, dpo, n, keys, part);
        for (int s = whole; s < n; s++) {
            float ps = p[po + s];
            if (ps != 0f) {
                part[s & 7] += ps * dp[dpo + s];
                keys[s] = 1f;
            }
        }
        float dot = (float) ScalarSoftmax.sum(part);
        int s = 0;
        for (; s < whole; s += LF) {
            FloatVector pv = FloatVector.fromArray(F, p, po + s);
            pv.mul(FloatVector.fromArray(F, dp, dpo + s).sub(dot)).mul(scale).blend(0f, pv.compare(EQ, 0f))
                    .intoArray(ds, dso + s);
        }
        for (; s < n; s++) {
            float ps = p[po + s];
            ds[dso + s] = ps == 0f ? 0f : ps * (dp[dpo + s] - dot) * scale;
        }
    }

    /**
     * For the whole chunks of the row: the partial sums {@code part[s % 8]} of the float products
     * {@code p_s dp_s} (from 0, in the scalar order, kept in registers as in {@link #exps}), a
     * product taken as +0 where {@code p_s == 0} (adding it changes nothing, as the scalar loop's
     * skip), and {@code keys[s] = 1} where {@code p_s != 0}; returns the chunks' end.
     */
    private static int products(float[] p, int po, float[] dp, int dpo, int n, float[] keys, double[] part) {
        DoubleVector a0 = DoubleVector.broadcast(D, 0.0);
        DoubleVector a1 = DoubleVector.broadcast(D, 0.0);
        int s = 0;
        for (; s + LF <= n; s += LF) {
            FloatVector pv = FloatVector.fromArray(F, p, po + s);
            FloatVector.fromArray(F, keys, s).blend(1f, pv.compare(NE, 0f)).intoArray(keys, s);
            FloatVector prod = pv.mul(FloatVector.fromArray(F, dp, dpo + s)).blend(0f, pv.compare(EQ, 0f));
            a0 = a0.add((DoubleVector) prod.convertShape(F2D, D, 0));
            DoubleVector hi = (DoubleVector) prod.convertShape(F2D, D, 1);
            if (LD == 8) {
                a0 = a0.add(hi);
            } else {
                a1 = a1.add(hi);
            }
        }
        a0.intoArray(part, 0);
        if (LD != 8) {
            a1.intoArray(part, LD);
        }
        return s;
    }
}
