package org.edp4j.tensor;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2L;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.SQRT;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Runs every Vector API operation edp4j's kernels use, on every element type they use (the preferred
 * shape only), interleaved, {@value #ROUNDS} times, before the first kernel is built
 * ({@link Vectorization} calls it once per JVM, 0.3-0.4 s on the 2-core build machine).
 *
 * <p>Why: the Vector API's Java code is shared by every kernel, and its profiles decide how C2 on
 * JDK 17 compiles it. Left to the kernels, the first one to run (the GEMM, float vectors only) makes
 * the JDK's shared entry points ({@code VectorSupport.load}, {@code store}, {@code broadcastCoerced},
 * the {@code lanewiseTemplate}s' casts of the per-operation lambdas) hot with one element type or
 * one operation; C2 compiles them on their own with a class check on that one, and the kernels that
 * come later (the noise) take class-check traps there. C2 adds those methods' trap counts once per
 * inlined call when it compiles a kernel; the noise kernel, with hundreds of Vector API calls, passes
 * {@code PerMethodTrapLimit} (100), and C2 then leaves its vectors boxed, 4-10x slower
 * (docs/design-notes.md, "The Vector API noise kernel's slow path"). Here every element type and
 * operation reaches those methods, and fills the operation caches, while their profiles are young:
 * the separate compiles see several classes, call without a class check, and never trap. The rounds
 * are enough for C1's profiled code of the shared methods to be installed and see every type (one
 * round kept the {@code text} model healthy; four were not enough for the encoder's mix of kernels).
 */
public final class VectorPrimer implements Runnable {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Rounds of all four element types: measured enough, see the class comment. */
    static final int ROUNDS = 300;

    /** Public for {@link Vectorization}. */
    public VectorPrimer() {
    }

    /** Runs the rounds (the values computed mean nothing; they are checked only to keep them live). */
    @Override
    public void run() {
        long sum = 0;
        for (int r = 0; r < ROUNDS; r++) {
            sum += round(r);
        }
        if (sum == Long.MIN_VALUE) {
            throw new AssertionError("unreachable: keeps the rounds' results live");
        }
    }

    /** One round: every element type's operations once. Package-private for the test. */
    static long round(int r) {
        int[] ia = new int[I.length()];
        long[] la = new long[L.length()];
        float[] fa = new float[F.length()];
        double[] da = new double[D.length()];
        for (int j = 0; j < ia.length; j++) {
            ia[j] = j + r;
            fa[j] = j + 0.5f;
        }
        for (int j = 0; j < la.length; j++) {
            la[j] = j + r;
            da[j] = j + 0.5;
        }
        return ints(ia) + longs(la) + floats(fa) + doubles(da);
    }

    private static long ints(int[] a) {
        VectorMask<Integer> all = I.maskAll(true);
        IntVector x = IntVector.fromArray(I, a, 0);
        IntVector y = IntVector.broadcast(I, 3).add(x).mul(x).sub(x).lanewise(XOR, x).and(x).or(x)
                .lanewise(ROL, 7).lanewise(LSHL, 2).lanewise(LSHR, 1).lanewise(ASHR, 1).max(x).min(x).abs().neg();
        VectorMask<Integer> m = y.compare(LT, 0).or(y.compare(LE, 1)).or(y.compare(GT, 2)).or(y.compare(GE, 3))
                .or(y.compare(EQ, 4)).or(x.compare(NE, y));
        y = y.blend(x, m).blend(5, m);
        y.intoArray(a, 0, all);
        IntVector.fromArray(I, a, 0, all).intoArray(a, 0);
        LongVector w = (LongVector) x.convertShape(I2L, L, 0);
        return y.reduceLanes(ADD) + (m.anyTrue() ? 1 : 0) + w.reinterpretAsInts().reduceLanes(MAX)
                + x.reinterpretAsFloats().reinterpretAsInts().lane(0);
    }

    private static long longs(long[] a) {
        VectorMask<Long> all = L.maskAll(true);
        LongVector x = LongVector.fromArray(L, a, 0);
        LongVector y = LongVector.broadcast(L, 3L).add(x).mul(x).sub(x).lanewise(XOR, x).and(x).or(x)
                .lanewise(ROL, 7).lanewise(LSHL, 2).lanewise(LSHR, 1).lanewise(ASHR, 1).max(x).min(x).abs().neg();
        VectorMask<Long> m = y.compare(LT, 0L).or(y.compare(LE, 1L)).or(y.compare(GT, 2L)).or(y.compare(GE, 3L))
                .or(y.compare(EQ, 4L)).or(x.compare(NE, y));
        y = y.blend(x, m).blend(5L, m);
        y.intoArray(a, 0, all);
        LongVector.fromArray(L, a, 0, all).intoArray(a, 0);
        return y.reduceLanes(ADD) + (m.anyTrue() ? 1 : 0) + (m.cast(D).anyTrue() ? 1 : 0)
                + x.reinterpretAsDoubles().reinterpretAsLongs().reduceLanes(MAX);
    }

    private static long floats(float[] a) {
        VectorMask<Float> all = F.maskAll(true);
        FloatVector x = FloatVector.fromArray(F, a, 0);
        FloatVector y = FloatVector.broadcast(F, 3f).add(x).mul(x).sub(x).div(x).fma(x, x).max(x).min(x).abs().neg()
                .lanewise(SQRT);
        VectorMask<Float> m = y.compare(LT, 0f).or(y.compare(LE, 1f)).or(y.compare(GT, 2f)).or(y.compare(GE, 3f))
                .or(y.compare(EQ, 4f)).or(x.compare(NE, y));
        y = y.blend(x, m).blend(5f, m).blend(x, VectorMask.fromLong(F, 0xFF00L));
        y.intoArray(a, 0, all);
        FloatVector.fromArray(F, a, 0, all).intoArray(a, 0);
        // both halves: part 1 goes through slice, as the update kernel's widening does
        DoubleVector d = ((DoubleVector) x.convertShape(F2D, D, 0)).add((DoubleVector) y.convertShape(F2D, D, 1));
        return (long) (y.reduceLanes(ADD) + y.reduceLanes(MAX) + d.reduceLanes(ADD)) + (m.anyTrue() ? 1 : 0)
                + x.reinterpretAsInts().reinterpretAsFloats().reinterpretAsInts().lane(0);
    }

    private static long doubles(double[] a) {
        VectorMask<Double> all = D.maskAll(true);
        DoubleVector x = DoubleVector.fromArray(D, a, 0);
        DoubleVector y = DoubleVector.broadcast(D, 3.0).add(x).mul(x).sub(x).div(x).fma(x, x).max(x).min(x).abs()
                .neg().lanewise(SQRT);
        VectorMask<Double> m = y.compare(LT, 0.0).or(y.compare(LE, 1.0)).or(y.compare(GT, 2.0))
                .or(y.compare(GE, 3.0)).or(y.compare(EQ, 4.0)).or(x.compare(NE, y));
        y = y.blend(x, m).blend(5.0, m);
        y.intoArray(a, 0, all);
        DoubleVector.fromArray(D, a, 0, all).intoArray(a, 0);
        FloatVector f = (FloatVector) x.convertShape(D2F, F, 0);
        FloatVector g = (FloatVector) y.convertShape(D2F, F, -1);
        return (long) (y.reduceLanes(ADD) + y.reduceLanes(MAX) + f.add(g).reduceLanes(ADD)) + (m.anyTrue() ? 1 : 0)
                + x.reinterpretAsLongs().reinterpretAsDoubles().reinterpretAsLongs().lane(0);
    }
}
