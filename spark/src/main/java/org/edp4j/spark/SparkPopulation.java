package org.edp4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.edp4j.fl.DeviceCensus;
import org.edp4j.fl.Partition;
import scala.Tuple2;

/**
 * A federated population that lives on a Spark cluster: its devices in blocks of consecutive device
 * indices ({@link DeviceBlock}, one RDD element each, cached), each device's examples inside its
 * block or in a corpus broadcast once. On the driver it is the server's {@link DeviceCensus}: the
 * number of devices and how many examples each holds in the current round (four bytes per device),
 * never the examples themselves.
 *
 * <p>Three ways to make one:
 * <ul>
 *   <li>{@link #fromPartition}: a partitioned corpus (the driver's {@link Partition} of an encoded
 *       dataset, as {@code edp federated} builds it);</li>
 *   <li>{@link #fromRows}: a Dataset with a device column, grouped on the executors (devices numbered
 *       in ascending order of the device column; each device's examples in the Dataset's row order);</li>
 *   <li>{@link #synthetic}: a simulated population of any size over a shared corpus
 *       ({@link SyntheticDevices}; the scale benchmark's million devices).</li>
 * </ul>
 * {@link #continual} gives the same devices in the continual setting ({@link DeviceSetting}).
 *
 * <p>Not thread-safe (the server drives it).
 */
public final class SparkPopulation implements DeviceCensus, AutoCloseable {
    private final JavaSparkContext sc;
    private final JavaRDD<DeviceBlock> blocks;
    private final Broadcast<TokenRows> corpus;
    private final Broadcast<List<DeviceBlock>> source;
    private final int[] streamLengths;
    private final int longest;
    private final DeviceSetting setting;
    private final int vocab;
    private final int classes;
    private final int maxLen;
    private long round = -1;

    private SparkPopulation(JavaSparkContext sc, JavaRDD<DeviceBlock> blocks, Broadcast<TokenRows> corpus,
            Broadcast<List<DeviceBlock>> source, int[] streamLengths, DeviceSetting setting, int vocab, int classes,
            int maxLen) {
        this.sc = sc;
        this.blocks = blocks;
        this.corpus = corpus;
        this.source = source;
        this.streamLengths = streamLengths;
        int m = 0;
        for (int l : streamLengths) {
            m = Math.max(m, l);
        }
        this.longest = m;
        this.setting = setting;
        this.vocab = vocab;
        this.classes = classes;
        this.maxLen = maxLen;
    }

    /**
     * The devices of a partition of {@code rows}: device d's stream is {@code partition.examples(d)}.
     * The rows are broadcast once; the devices are cut into {@code partitions} blocks of consecutive
     * devices (sizes differing by at most one), which are broadcast too and picked by block number on
     * the executors, so a round's tasks carry no examples (with {@code parallelize} every task of
     * every round would carry its block).
     *
     * @param partitions {@code >= 1} (at most the number of devices are used)
     * @throws IllegalArgumentException when an example index is outside the rows, or partitions is below 1
     */
    public static SparkPopulation fromPartition(JavaSparkContext sc, Partition partition, TokenRows rows,
            int partitions) {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(rows, "rows");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        int n = partition.deviceCount();
        int parts = Math.min(partitions, n);
        List<DeviceBlock> list = new ArrayList<>(parts);
        int[] lengths = partition.sizes();
        for (int b = 0; b < parts; b++) {
            int from = (int) ((long) b * n / parts);
            int to = (int) ((long) (b + 1) * n / parts);
            int[] offsets = new int[to - from + 1];
            for (int d = from; d < to; d++) {
                offsets[d - from + 1] = offsets[d - from] + lengths[d];
            }
            int[] examples = new int[offsets[to - from]];
            for (int d = from; d < to; d++) {
                for (int k = 0; k < lengths[d]; k++) {
                    int e = partition.example(d, k);
                    if (e >= rows.size()) {
                        throw new IllegalArgumentException("device " + d + " holds example " + e + ", outside the "
                                + rows.size() + " rows");
                    }
                    examples[offsets[d - from] + k] = e;
                }
            }
            list.add(new DeviceBlock(from, offsets, examples, null));
        }
        Broadcast<List<DeviceBlock>> all = sc.broadcast(list);
        List<Integer> ids = new ArrayList<>(parts);
        for (int b = 0; b < parts; b++) {
            ids.add(b);
        }
        JavaRDD<DeviceBlock> rdd = sc.parallelize(ids, parts).map(b -> all.value().get(b))
                .persist(StorageLevel.MEMORY_ONLY());
        return new SparkPopulation(sc, rdd, sc.broadcast(rows), all, lengths, DeviceSetting.STATIC, rows.vocab(),
                rows.classes(), rows.maxLen());
    }

    /**
     * A simulated population of {@code devices} devices over a shared corpus, generated on the
     * executors ({@link SyntheticDevices#streamOf}); the driver computes only the stream lengths.
     *
     * @param devices {@code >= 1}
     * @param partitions blocks of consecutive devices, {@code >= 1}
     * @throws IllegalArgumentException for a count out of range or an empty corpus
     */
    public static SparkPopulation synthetic(JavaSparkContext sc, TokenRows corpus, int devices, long seed,
            int partitions) {
        if (devices < 1 || partitions < 1) {
            throw new IllegalArgumentException("devices and partitions must be >= 1, got " + devices + " and "
                    + partitions);
        }
        if (corpus.size() < 1) {
            throw new IllegalArgumentException("a synthetic population needs a corpus of at least one row");
        }
        int parts = Math.min(partitions, devices);
        int corpusSize = corpus.size();
        List<Integer> ids = new ArrayList<>(parts);
        for (int b = 0; b < parts; b++) {
            ids.add(b);
        }
        JavaRDD<DeviceBlock> rdd = sc.parallelize(ids, parts)
                .map(b -> SyntheticDevices.block(b, parts, devices, corpusSize, seed))
                .persist(StorageLevel.MEMORY_ONLY());
        int[] lengths = new int[devices];
        for (int d = 0; d < devices; d++) {
            lengths[d] = SyntheticDevices.streamLength(d, seed);
        }
        return new SparkPopulation(sc, rdd, sc.broadcast(corpus), null, lengths, DeviceSetting.STATIC,
                corpus.vocab(), corpus.classes(), corpus.maxLen());
    }

    /**
     * The devices a Dataset names: rows grouped by {@code deviceColumn} on the executors, devices
     * numbered {@code 0, 1, ...} in ascending order of that column, each device's examples in the
     * Dataset's row order (the order its stream arrives in, for the continual setting).
     *
     * @param rows a Dataset with the three columns below (others are ignored)
     * @param deviceColumn the device id (any sortable type, no nulls)
     * @param tokensColumn the token ids, {@code array<int>}, each in {@code [0, vocab)}; cut or padded
     *     with 0 to {@code maxLen}
     * @param labelColumn the label, an integer in {@code [0, classes)}
     * @param partitions the number of blocks, {@code >= 1}
     * @throws IllegalArgumentException for a missing column, or a count out of range
     */
    public static SparkPopulation fromRows(Dataset<Row> rows, String deviceColumn, String tokensColumn,
            String labelColumn, int vocab, int classes, int maxLen, int partitions) {
        for (String c : List.of(deviceColumn, tokensColumn, labelColumn)) {
            if (!List.of(rows.columns()).contains(c)) {
                throw new IllegalArgumentException("the Dataset has no column '" + c + "' (columns: "
                        + String.join(", ", rows.columns()) + ")");
            }
        }
        if (partitions < 1 || maxLen < 1 || vocab < 1 || classes < 1) {
            throw new IllegalArgumentException("partitions, maxLen, vocab and classes must be >= 1");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
        Dataset<Row> grouped = rows.withColumn("__edp_pos", monotonically_increasing_id())
                .groupBy(col(deviceColumn))
                .agg(collect_list(struct(col("__edp_pos"), col(tokensColumn), col(labelColumn))).as("__edp_rows"))
                .repartitionByRange(partitions, col(deviceColumn))
                .sortWithinPartitions(col(deviceColumn));
        JavaRDD<Tuple2<Row, Long>> numbered = grouped.javaRDD().zipWithIndex().rdd().toJavaRDD();
        JavaRDD<DeviceBlock> rdd = numbered.mapPartitions(it -> rowBlock(it, vocab, classes, maxLen))
                .persist(StorageLevel.MEMORY_ONLY());
        List<Tuple2<Integer, int[]>> lengths = rdd.map(b -> new Tuple2<>(b.firstDevice(), lengthsOf(b))).collect();
        int devices = 0;
        for (Tuple2<Integer, int[]> t : lengths) {
            devices = Math.max(devices, t._1() + t._2().length);
        }
        if (devices == 0) {
            throw new IllegalArgumentException("the Dataset has no rows: a population needs at least one device");
        }
        int[] all = new int[devices];
        for (Tuple2<Integer, int[]> t : lengths) {
            System.arraycopy(t._2(), 0, all, t._1(), t._2().length);
        }
        return new SparkPopulation(sc, rdd, null, null, all, DeviceSetting.STATIC, vocab, classes, maxLen);
    }

    /** One block of consecutively numbered device rows (each: device, list of (pos, tokens, label)). */
    private static Iterator<DeviceBlock> rowBlock(Iterator<Tuple2<Row, Long>> it, int vocab, int classes,
            int maxLen) {
        List<int[]> tokens = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        offsets.add(0);
        long first = -1;
        long expected = -1;
        while (it.hasNext()) {
            Tuple2<Row, Long> t = it.next();
            if (first < 0) {
                first = t._2();
                expected = first;
            }
            if (t._2() != expected) {
                throw new IllegalStateException("device rows of a partition are not consecutive: " + t._2()
                        + " after " + (expected - 1));
            }
            expected++;
            List<Row> ex = new ArrayList<>(t._1().getList(1));
            ex.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
            for (Row r : ex) {
                tokens.add(padded(r.getList(1), maxLen, vocab));
                labels.add(label(r, 2, classes));
            }
            offsets.add(labels.size());
        }
        if (first < 0) {
            return Collections.emptyIterator();
        }
        if (first > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than 2^31 - 1 devices");
        }
        int n = labels.size();
        int[] flat = new int[n * maxLen];
        int[] y = new int[n];
        int[] examples = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tokens.get(i), 0, flat, i * maxLen, maxLen);
            y[i] = labels.get(i);
            examples[i] = i;
        }
        int[] off = offsets.stream().mapToInt(Integer::intValue).toArray();
        return List.of(new DeviceBlock((int) first, off, examples, new TokenRows(maxLen, vocab, classes, flat, y)))
                .iterator();
    }

    /** A row of token ids cut or padded with 0 to {@code maxLen}; every id checked against the vocabulary. */
    static int[] padded(List<?> ids, int maxLen, int vocab) {
        int[] row = new int[maxLen];
        for (int t = 0; t < Math.min(maxLen, ids.size()); t++) {
            Object v = ids.get(t);
            if (!(v instanceof Number num)) {
                throw new IllegalArgumentException("token ids must be integers, got " + v);
            }
            int id = num.intValue();
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
            row[t] = id;
        }
        return row;
    }

    /** Field {@code i} of {@code r} as a label in {@code [0, classes)}. */
    static int label(Row r, int i, int classes) {
        Object v = r.get(i);
        if (!(v instanceof Number num) || num.intValue() < 0 || num.intValue() >= classes) {
            throw new IllegalArgumentException("labels must be integers in [0, " + classes + "), got " + v);
        }
        return num.intValue();
    }

    private static int[] lengthsOf(DeviceBlock b) {
        int[] l = new int[b.count()];
        for (int k = 0; k < l.length; k++) {
            l[k] = b.streamLength(k);
        }
        return l;
    }

    /**
     * The same devices in the continual setting: each device's stream arrives over
     * {@code deliveryRounds} rounds and it keeps the newest {@code storage} examples. The blocks and the
     * corpus are shared with this population (close only one of the two).
     */
    public SparkPopulation continual(int storage, int deliveryRounds) {
        return new SparkPopulation(sc, blocks, corpus, source, streamLengths,
                DeviceSetting.continual(storage, deliveryRounds), vocab, classes, maxLen);
    }

    /**
     * The same devices in the same setting for another run: its census starts before round 0 again
     * (a server moves its census one round at a time). The blocks and the corpus are shared.
     */
    public SparkPopulation fromRoundZero() {
        return new SparkPopulation(sc, blocks, corpus, source, streamLengths, setting, vocab, classes, maxLen);
    }

    @Override
    public int deviceCount() {
        return streamLengths.length;
    }

    /** Moves to round {@code round} (nothing moves on the executors: what a device holds is a function of the round). */
    @Override
    public void beginRound(long next) {
        if (next != round + 1) {
            throw new IllegalArgumentException("rounds must come in order: expected round " + (round + 1) + ", got "
                    + next);
        }
        round = next;
    }

    @Override
    public int heldCount(int device) {
        return setting.heldCount(streamLengths[device], Math.max(0, round));
    }

    /** @return the devices' blocks (cached) */
    public JavaRDD<DeviceBlock> blocks() {
        return blocks;
    }

    /** @return the corpus the blocks' examples index, or null when every block holds its own rows */
    Broadcast<TokenRows> corpus() {
        return corpus;
    }

    /** @return static or continual */
    public DeviceSetting setting() {
        return setting;
    }

    /** @return an upper bound on any device's held count in any round */
    public int maxHeld() {
        return setting.maxHeld(longest);
    }

    /** @return a copy of every device's stream length */
    public int[] streamLengths() {
        return streamLengths.clone();
    }

    /** @return the vocabulary size of the token ids */
    public int vocab() {
        return vocab;
    }

    /** @return the number of classes */
    public int classes() {
        return classes;
    }

    /** @return token ids per example */
    public int maxLen() {
        return maxLen;
    }

    /** @return the Spark context the blocks live in */
    public JavaSparkContext sparkContext() {
        return sc;
    }

    /** Unpersists the blocks and destroys the broadcasts (of this population and of its twins). */
    @Override
    public void close() {
        blocks.unpersist(false);
        if (corpus != null) {
            corpus.destroy();
        }
        if (source != null) {
            source.destroy();
        }
    }
}
