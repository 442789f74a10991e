package org.edp4j.spark;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session of the test JVM ({@code local[2]}: two executor threads, as on the CI
 * machine's two cores), started on first use and stopped when the JVM exits; and small random data.
 */
final class SparkTests {
    private static SparkSession session;

    private SparkTests() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("edp4j-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    static JavaSparkContext sc() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }

    /**
     * {@code n} random texts of {@code maxLen} ids below {@code vocab} (lengths 0 to maxLen, id 0 is
     * padding), labels below {@code classes}, the label leaking into the first token so a model can learn.
     */
    static TokenRows randomRows(int n, int vocab, int classes, int maxLen, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] tokens = new int[n * maxLen];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(classes);
            int len = rng.nextInt(maxLen + 1);
            for (int t = 0; t < len; t++) {
                tokens[i * maxLen + t] = t == 0 ? 1 + labels[i] : 1 + rng.nextInt(vocab - 1);
            }
        }
        return new TokenRows(maxLen, vocab, classes, tokens, labels);
    }
}
