package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fl.InclusionRule;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.RoundSelection;
import org.junit.jupiter.api.Test;

/** The configuration survives the trip to an executor: Java serialization there and back. */
class SpecsTest {

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T x) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(x);
        }
        try (ObjectInputStream i = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) i.readObject();
        }
    }

    @Test
    void clippingLocalTrainingAndSelectionRoundTrip() throws Exception {
        Clipping c = Clipping.adaptive(0.7, 0.6, 0.3, 2.5);
        assertEquals(c, roundTrip(Specs.ClippingSpec.of(c)).clipping());
        assertNull(Specs.ClippingSpec.of(null), "a non-private round has no clipping");
        LocalTraining l = new LocalTraining(2, 8, 0.25, 99);
        assertEquals(l, roundTrip(Specs.LocalSpec.of(l)).local());

        GaussianNoise coins = GaussianNoise.insecureSeeded(12);
        org.edp4j.fl.StaticPopulation pop = new org.edp4j.fl.StaticPopulation(org.edp4j.fl.Partition.of(new int[40][3]));
        RoundSelection s = RoundSelection.poisson(InclusionRule.activity(0.05, 0.3), coins, pop);
        RoundSelection there = roundTrip(Specs.SelectionSpec.of(s)).selection(pop);
        int[] counts = new int[40];
        java.util.Arrays.fill(counts, 3);
        int[] a = new int[40];
        int[] b = new int[40];
        int na = s.select(4, 0, counts, 40, a);
        assertEquals(na, there.select(4, 0, counts, 40, b));
        assertArrayEquals(java.util.Arrays.copyOf(a, na), java.util.Arrays.copyOf(b, na), "the same coins there");
        RoundSelection fixed = roundTrip(Specs.SelectionSpec.of(RoundSelection.of(1, 5))).selection(pop);
        assertArrayEquals(new int[] {1, 5}, fixed.devices(0));
    }

    @Test
    void aModelFactoryLambdaTravels() throws Exception {
        ModelFactory f = be -> org.edp4j.nn.Models.bag(be, new java.util.SplittableRandom(1), 10, 4, 4, 2);
        assertEquals(f.create(org.edp4j.tensor.CpuBackend.instance()).parameterCount(),
                roundTrip(f).create(org.edp4j.tensor.CpuBackend.instance()).parameterCount());
    }
}
