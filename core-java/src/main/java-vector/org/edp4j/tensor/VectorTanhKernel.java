package org.edp4j.tensor;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static org.edp4j.tensor.ScalarTanhKernel.BIG;
import static org.edp4j.tensor.ScalarTanhKernel.C11;
import static org.edp4j.tensor.ScalarTanhKernel.C13;
import static org.edp4j.tensor.ScalarTanhKernel.C15;
import static org.edp4j.tensor.ScalarTanhKernel.C3;
import static org.edp4j.tensor.ScalarTanhKernel.C5;
import static org.edp4j.tensor.ScalarTanhKernel.C7;
import static org.edp4j.tensor.ScalarTanhKernel.C9;
import static org.edp4j.tensor.ScalarTanhKernel.E10;
import static org.edp4j.tensor.ScalarTanhKernel.E11;
import static org.edp4j.tensor.ScalarTanhKernel.E12;
import static org.edp4j.tensor.ScalarTanhKernel.E13;
import static org.edp4j.tensor.ScalarTanhKernel.E2;
import static org.edp4j.tensor.ScalarTanhKernel.E3;
import static org.edp4j.tensor.ScalarTanhKernel.E4;
import static org.edp4j.tensor.ScalarTanhKernel.E5;
import static org.edp4j.tensor.ScalarTanhKernel.E6;
import static org.edp4j.tensor.ScalarTanhKernel.E7;
import static org.edp4j.tensor.ScalarTanhKernel.E8;
import static org.edp4j.tensor.ScalarTanhKernel.E9;
import static org.edp4j.tensor.ScalarTanhKernel.INV_LN2;
import static org.edp4j.tensor.ScalarTanhKernel.LN2_HI;
import static org.edp4j.tensor.ScalarTanhKernel.LN2_LO;
import static org.edp4j.tensor.ScalarTanhKernel.MAGIC;
import static org.edp4j.tensor.ScalarTanhKernel.MAGIC_BITS;
import static org.edp4j.tensor.ScalarTanhKernel.SIGN;
import static org.edp4j.tensor.ScalarTanhKernel.SMALL;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link TanhKernel} written with Java's Vector API: {@link ScalarTanhKernel#tanh}'s operations
 * in the same order on whole double vectors, both branches computed and blended by {@code |u|}; the
 * tail runs the scalar definition. Same bits. Only the preferred shape (see {@code VectorGemm}).
 */
public final class VectorTanhKernel implements TanhKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LD = D.length();

    /** Public for {@link Vectorization#pick}. */
    public VectorTanhKernel() {
    }

    @Override
    public void tanh(double[] u, int off, int n) {
        int j = 0;
        for (; j <= n - LD; j += LD) {
            DoubleVector x = DoubleVector.fromArray(D, u, off + j);
            DoubleVector a = x.abs();
            DoubleVector s = x.mul(x);
            // Horner, innermost first, as the definition
            DoubleVector q = s.mul(C15).add(C13);
            q = s.mul(q).add(C11);
            q = s.mul(q).add(C9);
            q = s.mul(q).add(C7);
            q = s.mul(q).add(C5);
            q = s.mul(q).add(C3);
            DoubleVector small = x.add(x.mul(s.mul(q)));
            DoubleVector x2 = a.mul(2.0);
            DoubleVector k = x2.mul(INV_LN2).add(MAGIC);
            LongVector pow = k.reinterpretAsLongs().sub(MAGIC_BITS).add(1023L).lanewise(LSHL, 52);
            DoubleVector fn = k.sub(MAGIC);
            DoubleVector t = x2.sub(fn.mul(LN2_HI)).sub(fn.mul(LN2_LO));
            DoubleVector p = t.mul(E13).add(E12);
            p = t.mul(p).add(E11);
            p = t.mul(p).add(E10);
            p = t.mul(p).add(E9);
            p = t.mul(p).add(E8);
            p = t.mul(p).add(E7);
            p = t.mul(p).add(E6);
            p = t.mul(p).add(E5);
            p = t.mul(p).add(E4);
            p = t.mul(p).add(E3);
            p = t.mul(p).add(E2);
            p = t.mul(p).add(1.0);
            p = t.mul(p).add(1.0);
            DoubleVector e = p.mul(pow.reinterpretAsDoubles());
            DoubleVector r = DoubleVector.broadcast(D, 1.0).sub(DoubleVector.broadcast(D, 2.0).div(e.add(1.0)))
                    .blend(1.0, a.compare(GE, BIG)).blend(small, a.compare(LT, SMALL));
            r.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles().intoArray(u, off + j);
        }
        for (; j < n; j++) {
            u[off + j] = ScalarTanhKernel.tanh(u[off + j]);
        }
    }
}
