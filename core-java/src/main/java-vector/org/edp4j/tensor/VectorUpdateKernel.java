package org.edp4j.tensor;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.SQRT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link UpdateKernel} written with Java's Vector API, in two passes over pieces of
 * {@value #PIECE} elements: the gradient {@code u = g + std z} (or {@code g}) widened to double into
 * a per-thread buffer, then the optimizer's step, which widens the parameters and state, runs the
 * definition's double operations in the same order (no fused multiply-add; the JDK's vector square
 * root is IEEE's, as {@link Math#sqrt}), and narrows the results; the range's last
 * tail of less than one vector runs the {@link ScalarUpdateKernel}. Same bits.
 *
 * <p>A float vector is widened as two double vectors ({@code convertShape(F2D, D, 0 / 1)}: its lower
 * and upper halves) and two double vectors are narrowed and joined into one float vector
 * ({@code D2F} parts 0 and -1, then a blend). Why two passes, and every loop its own method with the
 * conversions written out: C2 on JDK 17 parses the Vector API's deep Java code into many nodes, and
 * one loop holding the noise, the widening and Adam's step passed {@code NodeCountInliningCutoff}; a
 * call it then did not inline returns a boxed vector (a small helper that returned vectors was
 * compiled on its own and then not inlined: "already compiled into a medium method"), 5x slower
 * than the scalar loop. Methods that take and fill arrays are safe to leave out of line. Only the
 * preferred shapes (see {@code VectorGemm}).
 */
public final class VectorUpdateKernel implements UpdateKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LF = F.length();
    private static final int LD = D.length();
    /** Elements per piece: a multiple of the float vector length, 8 KiB of doubles (stays in L1). */
    static final int PIECE = 1024;
    /** The float lanes of the upper half, where a narrowed pair puts its second vector. */
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(F, ((1L << LF) - 1) & -(1L << LD));
    private static final ScalarUpdateKernel TAIL = new ScalarUpdateKernel();
    private static final ThreadLocal<double[]> GRADIENT = ThreadLocal.withInitial(() -> new double[PIECE]);

    /** Public for {@link Vectorization#pick}. */
    public VectorUpdateKernel() {
    }

    @Override
    public void noiseAndScale(int i0, int i1, float[] x, int xo, float[] z, int zo, float std, float scale) {
        int end = vectorEnd(i0, i1);
        double[] u = GRADIENT.get();
        for (int p = i0; p < end; p += PIECE) {
            int n = Math.min(PIECE, end - p);
            gradient(u, n, x, xo + p, z, zo + p, std);
            scaleStep(n, u, x, xo + p, scale);
        }
        TAIL.noiseAndScale(end, i1, x, xo, z, zo, std, scale);
    }

    @Override
    public void sgd(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std,
                    float gradScale, float lr, float weightDecay) {
        int end = vectorEnd(i0, i1);
        double[] u = GRADIENT.get();
        for (int p = i0; p < end; p += PIECE) {
            int n = Math.min(PIECE, end - p);
            gradient(u, n, g, go + p, z, zo + p, std);
            sgdStep(n, u, w, wo + p, gradScale, lr, weightDecay);
        }
        TAIL.sgd(end, i1, w, wo, g, go, z, zo, std, gradScale, lr, weightDecay);
    }

    @Override
    public void sgdMomentum(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std,
                            float gradScale, float lr, float weightDecay, float momentum, float[] v, int vo) {
        int end = vectorEnd(i0, i1);
        double[] u = GRADIENT.get();
        for (int p = i0; p < end; p += PIECE) {
            int n = Math.min(PIECE, end - p);
            gradient(u, n, g, go + p, z, zo + p, std);
            momentumStep(n, u, w, wo + p, gradScale, lr, weightDecay, momentum, v, vo + p);
        }
        TAIL.sgdMomentum(end, i1, w, wo, g, go, z, zo, std, gradScale, lr, weightDecay, momentum, v, vo);
    }

    @Override
    public void adam(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std,
                     float gradScale, float lr, float weightDecay, float beta1, float beta2, float eps, double c1,
                     double c2, float[] m, int mo, float[] v, int vo) {
        int end = vectorEnd(i0, i1);
        double[] u = GRADIENT.get();
        for (int p = i0; p < end; p += PIECE) {
            int n = Math.min(PIECE, end - p);
            gradient(u, n, g, go + p, z, zo + p, std);
            adamStep(n, u, w, wo + p, gradScale, lr, weightDecay, beta1, beta2, eps, c1, c2, m, mo + p, v, vo + p);
        }
        TAIL.adam(end, i1, w, wo, g, go, z, zo, std, gradScale, lr, weightDecay, beta1, beta2, eps, c1, c2, m, mo, v,
                vo);
    }

    /** The end of the whole vectors of {@code [i0, i1)}. */
    private static int vectorEnd(int i0, int i1) {
        return i0 + Math.max(0, i1 - i0) / LF * LF;
    }

    /** {@code u[j] = g[go + j] + std z[zo + j]} in double, or {@code g[go + j]} when z is null; n whole vectors. */
    private static void gradient(double[] u, int n, float[] g, int go, float[] z, int zo, float std) {
        if (z == null) {
            widen(u, n, g, go);
        } else {
            widenNoisy(u, n, g, go, z, zo, std);
        }
    }

    private static void widen(double[] u, int n, float[] g, int go) {
        for (int j = 0; j < n; j += LF) {
            FloatVector gf = FloatVector.fromArray(F, g, go + j);
            ((DoubleVector) gf.convertShape(F2D, D, 0)).intoArray(u, j);
            ((DoubleVector) gf.convertShape(F2D, D, 1)).intoArray(u, j + LD);
        }
    }

    private static void widenNoisy(double[] u, int n, float[] g, int go, float[] z, int zo, float std) {
        double sd = std;
        for (int j = 0; j < n; j += LF) {
            FloatVector gf = FloatVector.fromArray(F, g, go + j);
            FloatVector zf = FloatVector.fromArray(F, z, zo + j);
            DoubleVector z0 = ((DoubleVector) zf.convertShape(F2D, D, 0)).mul(sd);
            DoubleVector z1 = ((DoubleVector) zf.convertShape(F2D, D, 1)).mul(sd);
            ((DoubleVector) gf.convertShape(F2D, D, 0)).add(z0).intoArray(u, j);
            ((DoubleVector) gf.convertShape(F2D, D, 1)).add(z1).intoArray(u, j + LD);
        }
    }

    /** {@code x = (float) (u scale)}. */
    private static void scaleStep(int n, double[] u, float[] x, int xo, float scale) {
        double s = scale;
        for (int j = 0; j < n; j += LF) {
            DoubleVector x0 = DoubleVector.fromArray(D, u, j).mul(s);
            DoubleVector x1 = DoubleVector.fromArray(D, u, j + LD).mul(s);
            ((FloatVector) x0.convertShape(D2F, F, 0)).blend((FloatVector) x1.convertShape(D2F, F, -1), UPPER)
                    .intoArray(x, xo + j);
        }
    }

    /** {@code w = (float) (w - lr (u gradScale + weightDecay w))}. */
    private static void sgdStep(int n, double[] u, float[] w, int wo, float gradScale, float lr, float weightDecay) {
        double gs = gradScale;
        double wd = weightDecay;
        double rate = lr;
        for (int j = 0; j < n; j += LF) {
            FloatVector wf = FloatVector.fromArray(F, w, wo + j);
            DoubleVector w0 = (DoubleVector) wf.convertShape(F2D, D, 0);
            DoubleVector w1 = (DoubleVector) wf.convertShape(F2D, D, 1);
            DoubleVector s0 = DoubleVector.fromArray(D, u, j).mul(gs).add(w0.mul(wd));
            DoubleVector s1 = DoubleVector.fromArray(D, u, j + LD).mul(gs).add(w1.mul(wd));
            DoubleVector n0 = w0.sub(s0.mul(rate));
            DoubleVector n1 = w1.sub(s1.mul(rate));
            ((FloatVector) n0.convertShape(D2F, F, 0)).blend((FloatVector) n1.convertShape(D2F, F, -1), UPPER)
                    .intoArray(w, wo + j);
        }
    }

    /** {@code s = momentum v + (u gradScale + weightDecay w)}, {@code v = (float) s}, {@code w = (float) (w - lr s)}. */
    private static void momentumStep(int n, double[] u, float[] w, int wo, float gradScale, float lr,
                                     float weightDecay, float momentum, float[] v, int vo) {
        double gs = gradScale;
        double wd = weightDecay;
        double rate = lr;
        double mu = momentum;
        for (int j = 0; j < n; j += LF) {
            FloatVector wf = FloatVector.fromArray(F, w, wo + j);
            FloatVector vf = FloatVector.fromArray(F, v, vo + j);
            DoubleVector w0 = (DoubleVector) wf.convertShape(F2D, D, 0);
            DoubleVector w1 = (DoubleVector) wf.convertShape(F2D, D, 1);
            DoubleVector s0 = ((DoubleVector) vf.convertShape(F2D, D, 0)).mul(mu)
                    .add(DoubleVector.fromArray(D, u, j).mul(gs).add(w0.mul(wd)));
            DoubleVector s1 = ((DoubleVector) vf.convertShape(F2D, D, 1)).mul(mu)
                    .add(DoubleVector.fromArray(D, u, j + LD).mul(gs).add(w1.mul(wd)));
            ((FloatVector) s0.convertShape(D2F, F, 0)).blend((FloatVector) s1.convertShape(D2F, F, -1), UPPER)
                    .intoArray(v, vo + j);
            DoubleVector n0 = w0.sub(s0.mul(rate));
            DoubleVector n1 = w1.sub(s1.mul(rate));
            ((FloatVector) n0.convertShape(D2F, F, 0)).blend((FloatVector) n1.convertShape(D2F, F, -1), UPPER)
                    .intoArray(w, wo + j);
        }
    }

    /** Adam's step on {@code u gradScale}, as {@link UpdateKernel#adam}. */
    private static void adamStep(int n, double[] u, float[] w, int wo, float gradScale, float lr, float weightDecay,
                                 float beta1, float beta2, float eps, double c1, double c2, float[] m, int mo,
                                 float[] v, int vo) {
        double gs = gradScale;
        double wd = weightDecay;
        double rate = lr;
        double e = eps;
        double a1 = 1.0 - beta1;
        double a2 = 1.0 - beta2;
        for (int j = 0; j < n; j += LF) {
            DoubleVector u0 = DoubleVector.fromArray(D, u, j).mul(gs);
            DoubleVector u1 = DoubleVector.fromArray(D, u, j + LD).mul(gs);
            // beta m and beta v are float products in the definition: rounded before widening
            FloatVector bm = FloatVector.fromArray(F, m, mo + j).mul(beta1);
            FloatVector bv = FloatVector.fromArray(F, v, vo + j).mul(beta2);
            DoubleVector m0 = ((DoubleVector) bm.convertShape(F2D, D, 0)).add(u0.mul(a1));
            DoubleVector m1 = ((DoubleVector) bm.convertShape(F2D, D, 1)).add(u1.mul(a1));
            DoubleVector v0 = ((DoubleVector) bv.convertShape(F2D, D, 0)).add(u0.mul(a2).mul(u0));
            DoubleVector v1 = ((DoubleVector) bv.convertShape(F2D, D, 1)).add(u1.mul(a2).mul(u1));
            ((FloatVector) m0.convertShape(D2F, F, 0)).blend((FloatVector) m1.convertShape(D2F, F, -1), UPPER)
                    .intoArray(m, mo + j);
            ((FloatVector) v0.convertShape(D2F, F, 0)).blend((FloatVector) v1.convertShape(D2F, F, -1), UPPER)
                    .intoArray(v, vo + j);
            FloatVector wf = FloatVector.fromArray(F, w, wo + j);
            DoubleVector w0 = (DoubleVector) wf.convertShape(F2D, D, 0);
            DoubleVector w1 = (DoubleVector) wf.convertShape(F2D, D, 1);
            DoubleVector s0 = m0.mul(c1).div(v0.mul(c2).lanewise(SQRT).add(e)).add(w0.mul(wd));
            DoubleVector s1 = m1.mul(c1).div(v1.mul(c2).lanewise(SQRT).add(e)).add(w1.mul(wd));
            DoubleVector n0 = w0.sub(s0.mul(rate));
            DoubleVector n1 = w1.sub(s1.mul(rate));
            ((FloatVector) n0.convertShape(D2F, F, 0)).blend((FloatVector) n1.convertShape(D2F, F, -1), UPPER)
                    .intoArray(w, wo + j);
        }
    }
}
