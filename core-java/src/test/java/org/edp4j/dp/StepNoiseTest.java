package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.UpdateNoise;
import org.junit.jupiter.api.Test;

/** The stream layout: offsets are the scalars before each parameter, and the prefetched normals are the stream's. */
class StepNoiseTest {
    private static final List<Parameter> PARAMETERS = List.of(
            new Parameter("a", CpuBackend.instance().zeros(3, 5)),
            new Parameter("b", CpuBackend.instance().zeros(7)),
            new Parameter("c", CpuBackend.instance().zeros(2, 2)));

    @Test
    void eachParameterStartsAfterTheScalarsBeforeIt() {
        try (StepNoise n = new StepNoise(PARAMETERS, GaussianNoise.insecureSeeded(1), 4, false)) {
            assertEquals(0, n.offset(0));
            assertEquals(15, n.offset(1));
            assertEquals(22, n.offset(2));
        }
    }

    @Test
    void prefetchedNormalsAreTheStreamsOwnAndEachParameterPointsAtItsPart() {
        GaussianNoise g = GaussianNoise.insecureSeeded(7);
        float[] expected = new float[26];
        g.fillNormals(4, 9, 0, expected, 0, expected.length, 1f);
        try (StepNoise n = new StepNoise(PARAMETERS, g, 4, true)) {
            n.begin(9, 0.5);
            for (int i = 0; i < PARAMETERS.size(); i++) {
                UpdateNoise u = n.of(i);
                assertEquals(0.5f, u.stddev());
                assertEquals(n.offset(i), u.offset());
                assertEquals(4, u.streamId());
                assertEquals(9, u.step());
                assertArrayEquals(expected, u.normals());
                assertArrayEquals(g.key(), u.key());
            }
        }
    }

    @Test
    void withoutPrefetchTheKeyTravelsAndNoNormalsAreDrawn() {
        GaussianNoise g = GaussianNoise.insecureSeeded(7);
        try (StepNoise n = new StepNoise(PARAMETERS, g, 4, false)) {
            n.begin(3, 1.0);
            assertNull(n.of(1).normals());
            assertArrayEquals(g.key(), n.of(1).key());
        }
    }

    @Test
    void zeroStddevIsNoNoise() {
        try (StepNoise n = new StepNoise(PARAMETERS, GaussianNoise.insecureSeeded(1), 4, true)) {
            n.begin(0, 0);
            assertSame(UpdateNoise.NONE, n.of(0));
        }
        try (StepNoise n = new StepNoise(PARAMETERS, null, 4, false)) {
            n.begin(0, 0);
            assertSame(UpdateNoise.NONE, n.of(2));
        }
    }

    @Test
    void negativeStreamIdIsRefused() {
        assertEquals("stream id must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> new StepNoise(PARAMETERS, GaussianNoise.insecureSeeded(1), -1, false)).getMessage());
    }
}
