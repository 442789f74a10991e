package org.edp4j.cli;

import java.util.Locale;
import org.edp4j.spark.SparkEngine;
import picocli.CommandLine.Option;

/**
 * Where a command's rounds or steps run: {@code --engine local} (this JVM's threads) or
 * {@code --engine spark} with {@code --master URL} (or the master {@code spark-submit} configured) and
 * {@code --partitions P}. A picocli mixin of {@code edp federated} and {@code edp train}.
 */
public final class EngineOptions {

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "local",
            description = "local (this JVM) or spark (Apache Spark; needs Spark on the class path: scripts/edp-spark "
                    + "or spark-submit, docs/spark.md). The results are the same up to float rounding. "
                    + "Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "--engine spark: the Spark master, e.g. local[2] or spark://host:7077. Default: spark-submit's.")
    String master;

    @Option(names = "--partitions", paramLabel = "P",
            description = "--engine spark: blocks the devices or examples are cut into. Default: twice Spark's "
                    + "parallelism.")
    Integer partitions;

    /** @return whether the rounds or steps run on Spark */
    public boolean isSpark() {
        return "spark".equals(engine);
    }

    /**
     * Checks the options alone (no Spark started): the engine's name, the Spark-only options, the
     * master, and Spark on the class path.
     *
     * @throws IllegalArgumentException naming the option and what was expected
     */
    public void check() {
        if (!"local".equals(engine) && !"spark".equals(engine)) {
            throw new IllegalArgumentException("--engine must be local or spark, got '" + engine + "'");
        }
        if (!isSpark()) {
            if (master != null) {
                throw new IllegalArgumentException("--master applies to --engine spark");
            }
            if (partitions != null) {
                throw new IllegalArgumentException("--partitions applies to --engine spark");
            }
            return;
        }
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }
        if (master != null && master.isBlank()) {
            throw new IllegalArgumentException("--master must name a Spark master URL, e.g. local[2]");
        }
        if (master == null && System.getProperty("spark.master") == null) {
            throw new IllegalArgumentException("--engine spark needs --master URL (e.g. local[2]), or spark-submit "
                    + "--master");
        }
        if (!SparkEngine.available()) {
            throw new IllegalArgumentException("--engine spark needs Apache Spark on the class path: run "
                    + "scripts/edp-spark instead of java -jar edp.jar, or submit edp.jar with spark-submit "
                    + "(docs/spark.md)");
        }
    }

    /** The command's logging configuration for Spark, used when the user gave none. */
    static final String LOG_CONFIG = "org/edp4j/cli/spark-log4j2.properties";

    /**
     * Starts (or joins) the Spark session; call after {@link #check()}. Unless the user configured
     * Spark's logging ({@code -Dlog4j2.configurationFile}), only its warnings and errors are shown.
     */
    public SparkEngine start(String command) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        return SparkEngine.start(master, "edp " + command, partitions == null ? 0 : partitions);
    }

    /** @return "local" or "spark (MASTER)", for a command's header line */
    public String describe(SparkEngine spark) {
        return spark == null ? "local" : String.format(Locale.ROOT, "spark (%s, %d partitions)", spark.master(),
                spark.partitions());
    }
}
