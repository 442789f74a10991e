package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

/** The host vector ops against float64 references, on odd lengths (0, 1, and the unrolled tail). */
class ModelVectorTest {
    static float[] random(int n, SplittableRandom rng) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * 3);
        }
        return a;
    }

    @Property(tries = 100)
    void addSubtractNormScaleMatchTheReference(@ForAll @IntRange(min = 0, max = 37) int n0,
            @ForAll @IntRange(min = 0, max = 5) int n1, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a0 = random(n0, rng);
        float[] a1 = random(n1, rng);
        float[] b0 = random(n0, rng);
        float[] b1 = random(n1, rng);
        ModelVector a = ModelVector.wrap(new float[][] {a0.clone(), a1.clone()});
        ModelVector b = ModelVector.wrap(new float[][] {b0.clone(), b1.clone()});
        assertEquals(n0 + n1, a.size());
        double ref = 0;
        for (float x : a0) {
            ref += (double) x * x;
        }
        assertEquals(ref, a.squaredNorm(0), 1e-12 * Math.max(1, ref));
        a.add(b);
        for (int j = 0; j < n0; j++) {
            assertEquals(a0[j] + b0[j], a.part(0)[j], 0, "float add, one rounding");
        }
        a.subtractFrom(b);
        for (int j = 0; j < n1; j++) {
            assertEquals(b1[j] - (a1[j] + b1[j]), a.part(1)[j], 0);
        }
        a.scale(1, 0.5f);
        a.zero();
        assertEquals(0, a.squaredNorm(0) + a.squaredNorm(1));
    }

    @Test
    void copiesToAndFromAModelAndItsGradients() {
        Sequential m = Models.mlp(CpuBackend.instance(), new SplittableRandom(1), 3, 4, 2);
        ModelVector v = ModelVector.of(m);
        assertArrayEquals(m.parameters().get(0).value().toArray(), v.part(0));
        v.part(0)[0] = 7f;
        v.copyInto(m);
        assertEquals(7f, m.parameters().get(0).value().toArray()[0]);
        v.copyIntoGradients(m);
        assertArrayEquals(v.part(1), m.parameters().get(1).grad().toArray());
        Sequential other = Models.mlp(CpuBackend.instance(), new SplittableRandom(1), 3, 5, 2);
        String msg = assertThrows(IllegalArgumentException.class, () -> v.copyInto(other)).getMessage();
        assertEquals(true, msg.startsWith("parameter 0 (") && msg.endsWith(") has 15 values, the vector 12"), msg);
        assertThrows(IllegalArgumentException.class, () -> v.add(ModelVector.zerosLike(other)));
    }
}
