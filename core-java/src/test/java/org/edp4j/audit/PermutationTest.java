package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PermutationTest {

    @Test
    void holdsEveryIndexOnceAndDependsOnlyOnTheSeed() {
        int[] p = Permutation.of(1000, new SplittableRandom(3));
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(p, Permutation.of(1000, new SplittableRandom(3)));
        assertFalse(Arrays.equals(p, Permutation.of(1000, new SplittableRandom(4))));
    }

    @Test
    void firstPositionIsUniform() {
        int n = 4;
        int trials = 40_000;
        int[] counts = new int[n];
        SplittableRandom rng = new SplittableRandom(11);
        for (int t = 0; t < trials; t++) {
            counts[Permutation.of(n, rng)[0]]++;
        }
        for (int c : counts) {
            // expected 10,000, sd ~87: 6 sd
            assertEquals(trials / n, c, 520);
        }
    }

    @Test
    void edgeSizes() {
        assertEquals(0, Permutation.of(0, new SplittableRandom(1)).length);
        assertArrayEquals(new int[] {0}, Permutation.of(1, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Permutation.of(-1, new SplittableRandom(1)));
    }
}
