package org.edp4j.cli.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.edp4j.cli.BackendOption;
import org.edp4j.cli.EngineOptions;
import org.edp4j.cli.OutputFiles;
import org.edp4j.cli.input.ParquetFiles;
import org.edp4j.cli.train.Checkpoint.CheckpointException;
import org.edp4j.data.SpamAssassin;
import org.edp4j.dp.StepReport;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.spark.SparkEngine;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code edp train}: private text classification on the user's labelled files or the bundled
 * SpamAssassin corpus, with a private vocabulary inside the reported epsilon, a non-private
 * comparison, a results table, JSON, an accuracy-against-epsilon plot, resumable checkpoints and a
 * saved model. See {@code docs/train.md}.
 *
 * <p>Exit codes: 0 success; 1 a run-time failure (e.g. a corrupt or mismatched checkpoint, an
 * unwritable file), with one line on standard error; 2 a bad option, with one line on standard error.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Differentially private text classification on your labelled file (--train) or the bundled "
                + "SpamAssassin corpus (4,717 train / 1,180 test emails), with a non-private comparison.",
                "Default: bag-of-embeddings model, DP-Adam, epsilon 3 at delta 1e-5 (RDP) in total, vocabulary "
                + "included, secure noise.",
                "--engine spark --master URL: data-parallel DP-SGD on Apache Spark (docs/spark.md)."})
public final class TrainCommand implements Callable<Integer> {

    /** Default target epsilon when neither --target-epsilon nor --noise-multiplier is given. */
    public static final double DEFAULT_EPSILON = 3.0;

    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

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
            description = "Expected Poisson batch size q*n, in [1, n]. Default (per model): 1024, or n/4 for a "
                    + "training set of fewer than 4 such batches.")
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

    @Option(names = "--max-train", paramLabel = "N",
            description = "Train on a seeded subsample of at most N training texts (quick runs, CI). Default: all.")
    Integer maxTrain;

    @Option(names = "--train", paramLabel = "FILE",
            description = "Your labelled texts: CSV or TSV with a header, or JSON Lines ({\"text\": ..., \"label\": ...}); "
                    + ".gz is read transparently; UTF-8. Default: the bundled SpamAssassin corpus.")
    Path trainFile;

    @Option(names = "--test", paramLabel = "FILE",
            description = "Held-out labelled texts in the same formats (needs --train). Default: --test-fraction of --train.")
    Path testFile;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "Without --test: hold out this fraction of --train (seeded with --seed, per class). Default: 0.2.")
    Double testFraction;

    @Option(names = "--text-column", paramLabel = "NAME", defaultValue = "text",
            description = "Column (CSV, TSV) or field (JSON Lines) of the text. Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--label-column", paramLabel = "NAME", defaultValue = "label",
            description = "Column or field of the label (a class name). Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--vocabulary", paramLabel = "dp|hashed:V|FILE", defaultValue = "dp",
            description = "dp: a differentially private vocabulary (its epsilon is part of the total); hashed:V: "
                    + "feature hashing into V ids (no epsilon); FILE: a public vocabulary, one word per line "
                    + "(no epsilon). Default: ${DEFAULT-VALUE}.")
    String vocabulary;

    @Option(names = "--vocab-share", paramLabel = "F",
            description = "dp vocabulary: the share of --target-epsilon it may spend alone, in (0, 1); the run's "
                    + "total composes both parts in RDP. Default: 0.2.")
    Double vocabShare;

    @Option(names = "--vocab-tokens-per-document", paramLabel = "K",
            description = "dp vocabulary: the most distinct tokens one text contributes. Default: 64.")
    Integer vocabTokensPerDocument;

    @Option(names = "--vocab-buckets", paramLabel = "B",
            description = "dp or file vocabulary: hash the tokens outside it into B extra ids instead of one UNK id "
                    + "(no epsilon: the hash depends on no data); 0 for UNK. Default: 8000.")
    Integer vocabBuckets;

    @Option(names = "--counterfactual-augment",
            description = "Train every example together with its counterfactual copy (gendered words swapped: he <-> "
                    + "she, Mr <-> Mrs, John <-> Sarah, ...; edp fairness's lexicon) as ONE privacy unit: the pair "
                    + "is clipped by the norm of its summed gradient and accounted once, so epsilon is that of the "
                    + "run without it. A dp vocabulary counts the pair as one document. See docs/fairness.md.")
    boolean counterfactualAugment;

    @Option(names = "--pairs", paramLabel = "FILE",
            description = "With --counterfactual-augment: the word pairs to swap, two words per line (the format of "
                    + "edp fairness --pairs). Default: the bundled English gender lexicon.")
    Path pairs;

    @Option(names = "--save", paramLabel = "FILE.edp",
            description = "Save the private model (parameters, tokenizer, vocabulary, labels, privacy report; no "
                    + "secret) to one checksummed file for edp predict and TextClassifier.")
    Path save;

    @Option(names = "--save-non-private", paramLabel = "FILE.edp",
            description = "Save the non-private comparison model the same way (its report says NOT PRIVATE; "
                    + "e.g. for edp fairness next to the private one). Needs --compare-nondp.")
    Path saveNonPrivate;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "adam | sgd (momentum 0.9). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR",
            description = "Learning rate. Default (per model): 0.1 bag, 0.006 encoder.")
    Double lr;

    @Option(names = "--vocab-size", paramLabel = "V", defaultValue = "8000",
            description = "Most ids of a dp or file vocabulary (and of the non-private run's fitted one). "
                    + "Default: ${DEFAULT-VALUE}.")
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
        checkDataOptions(config);
        if (counterfactualAugment) {
            // Read and checked before any work: a bad file exits 2 with FILE:LINE (InputFileException).
            TextTrainingRun.counterfactualPairs(config.data());
        }
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
        if (save != null && sweepEpsilon != null) {
            throw usage("--save keeps one model; drop --sweep-epsilon");
        }
        checkOutputs();
        if (!List.of("auto", "cpu", "cuda").contains(backend)) {
            throw usage("--backend must be auto, cpu or cuda, got '" + backend + "'");
        }
        checkEngine();
        SparkEngine spark = null;
        try {
            spark = engine.isSpark() ? engine.start("train") : null;
            try (AutoCloseable parquet = spark == null ? null : ParquetFiles.install(spark::readParquet)) {
                return train(config, runs, spark);
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

    /** The engine's options, and what the Spark engine does not do (exit 2 before any work). */
    private void checkEngine() {
        try {
            engine.check();
            for (Path f : new Path[] {trainFile, testFile}) {
                if (f != null && ParquetFiles.isParquet(f.toString()) && !engine.isSpark()) {
                    throw new IllegalArgumentException((f == trainFile ? "--train" : "--test") + " " + f
                            + ": a Parquet file is read by Spark; add --engine spark");
                }
            }
            if (engine.isSpark() && checkpoint != null) {
                throw new IllegalArgumentException("--checkpoint applies to --engine local (a Spark run's sampling key "
                        + "is not in the checkpoint)");
            }
            if (engine.isSpark() && counterfactualAugment) {
                throw new IllegalArgumentException("--counterfactual-augment applies to --engine local (the Spark "
                        + "steps sample and clip one row per example)");
            }
            if (engine.isSpark() && "cuda".equals(backend)) {
                throw new IllegalArgumentException("--backend cuda applies to --engine local: Spark's executors run the "
                        + "CPU backend");
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** Reads the data and trains every run, its steps on {@code spark} when not null. */
    private int train(TrainConfig config, List<TrainConfig> runs, SparkEngine spark) {
        // The files are read and checked before any training: a bad file exits 2 with FILE:LINE.
        TrainingData td = TrainingData.load(config, trainFile, testFile, batchSize != null);
        config = td.config();
        List<TrainConfig> sized = new ArrayList<>();
        for (TrainConfig rc : runs) {
            try {
                sized.add(rc.withBatchSize(config.batchSize()).withData(config.data()));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        runs = sized;
        for (TrainConfig rc : runs) {
            calibratesOrFails(rc);
        }
        Backend be;
        try {
            be = spark != null ? CpuBackend.instance() : BackendOption.resolve(backend);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        } catch (IllegalStateException e) {
            return fail(e.getMessage());
        }
        TextTrainingRun.StepEngine steps = spark == null ? TextTrainingRun.LOCAL : TextTrainingRun.spark(spark);

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        try {
            err.printf(Locale.ROOT, "edp train: %s model, %s: %d train / %d test texts, %d classes, backend %s, "
                            + "engine %s%s%n", config.model(), td.source(), config.trainSize(), td.splits().test().size(),
                    td.splits().train().numClasses(), be.name(), engine.describe(spark),
                    config.insecureSeedNoise() ? ", NOISE SEEDED FROM --seed (NOT PRIVATE)" : "");
            if (config.data().counterfactualAugment()) {
                err.printf(Locale.ROOT, "counterfactual augmentation (%s): each text is trained with its swapped copy "
                        + "as one privacy unit of 2 rows%n", pairs == null ? "bundled gender lexicon" : pairs);
            }
            SavedModelWriter saver = save == null ? null : new SavedModelWriter(td.splits().train().classNames());
            SavedModelWriter plainSaver = saveNonPrivate == null ? null
                    : new SavedModelWriter(td.splits().train().classNames());
            // The runs take turns of one epoch (Lockstep), so their step times are measured side by side.
            List<Lockstep.Task<TextTrainingRun.Result>> tasks = new ArrayList<>();
            AtomicReference<TextTrainingRun.Data> lastPrivateData = new AtomicReference<>();
            for (int i = 0; i < runs.size(); i++) {
                TrainConfig rc = runs.get(i);
                String label = runs.size() == 1 ? "DP" : String.format(Locale.ROOT, "DP eps %s", rc.targetEpsilon());
                TextTrainingRun.Listener l = new Reporter(err, rc, label);
                if (saver != null) {
                    l = saver.listener(l);
                }
                if (i == runs.size() - 1) {
                    l = new ForwardingListener(l) {
                        @Override
                        public void prepared(TextTrainingRun.Data data) {
                            lastPrivateData.set(data);
                            super.prepared(data);
                        }
                    };
                }
                TextTrainingRun.Listener listener = l;
                tasks.add(turn -> TextTrainingRun.trainPrivate(rc, td.splits(), be, checkpoint,
                        Lockstep.listener(turn, listener), steps));
            }
            TrainConfig plainConfig = config;
            if (compareNonDp) {
                tasks.add(turn -> {
                    // Same shape as the (last) private model: as many fitted tokens as its vocabulary has
                    // ids. That run built its vocabulary before it first handed the turn on.
                    TextTrainingRun.Data lastPrivate = Objects.requireNonNull(lastPrivateData.get(),
                            "the private run's vocabulary");
                    int fitted = lastPrivate.encoder().tokenIndex().size() - plainConfig.data().vocabBuckets();
                    TextTrainingRun.Data data = TextTrainingRun.prepare(plainConfig, td.splits(), null, null, null,
                            plainConfig.data().privateVocabulary() ? fitted : 0);
                    TextTrainingRun.Listener rep = new Reporter(err, plainConfig, "non-DP");
                    return TextTrainingRun.trainNonPrivate(plainConfig, data, be,
                            Lockstep.listener(turn, plainSaver == null ? rep : plainSaver.listener(rep)), steps);
                });
            }
            List<TextTrainingRun.Result> all = Lockstep.run(tasks);
            List<TextTrainingRun.Result> results = all.subList(0, runs.size());
            TextTrainingRun.Result plain = compareNonDp ? all.get(runs.size()) : null;
            if (saver != null) {
                saver.write(save, config, results.get(results.size() - 1));
                err.printf(Locale.ROOT, "saved the private model to %s%n", save);
            }
            if (plainSaver != null) {
                plainSaver.write(saveNonPrivate, config, plain);
                err.printf(Locale.ROOT, "saved the non-private model to %s (NOT PRIVATE)%n", saveNonPrivate);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Report report = new Report(runs, results, plain, seconds,
                    spark == null ? be.name() : be.name() + ", engine " + engine.describe(spark), td.summary());
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

    /** Checks the data options that need no file read (exit 2, one line). */
    private void checkDataOptions(TrainConfig config) {
        if (testFile != null && trainFile == null) {
            throw usage("--test needs --train (the bundled corpus has its own test split)");
        }
        if (testFile != null && testFraction != null) {
            throw usage("give --test or --test-fraction, not both");
        }
        if (trainFile == null && testFraction != null) {
            throw usage("--test-fraction needs --train (the bundled corpus has its own test split)");
        }
        DataSpec d = config.data();
        if (!d.privateVocabulary() && !d.hashed()) {
            try {
                VocabularyFile.read(Path.of(d.vocabulary()), org.edp4j.data.Tokenizer.standard(), config.vocabSize());
            } catch (java.nio.file.InvalidPathException e) {
                throw usage("--vocabulary must be dp, hashed:V or a file, got '" + d.vocabulary() + "'");
            }
        }
        if ((vocabShare != null || vocabTokensPerDocument != null) && !d.privateVocabulary()) {
            throw usage("--vocab-share and --vocab-tokens-per-document apply to --vocabulary dp only");
        }
        if (vocabBuckets != null && d.hashed()) {
            throw usage("--vocab-buckets applies to a dp or file vocabulary; hashed:V sets its size itself");
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
            if (save != null) {
                OutputFiles.checkFile("--save", save);
            }
            if (saveNonPrivate != null) {
                if (!compareNonDp) {
                    throw new IllegalArgumentException("--save-non-private needs the non-private run; drop "
                            + "--no-compare-nondp");
                }
                if (sweepEpsilon != null) {
                    throw new IllegalArgumentException("--save-non-private keeps one model; drop --sweep-epsilon");
                }
                OutputFiles.checkFile("--save-non-private", saveNonPrivate);
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
                TextTrainingRun.sigma0(rc, TextTrainingRun.vocabularyPrivacy(rc));
            } catch (IllegalArgumentException e) {
                // Core names its own target (the total less the vocabulary's share); name the option's.
                String m = e.getMessage();
                int why = m.indexOf("cannot be met: ");
                throw usage("--target-epsilon " + rc.targetEpsilon() + " with --noise-schedule " + rc.noiseSchedule()
                        + (why >= 0 ? " " + m.substring(why) : ": " + m));
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
            // Own files: the size is known once they are read; until then only the option ranges are checked.
            if (pairs != null && !counterfactualAugment) {
                throw usage("--pairs needs --counterfactual-augment (edp train swaps words only to augment)");
            }
            DataSpec data = new DataSpec(trainFile == null ? "" : trainFile.toString(),
                    testFile == null ? "" : testFile.toString(), or(testFraction, DataSpec.DEFAULT_TEST_FRACTION),
                    textColumn, labelColumn, vocabulary, or(vocabShare, DataSpec.DEFAULT_VOCAB_SHARE),
                    or(vocabTokensPerDocument, DataSpec.DEFAULT_TOKENS_PER_DOCUMENT),
                    or(vocabBuckets, DataSpec.DEFAULT_VOCAB_BUCKETS),
                    trainFile == null ? SpamAssassin.TRAIN_SIZE : Integer.MAX_VALUE,
                    !counterfactualAugment ? "" : pairs == null ? DataSpec.BUNDLED_PAIRS : pairs.toString());
            int mt = maxTrain != null ? maxTrain : trainFile == null ? SpamAssassin.TRAIN_SIZE : Integer.MAX_VALUE;
            // TrainingData's rule for a small training split, applied here where its size is known
            // already (the bundled corpus), so that a default batch never fails as a bad --batch-size.
            int n = Math.min(mt, SpamAssassin.TRAIN_SIZE);
            int batch = batchSize != null ? batchSize
                    : trainFile == null && 4L * d.batchSize() > n ? Math.max(1, n / 4) : d.batchSize();
            return new TrainConfig(model, vocabSize, or(maxLen, d.maxLen()), or(dim, d.dim()), or(hidden, d.hidden()),
                    or(epochs, d.epochs()), batch, or(clip, d.clip()), clipping, eps, sigma,
                    delta, noiseSchedule, optimizer, or(lr, d.lr()), seed, insecureSeedNoise, mt,
                    or(layers, d.layers()), or(heads, d.heads()), data);
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

        /** The total so far: with a private vocabulary its failure probability p counts as in the final report. */
        private double epochSoFarP() {
            return c.data().privateVocabulary() ? DataSpec.VOCAB_DELTA_SHARE * c.delta() : 0;
        }

        private double epsilonSoFar(PrivacyAccountant acc) {
            return org.edp4j.privacy.PartitionSelection.epsilon(acc, c.delta(), epochSoFarP());
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
                pb.setExtraMessage(String.format(Locale.ROOT, " eps %.2f", epsilonSoFar(acc)));
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
                    acc == null ? "" : String.format(Locale.ROOT, ", epsilon %.3f", epsilonSoFar(acc)),
                    c.stepsPerEpoch() / secs, checkpoint != null && acc != null ? ", checkpoint saved" : "");
            err.flush();
        }
    }
}
