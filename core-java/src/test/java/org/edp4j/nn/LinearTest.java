package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

/** Linear's choice of per-sample norm method; its norms and clipped sums are checked in ModelGradientTest. */
class LinearTest {

    @Test
    void autoPicksTheGhostNormBelowTheMeasuredCrossover() {
        // 5 T (d + p) < 8 d p: the encoder's layers at T = 128 all take the ghost norm.
        int[][] ghostAt128 = {{256, 768}, {256, 256}, {256, 1024}, {1024, 256}};
        for (int[] s : ghostAt128) {
            assertEquals(true, linear(s[0], s[1]).useGhost(128), s[0] + " -> " + s[1]);
        }
        assertEquals(true, linear(256, 256).useGhost(204));
        assertEquals(false, linear(256, 256).useGhost(205));
        assertEquals(true, linear(64, 64).useGhost(51));
        assertEquals(false, linear(64, 64).useGhost(52));
        assertEquals(false, linear(1, 1).useGhost(2));
    }

    @Test
    void normMethodOverridesAuto() {
        assertEquals(true, linear(4, 4).normMethod(Linear.NormMethod.GHOST).useGhost(1000));
        assertEquals(false, linear(256, 256).normMethod(Linear.NormMethod.DIRECT).useGhost(2));
    }

    static Linear linear(int in, int out) {
        return new Linear(CpuBackend.instance(), in, out, true, new SplittableRandom(1));
    }
}
