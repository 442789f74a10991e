package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.edp4j.dp.Clipping;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Models;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

/** Device updates bounded by DP-SGD's rules, against float64 references of the factors. */
class UpdateClipperTest {
    static final Sequential MODEL = Models.mlp(CpuBackend.instance(), new SplittableRandom(1), 5, 7, 6, 3);

    static ModelVector randomUpdate(long seed, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        ModelVector u = ModelVector.zerosLike(MODEL);
        for (int i = 0; i < u.partCount(); i++) {
            float[] p = u.part(i);
            for (int j = 0; j < p.length; j++) {
                p[j] = (float) (rng.nextGaussian() * scale);
            }
        }
        return u;
    }

    static double norm(ModelVector u, List<Integer> parts) {
        double s = 0;
        for (int i : parts) {
            s += u.squaredNorm(i);
        }
        return Math.sqrt(s);
    }

    static List<Integer> all(ModelVector u) {
        return java.util.stream.IntStream.range(0, u.partCount()).boxed().toList();
    }

    /** Flat: factor min(1, C / (||u|| + 1e-6)) on every element; the result has norm at most C. */
    @Property(tries = 100)
    void flatScalesByTheDpSgdFactor(@ForAll long seed, @ForAll @DoubleRange(min = -4, max = 1) double log10Scale) {
        double c = 1.0;
        double scale = Math.pow(10, log10Scale);
        ModelVector u = randomUpdate(seed, scale);
        ModelVector before = randomUpdate(seed, scale);
        double n = norm(u, all(u));
        DeviceOutcome o = new UpdateClipper(MODEL).clip(u, Clipping.flat(c), c);
        double f = Math.min(1, c / (n + Clipping.STABILIZER));
        for (int i = 0; i < u.partCount(); i++) {
            for (int j = 0; j < u.part(i).length; j++) {
                double expected = f * before.part(i)[j];
                assertEquals(expected, u.part(i)[j], 2e-6 * Math.abs(expected) + 1e-30);
            }
        }
        assertTrue(norm(u, all(u)) <= c * (1 + 1e-6));
        assertEquals(n <= c ? DeviceOutcome.WITHIN_BOUND : DeviceOutcome.CLIPPED, o);
    }

    /** Per layer: each of the L trainable layers within C / sqrt(L), so the whole within C. */
    @Test
    void perLayerBoundsEveryLayer() {
        double c = 0.5;
        ModelVector u = randomUpdate(3, 1.0);
        new UpdateClipper(MODEL).clip(u, Clipping.perLayer(c), c);
        List<Layer> layers = MODEL.trainableLayers();
        List<Parameter> ps = MODEL.parameters();
        int offset = 0;
        for (Layer l : layers) {
            List<Integer> parts = new java.util.ArrayList<>();
            for (Parameter p : l.parameters()) {
                parts.add(ps.indexOf(p));
            }
            double nl = norm(u, parts);
            assertTrue(nl <= c / Math.sqrt(layers.size()) * (1 + 1e-6), "layer " + l.describe() + ": " + nl);
            assertTrue(nl >= 0.99 * c / Math.sqrt(layers.size()), "a big update is clipped to the layer bound");
            offset += parts.size();
        }
        assertEquals(ps.size(), offset);
        assertTrue(norm(u, all(u)) <= c * (1 + 1e-6));
    }

    /** Automatic: C / (||u|| + gamma), never capped (a small update grows towards C). */
    @Test
    void automaticNormalizes() {
        double c = 2.0;
        ModelVector u = randomUpdate(4, 1e-3);
        double n = norm(u, all(u));
        new UpdateClipper(MODEL).clip(u, Clipping.automatic(c, 0.01), c);
        assertEquals(c * n / (n + 0.01), norm(u, all(u)), 1e-5 * c);
    }

    @Test
    void nonFiniteNormsAreReportedAndNothingIsScaled() {
        ModelVector u = randomUpdate(5, 1.0);
        u.part(1)[0] = Float.NaN;
        assertNull(new UpdateClipper(MODEL).clip(u, Clipping.flat(1), 1));
        ModelVector big = randomUpdate(5, 1e25);
        float before = big.part(0)[0];
        assertNull(new UpdateClipper(MODEL).clip(big, Clipping.flat(1), 1), "a squared norm beyond float");
        assertEquals(before, big.part(0)[0]);
    }
}
