package org.edp4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.Partition;
import org.edp4j.fl.RoundExecutor;

/**
 * edp4j's Spark jobs behind an API without Spark types, for callers that must load without Spark on
 * the class path until they use it (the {@code edp} command: its {@code --engine spark}). A session
 * is started (or joined, under {@code spark-submit}) once; populations and datasets are distributed
 * from the driver's data.
 *
 * <pre>{@code
 * try (SparkEngine spark = SparkEngine.start("local[2]", "edp", 0)) {
 *     SparkEngine.Federation fed = spark.federation(partition, rows);
 *     try (RoundExecutor exec = fed.executor(DeviceSetting.STATIC, model, local)) { ... }
 * }
 * }</pre>
 */
public final class SparkEngine implements AutoCloseable {
    /** A class every Spark installation has: its presence says whether Spark is on the class path. */
    static final String PROBE = "org.apache.spark.sql.SparkSession";

    private final SparkSession session;
    private final boolean joined;
    private final JavaSparkContext sc;
    private final int partitions;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private SparkEngine(SparkSession session, boolean joined, int partitions) {
        this.session = session;
        this.joined = joined;
        this.sc = JavaSparkContext.fromSparkContext(session.sparkContext());
        this.partitions = partitions > 0 ? partitions : Math.max(2, 2 * sc.defaultParallelism());
    }

    /** @return whether Spark's classes can be loaded (else {@link #start} fails with NoClassDefFoundError) */
    public static boolean available() {
        try {
            Class.forName(PROBE, false, SparkEngine.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Starts a Spark session with the configuration {@code spark-submit} gave, or joins the session
     * already running in this JVM (whose master then stays).
     *
     * @param master the master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}, ...), or null
     *     for the one the Spark configuration gives ({@code spark-submit --master})
     * @param appName the application's name in Spark's UI
     * @param partitions the blocks a population or dataset is cut into; 0: twice the default parallelism
     * @throws IllegalArgumentException when no master is given and none is configured, or partitions is negative
     */
    public static SparkEngine start(String master, String appName, int partitions) {
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be >= 0 (0: twice Spark's default parallelism), got "
                    + partitions);
        }
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            throw new IllegalArgumentException("no Spark master: give --master URL, or run under spark-submit --master");
        }
        if (master != null && master.startsWith("local")) {
            // A local run serves nothing to other machines: no UI, no listening on public interfaces.
            b.config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1");
        }
        boolean running = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        return new SparkEngine(b.getOrCreate(), running, partitions);
    }

    /** @return the master URL the session runs on */
    public String master() {
        return sc.master();
    }

    /** @return the blocks a population or dataset is cut into */
    public int partitions() {
        return partitions;
    }

    /** @return Spark's default parallelism (the cores of {@code local[N]} or of the cluster's executors) */
    public int parallelism() {
        return sc.defaultParallelism();
    }

    /**
     * The devices of a partition of {@code rows}, distributed once ({@link SparkPopulation#fromPartition});
     * closed with the engine.
     */
    public Federation federation(Partition partition, TokenRows rows) {
        SparkPopulation p = SparkPopulation.fromPartition(sc, partition, rows, partitions);
        owned.add(p);
        return new Federation(p);
    }

    /** A distributed population that makes one executor per run. */
    public static final class Federation {
        private final SparkPopulation population;

        private Federation(SparkPopulation population) {
            this.population = population;
        }

        /**
         * @param setting static, or continual with the storage and delivery rounds of the local run
         * @return a round executor over this population in that setting; the server's census must give
         *     the same counts (e.g. the local {@code StaticPopulation} or {@code ContinualPopulation} of the
         *     same partition)
         */
        public RoundExecutor executor(DeviceSetting setting, ModelFactory model, LocalTraining local) {
            SparkPopulation p = setting.continual()
                    ? population.continual(setting.storage(), setting.deliveryRounds()) : population;
            return new SparkRoundExecutor(p, model, local, 2);
        }

        /** @return the number of devices */
        public int deviceCount() {
            return population.deviceCount();
        }
    }

    /**
     * Data-parallel DP-SGD steps of {@code optimizer} over {@code rows}, distributed for this run
     * ({@link SparkTrainingLoop}); close it to unpersist the rows.
     *
     * @param samplingCoins the Poisson coins' generator (its key travels to the executors)
     * @param capacity the physical batch of a task
     */
    public Steps steps(PrivateOptimizer optimizer, TokenRows rows, GaussianNoise samplingCoins, ModelFactory model,
            int capacity) {
        SparkExamples examples = SparkExamples.fromRows(sc, rows, partitions);
        try {
            return new Steps(new SparkTrainingLoop(optimizer, examples, samplingCoins, model, capacity, 2), examples);
        } catch (RuntimeException e) {
            examples.close();
            throw e;
        }
    }

    /** A run's steps on Spark. */
    public static final class Steps implements AutoCloseable {
        private final SparkTrainingLoop loop;
        private final SparkExamples examples;

        private Steps(SparkTrainingLoop loop, SparkExamples examples) {
            this.loop = loop;
            this.examples = examples;
        }

        /** @return the loop (its {@link SparkTrainingLoop#step()} is a step) */
        public SparkTrainingLoop loop() {
            return loop;
        }

        @Override
        public void close() {
            loop.close();
            examples.close();
        }
    }

    /**
     * Reads a labelled Parquet file on the driver: every row's text, label and (when asked) group, in
     * file order; labels and groups of any type as their string form.
     *
     * @param groupColumn a third column to read, or null
     * @return one {@code {text, label, group}} array per row ({@code group} null without a group column)
     * @throws IllegalArgumentException for a missing column or a null value (naming the 1-based row)
     */
    public List<String[]> readParquet(Path file, String textColumn, String labelColumn, String groupColumn) {
        Dataset<Row> d = session.read().parquet(file.toString());
        List<String> cols = new ArrayList<>(List.of(textColumn, labelColumn));
        if (groupColumn != null) {
            cols.add(groupColumn);
        }
        for (String c : cols) {
            if (!List.of(d.columns()).contains(c)) {
                throw new IllegalArgumentException("no column '" + c + "'; the file has " + String.join(", ", d.columns()));
            }
        }
        List<Row> rows = d.select(cols.stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
        List<String[]> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String[] v = new String[3];
            for (int k = 0; k < cols.size(); k++) {
                Object x = r.get(k);
                if (x == null) {
                    throw new IllegalArgumentException("row " + (i + 1) + ": column '" + cols.get(k) + "' is null");
                }
                v[k] = String.valueOf(x);
            }
            out.add(v);
        }
        return out;
    }

    /** Releases what the engine distributed; the session stays for whoever else uses it in this JVM. */
    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Unpersisting cached blocks cannot fail in a way the caller could act on.
            }
        }
        owned.clear();
    }

    /** Releases what the engine distributed and stops the session, unless it joined one that was running. */
    public void stop() {
        close();
        if (!joined) {
            session.stop();
        }
    }

    @Override
    public String toString() {
        return "Spark " + session.version() + " on " + master() + ", " + partitions + " partitions";
    }
}
