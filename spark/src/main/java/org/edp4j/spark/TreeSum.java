package org.edp4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Sums one partial per partition with a tree aggregation, as Spark's {@code treeAggregate} does,
 * but in a fixed order: while more than {@code scale + ceil(P / scale)} partials remain
 * ({@code scale = max(2, ceil(P^(1/depth)))}), the executors add groups of {@code scale} partials, and
 * the driver adds the last few. Within a group the partials are added in the order of the partitions
 * they came from, so a run gives the same float sum whatever the task scheduling (Spark's own tree
 * adds in arrival order). The data moved is the same: one partial per partition per level.
 *
 * <p>The result's summation order differs from a single machine's (device or example order), so
 * the two agree up to float rounding.
 */
final class TreeSum {
    private TreeSum() {
    }

    /** The sum and the time the driver spent adding the last level. */
    record Result<P>(P sum, long driverNanos) {
    }

    /**
     * @param partials exactly one partial per partition (the partitions' indices fix the order)
     * @param depth the tree's depth, {@code >= 1} (1: every partial goes to the driver)
     */
    static <P extends Summand<P>> Result<P> sum(JavaRDD<P> partials, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("aggregation depth must be >= 1, got " + depth);
        }
        int p = partials.getNumPartitions();
        JavaRDD<Tuple2<Integer, P>> level = partials.mapPartitionsWithIndex(TreeSum::ordered, true);
        int scale = Math.max(2, (int) Math.ceil(Math.pow(p, 1.0 / depth)));
        while (depth > 1 && p > scale + Math.ceil(p / (double) scale)) {
            p = (int) Math.ceil(p / (double) scale);
            int groups = p;
            level = JavaPairRDD.fromJavaRDD(level.map(t -> new Tuple2<>(t._1() % groups, t)))
                    .groupByKey(groups).values().map(TreeSum::inOrder);
        }
        List<Tuple2<Integer, P>> top = new ArrayList<>(level.collect());
        long t0 = System.nanoTime();
        Tuple2<Integer, P> all = inOrder(top);
        return new Result<>(all == null ? null : all._2(), System.nanoTime() - t0);
    }

    /** Tags a partition's partials with its index. */
    private static <P> Iterator<Tuple2<Integer, P>> ordered(Integer index, Iterator<P> it) {
        List<Tuple2<Integer, P>> out = new ArrayList<>(1);
        while (it.hasNext()) {
            out.add(new Tuple2<>(index, it.next()));
        }
        return out.iterator();
    }

    /** Adds a group's partials in the order of their first partition; the result takes the smallest index. */
    private static <P extends Summand<P>> Tuple2<Integer, P> inOrder(Iterable<Tuple2<Integer, P>> group) {
        List<Tuple2<Integer, P>> g = new ArrayList<>();
        group.forEach(g::add);
        if (g.isEmpty()) {
            return null;
        }
        g.sort((a, b) -> Integer.compare(a._1(), b._1()));
        P acc = g.get(0)._2();
        for (int k = 1; k < g.size(); k++) {
            acc = acc.plus(g.get(k)._2());
        }
        return new Tuple2<>(g.get(0)._1(), acc);
    }
}
