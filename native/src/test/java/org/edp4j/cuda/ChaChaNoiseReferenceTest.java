package org.edp4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks the test's own noise reference (runs everywhere, no GPU needed). */
class ChaChaNoiseReferenceTest {

    /** RFC 8439 section 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1. */
    @Test
    void blockFunctionMatchesRfc8439() {
        int[] key = new int[8];
        for (int i = 0; i < 8; i++) {
            int b = 4 * i;
            key[i] = b | (b + 1) << 8 | (b + 2) << 16 | (b + 3) << 24;
        }
        int[] out = ChaChaNoiseReference.block(key, 1, 0x09000000, 0x4a000000, 0);
        int[] expected = {0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033, 0x9aaa2204,
            0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9, 0xd19c12b5, 0xb94e16de, 0xe883d0cb,
            0x4e3c50a2};
        assertArrayEquals(expected, out);
    }

    @Test
    void streamIndexingIsConsistentAcrossOffsets() {
        int[] key = {1, 2, 3, 4, 5, 6, 7, 8};
        double[] all = ChaChaNoiseReference.normals(key, 3, (1L << 33) + 5, 0, 64);
        double[] tail = ChaChaNoiseReference.normals(key, 3, (1L << 33) + 5, 13, 51);
        for (int i = 0; i < tail.length; i++) {
            assertEquals(all[13 + i], tail[i], 0.0);
        }
    }

    @Test
    void normalsHaveUnitMoments() {
        int[] key = {11, 22, 33, 44, 55, 66, 77, 88};
        int n = 200_000;
        double[] z = ChaChaNoiseReference.normals(key, 0, 1, 0, n);
        double mean = 0;
        double sq = 0;
        for (double v : z) {
            mean += v;
            sq += v * v;
        }
        mean /= n;
        double var = sq / n - mean * mean;
        assertTrue(Math.abs(mean) < 0.015, "mean " + mean);
        assertTrue(Math.abs(var - 1) < 0.02, "variance " + var);
    }

    /** The reference the GPU stream is checked against is the CPU generator's stream. */
    @Test
    void referenceEqualsTheCpuGenerator() {
        org.edp4j.dp.noise.GaussianNoise g = org.edp4j.dp.noise.GaussianNoise.insecureSeeded(42);
        long[] firsts = {0, 3, 13, (1L << 35) - 21};
        for (long first : firsts) {
            double[] ref = ChaChaNoiseReference.normals(g.key(), 0, 7, first, 21);
            for (int j = 0; j < ref.length; j++) {
                double cpu = g.normal(0, 7, first + j);
                org.junit.jupiter.api.Assertions.assertEquals(cpu, ref[j], 1e-12 * Math.max(1, Math.abs(cpu)),
                        "element " + (first + j));
            }
        }
    }
}
