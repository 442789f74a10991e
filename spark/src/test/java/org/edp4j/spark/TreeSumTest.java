package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TreeSumTest {

    /** A partial that remembers the order its parts were added in (as a float sum would feel it). */
    static final class Trace implements Summand<Trace> {
        private static final long serialVersionUID = 1L;
        final List<Integer> parts = new ArrayList<>();
        float sum;

        Trace(int part, float v) {
            parts.add(part);
            sum = v;
        }

        @Override
        public Trace plus(Trace o) {
            parts.addAll(o.parts);
            sum += o.sum;
            return this;
        }
    }

    /**
     * Whatever the depth and the number of partitions, every partition's partial is added exactly
     * once, in partition order within each group, and two runs give the same float sum bit for bit.
     */
    @ParameterizedTest
    @CsvSource({"1,1", "1,5", "2,9", "3,20"})
    void everyPartialOnceInAFixedOrder(int depth, int partitions) {
        SplittableRandom rng = new SplittableRandom(partitions);
        List<Float> values = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            values.add((float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(6))));
        }
        JavaRDD<Trace> rdd = SparkTests.sc().parallelize(values, partitions)
                .mapPartitionsWithIndex((i, it) -> List.of(new Trace(i, it.next())).iterator(), true);
        TreeSum.Result<Trace> a = TreeSum.sum(rdd, depth);
        TreeSum.Result<Trace> b = TreeSum.sum(rdd, depth);
        List<Integer> seen = new ArrayList<>(a.sum().parts);
        seen.sort(Integer::compare);
        for (int p = 0; p < partitions; p++) {
            assertEquals(p, seen.get(p), "partition " + p + " exactly once");
        }
        assertEquals(a.sum().parts, b.sum().parts, "the same order each run");
        assertEquals(Float.floatToIntBits(a.sum().sum), Float.floatToIntBits(b.sum().sum));
        assertTrue(a.driverNanos() >= 0);
        double exact = values.stream().mapToDouble(Float::doubleValue).sum();
        double scale = values.stream().mapToDouble(v -> Math.abs(v)).sum();
        assertEquals(exact, a.sum().sum, 1e-6 * scale + 1e-6);
    }

    @ParameterizedTest
    @CsvSource({"0"})
    void depthBelowOneAndEmptyPartitions(int depth) {
        JavaRDD<Trace> rdd = SparkTests.sc().parallelize(List.of(1f), 1).map(v -> new Trace(0, v));
        assertEquals("aggregation depth must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> TreeSum.sum(rdd, depth)).getMessage());
        JavaRDD<Trace> none = SparkTests.sc().parallelize(List.<Float>of(), 3).map(v -> new Trace(0, v));
        assertNull(TreeSum.sum(none, 2).sum(), "no partial at all: no sum");
    }
}
