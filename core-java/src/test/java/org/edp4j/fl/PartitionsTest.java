package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The partitions: every example placed once, sizes, label skew with bounds a wrong split cannot meet. */
class PartitionsTest {
    static final int CLASSES = 10;
    static final int N = 2000;
    static final int DEVICES = 20;

    /** 200 examples of each of 10 classes. */
    static int[] balancedLabels() {
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = i % CLASSES;
        }
        return y;
    }

    /** Every example of {@code [0, n)} lies on exactly one device. */
    static void assertEachExampleOnce(Partition p, int n) {
        int[] seen = new int[n];
        for (int d = 0; d < p.deviceCount(); d++) {
            for (int e : p.examples(d)) {
                seen[e]++;
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen[i], "example " + i);
        }
        assertEquals(n, p.totalExamples());
    }

    /**
     * Size-weighted mean total-variation distance between each device's label distribution and the
     * global one (uniform over 10 classes here): 0 when every device looks like the dataset, 0.9 when
     * every device holds a single class.
     */
    static double meanTotalVariation(Partition p, int[] labels) {
        double weighted = 0;
        for (int d = 0; d < p.deviceCount(); d++) {
            int[] h = p.labelHistogram(d, labels, CLASSES);
            int size = p.size(d);
            if (size == 0) {
                continue;
            }
            double tv = 0;
            for (int c = 0; c < CLASSES; c++) {
                tv += Math.abs(h[c] / (double) size - 1.0 / CLASSES);
            }
            weighted += 0.5 * tv * size;
        }
        return weighted / p.totalExamples();
    }

    /**
     * alpha 0.01: each class lands (almost) whole on one device drawn uniformly among 20, so an
     * example's device holds on average 1 + 9/20 classes: TV about 1 - 1.45/10 = 0.86. Falling below
     * 0.6 would take devices with 4 classes on average. An IID split has TV about 0.1 (sampling noise
     * of 100 examples per device), so it cannot pass.
     */
    @Test
    void smallAlphaSkewsTheLabelHistograms() {
        int[] y = balancedLabels();
        Partition p = Partitions.dirichlet(y, CLASSES, DEVICES, 0.01, 3);
        assertEachExampleOnce(p, N);
        double tv = meanTotalVariation(p, y);
        assertTrue(tv > 0.6, "alpha 0.01: mean TV " + tv);
        assertTrue(meanTotalVariation(Partitions.iid(N, DEVICES, 3), y) < 0.2, "IID is not skewed");
    }

    /**
     * alpha 1000: a class's device shares have standard deviation sqrt(19/400 / 20001) = 0.0015 around
     * 1/20, i.e. 0.3 of the 10 examples each device gets of each class, plus one unit of rounding:
     * TV at most about 10 * 1.3 / 2 / 100 = 0.065 per device. A skewed split (alpha 0.01 above: 0.86)
     * cannot pass.
     */
    @Test
    void largeAlphaIsNearlyUniform() {
        int[] y = balancedLabels();
        Partition p = Partitions.dirichlet(y, CLASSES, DEVICES, 1000, 3);
        assertEachExampleOnce(p, N);
        double tv = meanTotalVariation(p, y);
        assertTrue(tv < 0.07, "alpha 1000: mean TV " + tv);
        for (int d = 0; d < DEVICES; d++) {
            assertTrue(Math.abs(p.size(d) - 100) <= 10, "device " + d + " size " + p.size(d));
        }
    }

    @Test
    void dirichletDoesNotDeliverADevicesExamplesSortedByClass() {
        int[] y = balancedLabels();
        Partition p = Partitions.dirichlet(y, CLASSES, 4, 1.0, 8);
        int changes = 0;
        for (int d = 0; d < 4; d++) {
            int[] e = p.examples(d);
            for (int k = 1; k < e.length; k++) {
                changes += y[e[k]] != y[e[k - 1]] ? 1 : 0;
            }
        }
        assertTrue(changes > 500, "streams interleave classes: " + changes + " label changes");
    }

    @Property(tries = 50)
    void iidSizesDifferByAtMostOne(@ForAll @IntRange(min = 0, max = 500) int n,
            @ForAll @IntRange(min = 1, max = 60) int devices, @ForAll long seed) {
        Partition p = Partitions.iid(n, devices, seed);
        assertEquals(devices, p.deviceCount());
        assertEachExampleOnce(p, n);
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int s : p.sizes()) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        assertTrue(max - min <= 1, "sizes " + min + ".." + max);
    }

    /** Log sizes have standard deviation sigma (200 devices: standard error 0.075; the floor of 1 and rounding bias it little). */
    @Test
    void quantitySkewHasLogNormalSizes() {
        Partition equal = Partitions.quantitySkew(20_000, 200, 0, 4);
        for (int s : equal.sizes()) {
            assertTrue(Math.abs(s - 100) <= 1, "sigma 0 gives equal sizes, got " + s);
        }
        Partition skew = Partitions.quantitySkew(20_000, 200, 1.5, 4);
        assertEachExampleOnce(skew, 20_000);
        double sum = 0;
        double sumSq = 0;
        int max = 0;
        for (int s : skew.sizes()) {
            assertTrue(s >= 1, "every device holds at least one example when n >= devices");
            double l = Math.log(s);
            sum += l;
            sumSq += l * l;
            max = Math.max(max, s);
        }
        double sd = Math.sqrt(sumSq / 200 - (sum / 200) * (sum / 200));
        assertEquals(1.5, sd, 0.3, "standard deviation of the log sizes");
        assertTrue(max > 500, "a few busy devices: the largest holds " + max);
        Partition few = Partitions.quantitySkew(5, 20, 1.0, 4);
        assertEachExampleOnce(few, 5);
    }

    @Test
    void deviceIdsGroupInOrderOfFirstAppearance() {
        Partition p = Partitions.byDeviceId(List.of("b", "a", "b", "c", "a", "b"));
        assertEquals(3, p.deviceCount());
        assertArrayEquals(new int[] {0, 2, 5}, p.examples(0));
        assertArrayEquals(new int[] {1, 4}, p.examples(1));
        assertArrayEquals(new int[] {3}, p.examples(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Partitions.byDeviceId(java.util.Arrays.asList("a", null)));
        assertEquals("example 1 has no device id (null)", e.getMessage());
    }

    @Test
    void sameSeedSamePartitionOtherSeedOther() {
        int[] y = balancedLabels();
        assertEquals(Partitions.dirichlet(y, CLASSES, 7, 0.5, 1), Partitions.dirichlet(y, CLASSES, 7, 0.5, 1));
        assertNotEquals(Partitions.dirichlet(y, CLASSES, 7, 0.5, 1), Partitions.dirichlet(y, CLASSES, 7, 0.5, 2));
        assertEquals(Partitions.quantitySkew(100, 7, 1, 1), Partitions.quantitySkew(100, 7, 1, 1));
        assertNotEquals(Partitions.iid(100, 7, 1), Partitions.iid(100, 7, 2));
    }

    @Property(tries = 200)
    void apportionSumsExactlyAndStaysWithinOneOfTheShare(@ForAll @IntRange(min = 0, max = 10_000) int total,
            @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0, max = 1e6) Double> weights) {
        double[] w = weights.stream().mapToDouble(Double::doubleValue).toArray();
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        if (sum == 0) {
            w[0] = 1;
            sum = 1;
        }
        int[] parts = Partitions.apportion(total, w);
        long s = 0;
        for (int d = 0; d < w.length; d++) {
            assertTrue(parts[d] >= 0);
            assertTrue(Math.abs(parts[d] - total * w[d] / sum) < 1 + 1e-9, "part " + d);
            s += parts[d];
        }
        assertEquals(total, s);
    }

    @Test
    void refusesBadArguments() {
        assertEquals("number of devices must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Partitions.iid(5, 0, 1)).getMessage());
        assertEquals("Dirichlet alpha must be > 0 and finite, got -1.0", assertThrows(IllegalArgumentException.class,
                () -> Partitions.dirichlet(new int[] {0, 1}, 2, 2, -1, 1)).getMessage());
        assertEquals("label 2 of example 1 is outside [0, 2)", assertThrows(IllegalArgumentException.class,
                () -> Partitions.dirichlet(new int[] {0, 2}, 2, 2, 1, 1)).getMessage());
        assertEquals("quantity-skew sigma must be >= 0 and finite, got NaN", assertThrows(IllegalArgumentException.class,
                () -> Partitions.quantitySkew(5, 2, Double.NaN, 1)).getMessage());
    }
}
