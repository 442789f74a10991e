package org.edp4j.cli.train;

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
import org.edp4j.cli.BackendOption;
import org.edp4j.cli.OutputFiles;
import org.edp4j.cli.train.Checkpoint.CheckpointException;
import org.edp4j.data.SpamAssassin;
import org.edp4j.dp.StepReport;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.tensor.Backend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code edp train}: private text classification (spam or ham) on the bundled SpamAssassin corpus,
 * with a non-private comparison, a results table, JSON, an accuracy-against-epsilon plot and
 * resumable checkpoints. See {@code docs/train.md}.
 *
 * <p>Exit codes: 0 success; 1 a run-time failure (e.g. a corrupt or mismatched checkpoint, an
 * unwritable file), with one line on standard error; 2 a bad option, with one line on standard error.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Differentially private spam classification on the bundled SpamAssassin corpus "
                + "(4,717 train / 1,180 test emails), with a non-private comparison.",
                "Default: bag-of-embeddings model, DP-Adam, epsilon 3 at delta 1e-5 (RDP), secure noise."})
public final class TrainCommand implements Callable<Integer> {

    /** Default target epsilon when neither --target-epsilon nor --noise-multiplier is given. */
    public static final double DEFAULT_EPSILON = 3.0;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "bag",
            description = "Model: bag (embedding + masked mean-pool + MLP) or encoder (transformer: token + position "
                    + "embeddings, pre-LayerNorm attention/GELU blocks, mean-pool, Linear). Options marked (per model) "
                    + "default to the model's values. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--target-epsilon", paramLabel = "EPS",
            description = "Calibrate the noise so the whole run is (EPS, delta)-DP by the RDP accountant. "
                    + "Default: 3 unless --noise-multiplier is given.")
    Double targetEpsilon;

    @Option(names = "--noise-multiplier", paramLabel = "SIGMA",
            description = "Use this noise multiplier (first epoch's, with a schedule) instead of a target epsilon.")
    Double noiseMultiplier;

    @Option(names = "--delta", paramLabel = "DELTA", defaultValue = "1e-5",
            description = "delta, in (0, 1). Default: ${DEFAULT-VALUE}.")
    double delta;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs (round(n / batch) Poisson steps each). Default (per model): 30.")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Expected Poisson batch size q*n, in [1, n]. Default (per model): 1024.")
    Integer batchSize;

    @Option(names = "--clip", paramLabel = "C",
            description = "Clip bound C (initial bound for adaptive). Default (per model): 0.1 bag, 1.0 encoder.")
    Double clip;

    @Option(names = "--clipping", paramLabel = "MODE", defaultValue = "flat",
            description = "flat | per-layer | automatic | adaptive. Default: ${DEFAULT-VALUE}.")
    String clipping;

    @Option(names = "--noise-schedule", paramLabel = "SPEC", defaultValue = "constant",
            description = "constant, or decay:R (sigma of epoch e = sigma_0 * R^e, R in (0, 1]); every step "
                    + "is accounted with its sigma, and a target epsilon calibrates sigma_0 over the whole "
                    + "schedule. Default: ${DEFAULT-VALUE}.")
    String noiseSchedule;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "auto | cpu | cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Seed of the model initialization and of --max-train's subsample. The noise and the "
                    + "Poisson sampling use a secret random key unless --insecure-seed-noise. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--insecure-seed-noise",
            description = "NOT PRIVATE: derive the noise and sampling key from --seed (reproducible runs, tests). "
                    + "Anyone who knows the seed can remove the noise.")
    boolean insecureSeedNoise;

    @Option(names = "--compare-nondp", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also train the same model without privacy and compare (default: on; "
                    + "--no-compare-nondp to skip).")
    boolean compareNonDp;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as one JSON object.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Draw test accuracy against epsilon (and the non-private line) to a PNG.")
    Path plot;

    @Option(names = "--sweep-epsilon", paramLabel = "EPS,...", split = ",",
            description = "Train once per target epsilon (e.g. 0.5,1,2,4,8); the table, JSON and plot show each.")
    List<Double> sweepEpsilon;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Save the run after every epoch to DIR/checkpoint.edp (atomically, owner-only) and resume "
                    + "from it. It holds the SECRET noise key: keep it as private as the training data.")
    Path checkpoint;

    @Option(names = "--max-train", paramLabel = "N", defaultValue = "4717",
            description = "Train on a seeded subsample of at most N emails (quick runs, CI). Default: all (${DEFAULT-VALUE}).")
    int maxTrain;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "adam | sgd (momentum 0.9). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR",
            description = "Learning rate. Default (per model): 0.1 bag, 0.006 encoder.")
    Double lr;

    @Option(names = "--vocab-size", paramLabel = "V", defaultValue = "8000",
            description = "Vocabulary size (from the training split only). Default: ${DEFAULT-VALUE}.")
    int vocabSize;

    @Option(names = "--max-len", paramLabel = "T",
            description = "Tokens kept per email (the encoder's position embeddings cover T). "
                    + "Default (per model): 256 bag, 128 encoder.")
    Integer maxLen;

    @Option(names = "--dim", paramLabel = "D",
            description = "Embedding width; the encoder's model width (a multiple of --heads). "
                    + "Default (per model): 32.")
    Integer dim;

    @Option(names = "--hidden", paramLabel = "H",
            description = "Hidden width of the bag's MLP head, or of the encoder's feed-forward layers. "
                    + "Default (per model): 16 bag, 64 encoder.")
    Integer hidden;

    @Option(names = "--layers", paramLabel = "L",
            description = "Encoder blocks (encoder only). Default: 1.")
    Integer layers;

    @Option(names = "--heads", paramLabel = "H",
            description = "Attention heads per encoder block (encoder only). Default: 2.")
    Integer heads;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Progress bar per epoch on a terminal, one line per epoch otherwise (default: on).")
    boolean progress;

    @Override
    public Integer call() {
        TrainConfig config = config();
        if (sweepEpsilon != null && checkpoint != null) {
            throw usage("--sweep-epsilon cannot be combined with --checkpoint (one checkpoint holds one run)");
        }
        if (sweepEpsilon != null && noiseMultiplier != null) {
            throw usage("--sweep-epsilon sets the target epsilon of each run; drop --noise-multiplier");
        }
        List<TrainConfig> runs = new ArrayList<>();
        if (sweepEpsilon != null) {
            for (Double e : sweepEpsilon) {
                if (e == null || !(e > 0) || e.isInfinite()) {
                    throw usage("--sweep-epsilon values must be > 0 and finite, got " + e);
                }
                runs.add(config.withTargetEpsilon(e));
            }
        } else {
            runs.add(config);
        }
        for (TrainConfig rc : runs) {
            calibratesOrFails(rc);
        }
        checkOutputs();
        Backend be;
        try {
            be = BackendOption.resolve(backend);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        } catch (IllegalStateException e) {
            return fail(e.getMessage());
        }

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        try {
            err.printf(Locale.ROOT, "edp train: %s model, %d train / %d test emails, backend %s%s%n", config.model(),
                    config.trainSize(), SpamAssassin.TEST_SIZE, be.name(),
                    config.insecureSeedNoise() ? ", NOISE SEEDED FROM --seed (NOT PRIVATE)" : "");
            // The runs take turns of one epoch, so their step times are measured side by side.
            List<Lockstep.Task<TextTrainingRun.Result>> tasks = new ArrayList<>();
            for (TrainConfig rc : runs) {
                String label = runs.size() == 1 ? "DP" : String.format(Locale.ROOT, "DP eps %s", rc.targetEpsilon());
                tasks.add(turn -> TextTrainingRun.trainPrivate(rc, be, checkpoint,
                        Lockstep.listener(turn, new Reporter(err, rc, label))));
            }
            if (compareNonDp) {
                tasks.add(turn -> TextTrainingRun.trainNonPrivate(config, TextTrainingRun.prepare(config, null), be,
                        Lockstep.listener(turn, new Reporter(err, config, "non-DP"))));
            }
            List<TextTrainingRun.Result> all = Lockstep.run(tasks);
            List<TextTrainingRun.Result> results = all.subList(0, runs.size());
            TextTrainingRun.Result plain = compareNonDp ? all.get(runs.size()) : null;
            double seconds = (System.nanoTime() - t0) / 1e9;
            Report report = new Report(runs, results, plain, seconds, be.name());
            out.print(report.table());
            out.flush();
            if (json != null) {
                OutputFiles.write("--json", json, report.json().getBytes(StandardCharsets.UTF_8));
            }
            if (plot != null) {
                OutputFiles.write("--plot", plot, AccuracyPlot.png(results, plain));
            }
            return 0;
        } catch (CheckpointException | IllegalArgumentException | IllegalStateException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail(e.getMessage());
        }
    }

    /** The output paths, before any work: exit code 2 with the reason when one cannot be written. */
    private void checkOutputs() {
        try {
            if (json != null) {
                OutputFiles.checkFile("--json", json);
            }
            if (plot != null) {
                if (!plot.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                    throw new IllegalArgumentException("--plot must name a .png file, got " + plot);
                }
                OutputFiles.checkFile("--plot", plot);
            }
            if (checkpoint != null) {
                OutputFiles.checkDirectory("--checkpoint", checkpoint);
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** A target epsilon the schedule cannot meet is a bad option: say why before any work. */
    private void calibratesOrFails(TrainConfig rc) {
        if (!Double.isNaN(rc.targetEpsilon())) {
            try {
                TextTrainingRun.sigma0(rc);
            } catch (IllegalArgumentException e) {
                throw usage("--target-epsilon " + rc.targetEpsilon() + " with --noise-schedule " + rc.noiseSchedule()
                        + ": " + e.getMessage());
            }
        }
    }

    private TrainConfig config() {
        if (targetEpsilon != null && noiseMultiplier != null) {
            throw usage("give --target-epsilon or --noise-multiplier, not both");
        }
        // NaN is TrainConfig's "not given": a NaN typed on the command line must be refused here.
        if (targetEpsilon != null && !(targetEpsilon > 0 && targetEpsilon < Double.POSITIVE_INFINITY)) {
            throw usage("--target-epsilon must be > 0 and finite, got " + targetEpsilon);
        }
        if (noiseMultiplier != null && !(noiseMultiplier > 0 && noiseMultiplier < Double.POSITIVE_INFINITY)) {
            throw usage("--noise-multiplier must be > 0 and finite, got " + noiseMultiplier);
        }
        double eps = noiseMultiplier != null ? Double.NaN : targetEpsilon != null ? targetEpsilon : DEFAULT_EPSILON;
        double sigma = noiseMultiplier != null ? noiseMultiplier : Double.NaN;
        try {
            ModelDefaults d = ModelDefaults.of(model);
            int n = Math.min(maxTrain, SpamAssassin.TRAIN_SIZE);
            if (batchSize == null && maxTrain >= 2 && d.batchSize() > n) {
                throw usage("--max-train " + maxTrain + " is smaller than the default --batch-size " + d.batchSize()
                        + ": give --batch-size B with B <= " + n);
            }
            return new TrainConfig(model, vocabSize, or(maxLen, d.maxLen()), or(dim, d.dim()), or(hidden, d.hidden()),
                    or(epochs, d.epochs()), or(batchSize, d.batchSize()), or(clip, d.clip()), clipping, eps, sigma,
                    delta, noiseSchedule, optimizer, or(lr, d.lr()), seed, insecureSeedNoise, maxTrain,
                    or(layers, d.layers()), or(heads, d.heads()));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("edp train: " + message);
        spec.commandLine().getErr().flush();
        return 1;
    }

    /**
     * Progress bar per epoch on a terminal (steps/s; epsilon so far for a private run, training loss
     * for the non-private one), else a line per epoch.
     */
    private final class Reporter implements TextTrainingRun.Listener {
        private final PrintWriter err;
        private final TrainConfig c;
        private final String label;
        private final boolean bar = progress && System.console() != null;
        private ProgressBar pb;
        private double lossSum;
        private long examples;
        private long epochStart;
        private long lastStep;

        Reporter(PrintWriter err, TrainConfig c, String label) {
            this.err = err;
            this.c = c;
            this.label = label;
        }

        @Override
        public void start(boolean isPrivate, Sequential model, double sigma0, int resumedEpochs) {
            if (isPrivate) {
                err.printf(Locale.ROOT, "%s: %,d parameters, batch %d of %d (q = %.4f), %d epochs x %d steps, "
                                + "sigma_0 = %.4f (%s), clip %s %.3g%s%n", label, model.parameterCount(), c.batchSize(),
                        c.trainSize(), c.sampleRate(), c.epochs(), c.stepsPerEpoch(), sigma0,
                        Double.isNaN(c.targetEpsilon()) ? "given"
                                : String.format(Locale.ROOT, "for epsilon %.3g at delta %.1e", c.targetEpsilon(),
                                        c.delta()), c.clipping(), c.clip(),
                        resumedEpochs > 0 ? ", resumed after epoch " + resumedEpochs : "");
            } else {
                err.printf(Locale.ROOT, "%s: same model, batches and epochs, no clipping or noise%n", label);
            }
            err.flush();
        }

        @Override
        public void epochStart(int epoch, int steps, double sigma) {
            lossSum = 0;
            examples = 0;
            epochStart = System.nanoTime();
            if (bar) {
                pb = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "%s %d/%d", label, epoch + 1,
                                c.epochs()))
                        .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).showSpeed()
                        .setSpeedUnit(ChronoUnit.SECONDS).setUpdateIntervalMillis(250)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
            }
        }

        @Override
        public void step(StepReport r, PrivacyAccountant acc) {
            lastStep = System.nanoTime();
            if (pb == null) {
                return;
            }
            pb.step();
            if (acc != null) {
                // A private run shows epsilon so far, never its training loss (not covered by epsilon).
                pb.setExtraMessage(String.format(Locale.ROOT, " eps %.2f", acc.getEpsilon(c.delta())));
            } else {
                lossSum += r.loss();
                examples += r.examples();
                pb.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", lossSum / Math.max(1, examples)));
            }
        }

        @Override
        public void epochEnd(int epoch, double meanLoss, double testAccuracy, PrivacyAccountant acc) {
            if (pb != null) {
                pb.close();
                pb = null;
            }
            double secs = (lastStep - epochStart) / 1e9;
            err.printf(Locale.ROOT, "%s epoch %d/%d: %stest accuracy %.2f%%%s, %.1f steps/s%s%n", label,
                    epoch + 1, c.epochs(),
                    Double.isNaN(meanLoss) ? "" : String.format(Locale.ROOT, "training loss %.4f, ", meanLoss),
                    100 * testAccuracy,
                    acc == null ? "" : String.format(Locale.ROOT, ", epsilon %.3f", acc.getEpsilon(c.delta())),
                    c.stepsPerEpoch() / secs, checkpoint != null && acc != null ? ", checkpoint saved" : "");
            err.flush();
        }
    }
}
