package org.edp4j.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A labelled, encoded dataset on a Spark cluster for data-parallel DP-SGD: examples with ids
 * {@code 0 .. size() - 1} in blocks of consecutive ids ({@link ExampleBlock}, one per partition,
 * cached). The id of an example is its Poisson coin's index ({@link org.edp4j.dp.PoissonSampler}),
 * so a step samples the same examples as one machine sampling the dataset in id order.
 */
public final class SparkExamples implements AutoCloseable {
    private final JavaSparkContext sc;
    private final JavaRDD<ExampleBlock> blocks;
    private final Broadcast<TokenRows> source;
    private final int size;
    private final int vocab;
    private final int classes;
    private final int maxLen;

    private SparkExamples(JavaSparkContext sc, JavaRDD<ExampleBlock> blocks, Broadcast<TokenRows> source, int size,
            int vocab, int classes, int maxLen) {
        this.sc = sc;
        this.blocks = blocks;
        this.source = source;
        this.size = size;
        this.vocab = vocab;
        this.classes = classes;
        this.maxLen = maxLen;
    }

    /**
     * The rows of a driver-side dataset, cut into {@code partitions} blocks of consecutive ids (sizes
     * differing by at most one); example i is row i. The rows are broadcast once and each block is cut
     * from them on its executor, so a step's tasks carry a block number, not the examples (as
     * {@code parallelize} would, in every task of every step); the broadcast lives until
     * {@link #close()}, so a lost block can be rebuilt.
     *
     * @param partitions {@code >= 1}
     * @throws IllegalArgumentException for an empty dataset or partitions below 1
     */
    public static SparkExamples fromRows(JavaSparkContext sc, TokenRows rows, int partitions) {
        Objects.requireNonNull(rows, "rows");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        int n = rows.size();
        if (n == 0) {
            throw new IllegalArgumentException("a dataset for DP-SGD needs at least one example");
        }
        int parts = Math.min(partitions, n);
        List<Integer> ids = new ArrayList<>(parts);
        for (int b = 0; b < parts; b++) {
            ids.add(b);
        }
        Broadcast<TokenRows> all = sc.broadcast(rows);
        JavaRDD<ExampleBlock> rdd = sc.parallelize(ids, parts).map(b -> {
            int from = (int) ((long) b * n / parts);
            int to = (int) ((long) (b + 1) * n / parts);
            return new ExampleBlock(from, all.value().slice(from, to - from));
        }).persist(StorageLevel.MEMORY_ONLY());
        return new SparkExamples(sc, rdd, all, n, rows.vocab(), rows.classes(), rows.maxLen());
    }

    /**
     * The rows of a Dataset, read and packed on the executors: example ids follow the Dataset's row
     * order ({@code zipWithIndex}), one block per partition.
     *
     * @param tokensColumn the token ids, {@code array<int>}, each in {@code [0, vocab)}; cut or padded with 0 to {@code maxLen}
     * @param labelColumn the label, an integer in {@code [0, classes)}
     * @throws IllegalArgumentException for a missing column or an empty Dataset (bad values fail the
     *     first job with the value named)
     */
    public static SparkExamples fromDataset(Dataset<Row> rows, String tokensColumn, String labelColumn, int vocab,
            int classes, int maxLen) {
        for (String c : List.of(tokensColumn, labelColumn)) {
            if (!List.of(rows.columns()).contains(c)) {
                throw new IllegalArgumentException("the Dataset has no column '" + c + "' (columns: "
                        + String.join(", ", rows.columns()) + ")");
            }
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
        JavaRDD<Tuple2<Row, Long>> numbered = rows.select(tokensColumn, labelColumn).javaRDD().zipWithIndex().rdd()
                .toJavaRDD();
        JavaRDD<ExampleBlock> rdd = numbered.mapPartitions(it -> block(it, vocab, classes, maxLen))
                .persist(StorageLevel.MEMORY_ONLY());
        long n = rdd.map(b -> (long) b.rows().size()).fold(0L, Long::sum);
        if (n == 0) {
            throw new IllegalArgumentException("a dataset for DP-SGD needs at least one example, the Dataset has none");
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than 2^31 - 1 examples: " + n);
        }
        return new SparkExamples(sc, rdd, null, (int) n, vocab, classes, maxLen);
    }

    private static Iterator<ExampleBlock> block(Iterator<Tuple2<Row, Long>> it, int vocab, int classes, int maxLen) {
        List<int[]> tokens = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        long first = -1;
        while (it.hasNext()) {
            Tuple2<Row, Long> t = it.next();
            if (first < 0) {
                first = t._2();
            }
            tokens.add(SparkPopulation.padded(t._1().getList(0), maxLen, vocab));
            labels.add(SparkPopulation.label(t._1(), 1, classes));
        }
        if (first < 0) {
            return Collections.emptyIterator();
        }
        int[] flat = new int[tokens.size() * maxLen];
        int[] y = new int[tokens.size()];
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(tokens.get(i), 0, flat, i * maxLen, maxLen);
            y[i] = labels.get(i);
        }
        return List.of(new ExampleBlock((int) first, new TokenRows(maxLen, vocab, classes, flat, y))).iterator();
    }

    /** @return the number of examples n */
    public int size() {
        return size;
    }

    /** @return the blocks (cached) */
    public JavaRDD<ExampleBlock> blocks() {
        return blocks;
    }

    /** @return the vocabulary size of the ids */
    public int vocab() {
        return vocab;
    }

    /** @return the number of classes */
    public int classes() {
        return classes;
    }

    /** @return ids per example */
    public int maxLen() {
        return maxLen;
    }

    /** @return the Spark context the blocks live in */
    public JavaSparkContext sparkContext() {
        return sc;
    }

    /** Unpersists the blocks (and destroys the broadcast rows of {@link #fromRows}). */
    @Override
    public void close() {
        blocks.unpersist(false);
        if (source != null) {
            source.destroy();
        }
    }
}
