package org.edp4j.cli.federated;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.edp4j.cli.EngineOptions;
import org.edp4j.cli.OutputFiles;
import org.edp4j.cli.input.ParquetFiles;
import org.edp4j.data.SpamAssassin;
import org.edp4j.fl.DeviceSelection;
import org.edp4j.spark.SparkEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code edp federated}: federated learning with device-level differential privacy (DP-FedAvg) on the
 * bundled SpamAssassin corpus split over simulated devices; uniform against activity-based device
 * selection, in the static and the continual setting, all at the same epsilon. See
 * {@code docs/federated.md}.
 *
 * <p>Exit codes: 0 success; 1 a run-time failure (one line on standard error); 2 a bad option (one
 * line naming it, before any work, nothing written).
 */
@Command(name = "federated", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Federated learning with device-level DP (DP-FedAvg) on the bundled SpamAssassin corpus split "
                + "over simulated devices: uniform vs activity-based device selection, static and continual, at the "
                + "same epsilon.",
                "Default: 1,000 devices with log-normal sizes, 100 per round, 100 rounds, epsilon 3 at delta 1e-5.",
                "--train FILE [--device-column NAME]: your own labelled texts, over the devices the file names.",
                "--engine spark --master URL: the devices train on Apache Spark (docs/spark.md)."})
public final class FederatedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    /** Default number of simulated devices. */
    static final int DEFAULT_DEVICES = 1000;
    /** Default partition. */
    static final String DEFAULT_PARTITION = "quantity:1";

    @Option(names = "--train", paramLabel = "FILE",
            description = "Your labelled texts (CSV/TSV with a header, or JSON Lines; .gz read transparently; Parquet "
                    + "with --engine spark) instead of the bundled corpus. Token ids by feature hashing into "
                    + "--vocab-size ids (no epsilon spent).")
    Path train;

    @Option(names = "--test", paramLabel = "FILE", description = "Test file for --train (else --test-fraction of it).")
    Path test;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "With --train and no --test: the seeded, stratified fraction held out. Default: 0.2.")
    Double testFraction;

    @Option(names = "--text-column", paramLabel = "NAME", defaultValue = "text",
            description = "Text column (CSV/TSV) or field (JSON Lines) of --train. Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--label-column", paramLabel = "NAME", defaultValue = "label",
            description = "Label column or field of --train. Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--device-column", paramLabel = "NAME",
            description = "The column or field of --train naming the device that holds each example: the devices are "
                    + "the file's (then --devices and --partition do not apply).")
    String deviceColumn;

    @Option(names = "--devices", paramLabel = "N",
            description = "Simulated devices. Default: " + DEFAULT_DEVICES + ".")
    Integer devices;

    @Option(names = "--partition", paramLabel = "SPEC",
            description = "How the training texts are spread: iid, dirichlet:A (label skew, small A = skewed) or "
                    + "quantity:S (device sizes log-normal with sigma S). Default: " + DEFAULT_PARTITION + ".")
    String partition;

    @Option(names = "--selection", paramLabel = "SEL", split = ",", defaultValue = "uniform,activity",
            description = "Device selection, one run each: uniform (every device with K/N) and/or activity "
                    + "(proportional to the examples a device holds, capped). Default: ${DEFAULT-VALUE}.")
    List<String> selection;

    @Option(names = "--setting", paramLabel = "SET", split = ",", defaultValue = "static,continual",
            description = "static (devices hold their data from the start) and/or continual (each round devices "
                    + "receive new examples and keep the newest --storage). Default: ${DEFAULT-VALUE}.")
    List<String> setting;

    @Option(names = "--clients-per-round", paramLabel = "K", defaultValue = "100",
            description = "Expected devices per round (Poisson selection). Default: ${DEFAULT-VALUE}.")
    int clientsPerRound;

    @Option(names = "--activity-cap", paramLabel = "X", defaultValue = "1.5",
            description = "Activity selection's largest inclusion probability as a multiple of K/N; the accountant "
                    + "records it every round, so a larger cap costs more noise. Default: ${DEFAULT-VALUE}.")
    double activityCap;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "100", description = "Rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--local-epochs", paramLabel = "E", defaultValue = "2",
            description = "Local epochs of SGD on a selected device. Default: ${DEFAULT-VALUE}.")
    int localEpochs;

    @Option(names = "--local-batch-size", paramLabel = "B", defaultValue = "4",
            description = "Local batch size. Default: ${DEFAULT-VALUE}.")
    int localBatchSize;

    @Option(names = "--local-lr", paramLabel = "LR", defaultValue = "1.0",
            description = "Local learning rate (plain SGD). Default: ${DEFAULT-VALUE}.")
    double localLr;

    @Option(names = "--storage", paramLabel = "K", defaultValue = "8",
            description = "Continual setting: the most examples a device keeps (the oldest is deleted). "
                    + "Default: ${DEFAULT-VALUE}.")
    int storage;

    @Option(names = "--server-optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "adam (FedAdam) or sgd (FedAvg with a server learning rate). Default: ${DEFAULT-VALUE}.")
    String serverOptimizer;

    @Option(names = "--server-lr", paramLabel = "LR",
            description = "Server learning rate. Default: 0.1 for adam, 1.0 for sgd.")
    Double serverLr;

    @Option(names = "--clip", paramLabel = "C", defaultValue = "1.0",
            description = "Clip bound of a device's update (initial bound for adaptive). Default: ${DEFAULT-VALUE}.")
    double clip;

    @Option(names = "--clipping", paramLabel = "MODE", defaultValue = "flat",
            description = "flat | per-layer | automatic | adaptive. Default: ${DEFAULT-VALUE}.")
    String clipping;

    @Option(names = "--target-epsilon", paramLabel = "EPS", defaultValue = "3",
            description = "Every private run is calibrated to (EPS, delta) at the device level (RDP). "
                    + "Default: ${DEFAULT-VALUE}.")
    double targetEpsilon;

    @Option(names = "--delta", paramLabel = "DELTA", defaultValue = "1e-5",
            description = "delta, in (0, 1). Default: ${DEFAULT-VALUE}.")
    double delta;

    @Option(names = "--vocab-size", paramLabel = "V", defaultValue = "4000",
            description = "Vocabulary size (from the training split). Default: ${DEFAULT-VALUE}.")
    int vocabSize;

    @Option(names = "--max-len", paramLabel = "T", defaultValue = "128",
            description = "Tokens kept per email. Default: ${DEFAULT-VALUE}.")
    int maxLen;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "16",
            description = "Embedding width of the bag model. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "16",
            description = "Hidden width of the bag model's head. Default: ${DEFAULT-VALUE}.")
    int hidden;

    @Option(names = "--threads", paramLabel = "T",
            description = "Device threads of --engine local (the result does not depend on it). Default: the number "
                    + "of processors.")
    Integer threads;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Seed of the partition, the model initialization and the local shuffles. The noise and "
                    + "the selection coins use secret random keys unless --insecure-seed-noise. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--insecure-seed-noise",
            description = "NOT PRIVATE: derive the noise and selection keys from --seed (reproducible runs, tests).")
    boolean insecureSeedNoise;

    @Option(names = "--max-train", paramLabel = "N",
            description = "Bundled corpus: use a seeded subsample of at most N training emails. Default: all (4717).")
    Integer maxTrain;

    @Option(names = "--eval-every", paramLabel = "R", defaultValue = "1",
            description = "Test accuracy every R rounds (and after the last). Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--compare-nondp", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run federated averaging without clipping or noise, once per selection in the first "
                    + "setting, for reference (default: on; --no-compare-nondp to skip).")
    boolean compareNonDp;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as one JSON object.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw test accuracy per round to a PNG.")
    Path plot;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Progress bar per run on a terminal, a few lines per run otherwise (default: on).")
    boolean progress;

    @Override
    public Integer call() {
        FederatedConfig config = config();
        // Everything that can be refused is refused here, before the texts are loaded.
        if (plot != null && !plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw usage("--plot must name a .png file, got " + plot);
        }
        try {
            engine.check();
            if (engine.isSpark() && threads != null) {
                throw new IllegalArgumentException("--threads applies to --engine local; on Spark the devices run on "
                        + "the master's cores (local[N] or the cluster's executors)");
            }
            if (json != null) {
                OutputFiles.checkFile("--json", json);
            }
            if (plot != null) {
                OutputFiles.checkFile("--plot", plot);
            }
            if (!config.input().byDevice()) {
                checkCalibration(config);
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        SparkEngine spark = null;
        try {
            spark = engine.isSpark() ? engine.start("federated") : null;
            try (AutoCloseable parquet = spark == null ? null : ParquetFiles.install(spark::readParquet)) {
                return run(config, spark, out, err, t0);
            }
        } catch (ParameterException | IllegalArgumentException e) {
            // Bad options and bad files: exit code 2 (Edp's handler).
            throw e;
        } catch (Exception e) {
            return fail(e.getMessage());
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    /** Reads the data and runs every setting and selection on the chosen engine. */
    private int run(FederatedConfig config, SparkEngine spark, PrintWriter out, PrintWriter err, long t0) {
        // A bad file is bad input too: its FILE:LINE message exits 2 (Edp's handler), before any training.
        FederatedRun.Data data = FederatedRun.prepare(config);
        if (config.input().byDevice()) {
            try {
                config = config.withDevices(data.partition().deviceCount());
                checkCalibration(config);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage() + " (" + data.partition().deviceCount() + " devices in " + train + ")");
            }
        }
        try {
            err.printf(Locale.ROOT, "edp federated: %d train / %d test texts from %s over %d devices (%s), %d per "
                            + "round, %d rounds, %s%s%n", data.train().size(), data.test().size(),
                    data.source(), config.devices(), config.partitionDescription(), config.clientsPerRound(),
                    config.rounds(), spark == null ? config.threads() + " device threads"
                            : "engine " + engine.describe(spark),
                    config.insecureSeedNoise() ? ", NOISE SEEDED FROM --seed (NOT PRIVATE)" : "");
            err.flush();
            FederatedRun.Engine devices = spark == null ? FederatedRun.LOCAL : FederatedRun.spark(spark, config, data);
            List<FederatedRun.Result> results = new ArrayList<>();
            for (String set : config.settings()) {
                for (String sel : config.selections()) {
                    results.add(FederatedRun.run(config, data, set, sel, true, new Reporter(err, config), devices));
                }
            }
            if (config.compareNonDp()) {
                for (String sel : config.selections()) {
                    results.add(FederatedRun.run(config, data, config.settings().get(0), sel, false,
                            new Reporter(err, config), devices));
                }
            }
            FederatedReport report = new FederatedReport(config, results, (System.nanoTime() - t0) / 1e9,
                    spark == null ? config.threads() + " device threads" : "engine " + engine.describe(spark));
            out.print(report.table());
            out.flush();
            if (json != null) {
                OutputFiles.write("--json", json, report.json().getBytes(StandardCharsets.UTF_8));
            }
            if (plot != null) {
                RoundsPlot.write(plot, config, results);
            }
            return 0;
        } catch (IOException e) {
            return fail(e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return fail(e.getMessage());
        }
    }

    /** The noise each selection needs for the target (too small a target is refused), and the adaptive split. */
    private static void checkCalibration(FederatedConfig config) {
        for (String sel : config.selections()) {
            DeviceSelection s = FederatedRun.selection(config, sel);
            double sigma = FederatedRun.sigma(config, s);
            FederatedRun.clipping(config).gradientNoiseMultiplier(sigma, s.expectedParticipants());
        }
    }

    private FederatedConfig config() {
        try {
            boolean byDevice = deviceColumn != null;
            if (byDevice && (devices != null || partition != null)) {
                throw new IllegalArgumentException("--devices and --partition do not apply with --device-column: the "
                        + "devices are the ones the file names");
            }
            if (train != null && maxTrain != null) {
                throw new IllegalArgumentException("--max-train applies to the bundled corpus; with --train all rows "
                        + "are used");
            }
            if (test != null && testFraction != null) {
                throw new IllegalArgumentException("give --test or --test-fraction, not both");
            }
            if (train == null && testFraction != null) {
                throw new IllegalArgumentException("--test-fraction needs --train (the bundled corpus has its own "
                        + "test split)");
            }
            FederatedInput input = new FederatedInput(train == null ? "" : train.toString(),
                    test == null ? "" : test.toString(),
                    testFraction != null ? testFraction : FederatedInput.BUNDLED.testFraction(), textColumn,
                    labelColumn, byDevice ? deviceColumn : "");
            PartitionSpec part = PartitionSpec.parse(partition != null ? partition : DEFAULT_PARTITION);
            String opt = serverOptimizer == null ? "" : serverOptimizer.trim().toLowerCase(Locale.ROOT);
            double lr = serverLr != null ? serverLr : "sgd".equals(opt) ? 1.0 : 0.1;
            // With a device column the number of devices is the file's; until it is read, the largest allowed.
            int n = byDevice ? FederatedConfig.MAX_DEVICES : devices != null ? devices : DEFAULT_DEVICES;
            return new FederatedConfig(input, n, part, trimmed(selection), trimmed(setting), clientsPerRound,
                    activityCap, rounds, localEpochs, localBatchSize, localLr, storage, opt, lr, clip, clipping,
                    targetEpsilon, delta, vocabSize, maxLen, dim, hidden,
                    threads != null ? threads : Runtime.getRuntime().availableProcessors(), seed, insecureSeedNoise,
                    maxTrain != null ? maxTrain : SpamAssassin.TRAIN_SIZE, evalEvery, compareNonDp);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static List<String> trimmed(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(v == null ? "" : v.trim().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("edp federated: " + message);
        spec.commandLine().getErr().flush();
        return 1;
    }

    /**
     * A progress bar per run on a terminal (rounds/s, test accuracy, epsilon so far), else a line at
     * every tenth of the run. Only test accuracy and epsilon: nothing about the devices' data.
     */
    private final class Reporter implements FederatedRun.Listener {
        private final PrintWriter err;
        private final FederatedConfig c;
        private final boolean bar = progress && System.console() != null;
        private ProgressBar pb;
        private String label;
        private double lastAccuracy = Double.NaN;

        Reporter(PrintWriter err, FederatedConfig c) {
            this.err = err;
            this.c = c;
        }

        @Override
        public void start(String label, int rounds, double sigma) {
            this.label = label;
            err.printf(Locale.ROOT, "%s: %s%n", label, sigma > 0
                    ? String.format(Locale.ROOT, "noise multiplier %.4f for epsilon %.3g at delta %.0e", sigma,
                            c.targetEpsilon(), c.delta())
                    : "no clipping, no noise");
            err.flush();
            if (bar) {
                pb = new ProgressBarBuilder().setTaskName(label).setInitialMax(rounds).setStyle(ProgressBarStyle.ASCII)
                        .setUnit(" rounds", 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS).setUpdateIntervalMillis(250)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
            }
        }

        @Override
        public void round(int round, double accuracy, double epsilon) {
            if (!Double.isNaN(accuracy)) {
                lastAccuracy = accuracy;
            }
            String eps = Double.isInfinite(epsilon) ? "" : String.format(Locale.ROOT, ", epsilon %.3f", epsilon);
            if (pb != null) {
                pb.step();
                pb.setExtraMessage(String.format(Locale.ROOT, " test acc %.2f%%%s", 100 * lastAccuracy, eps));
            } else if (round == c.rounds() || round % Math.max(1, c.rounds() / 10) == 0) {
                err.printf(Locale.ROOT, "%s: round %d/%d, test accuracy %.2f%%%s%n", label, round, c.rounds(),
                        100 * lastAccuracy, eps);
                err.flush();
            }
        }

        @Override
        public void end(FederatedRun.Result result) {
            if (pb != null) {
                pb.close();
                pb = null;
            }
        }
    }
}
