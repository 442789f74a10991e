package org.edp4j.cli.federated;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.audit.Permutation;
import org.edp4j.cli.input.LabelledFiles;
import org.edp4j.cli.train.TextTrainingRun;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.EncodedDataset;
import org.edp4j.data.Encoder;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.data.SpamAssassin;
import org.edp4j.data.TextDataset;
import org.edp4j.data.TextExample;
import org.edp4j.data.Tokenizer;
import org.edp4j.dp.Adam;
import org.edp4j.dp.BatchLoader;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.Evaluation;
import org.edp4j.dp.Optimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fl.ContinualPopulation;
import org.edp4j.fl.DeviceSelection;
import org.edp4j.fl.DeviceTrainer;
import org.edp4j.fl.FederatedAveraging;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.Partition;
import org.edp4j.fl.Partitions;
import org.edp4j.fl.Population;
import org.edp4j.fl.RoundExecutor;
import org.edp4j.fl.StaticPopulation;
import org.edp4j.fl.ThreadPoolRoundExecutor;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.NoiseCalibration;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.spark.DeviceSetting;
import org.edp4j.spark.ModelFactory;
import org.edp4j.spark.SparkEngine;
import org.edp4j.spark.TokenRows;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;

/**
 * One federated run of {@code edp federated}: the bundled corpus split over devices, the bag model,
 * DP-FedAvg ({@link FederatedAveraging}) for R rounds in one setting with one selection, test accuracy
 * along the way. Every run of a command shares the data, the partition and the initial model, so the
 * table compares selections and settings alone.
 *
 * <p>What a run reports is covered by its epsilon: the test split's accuracy (held out, not training
 * data), the epsilon and the public parameters. Nothing about the devices' data or the rounds' tallies.
 */
final class FederatedRun {
    /** Capacity of the evaluation batches. */
    static final int EVAL_CAPACITY = 256;

    private FederatedRun() {
    }

    /** What a run tells its caller as it goes. */
    interface Listener {
        /** A run begins: {@code sigma} is its noise multiplier (0 without privacy). */
        default void start(String label, int rounds, double sigma) {
        }

        /** Round {@code round} (1-based) ended; {@code accuracy} is NaN when it was not evaluated. */
        default void round(int round, double accuracy, double epsilon) {
        }

        /** The run ended. */
        default void end(Result result) {
        }
    }

    /**
     * The encoded splits and the partition of the training split over the devices.
     *
     * @param source where the texts came from, for the header line
     */
    record Data(Encoder encoder, EncodedDataset train, EncodedDataset test, Partition partition, String source) {
        int vocab() {
            return encoder.tokenIndex().size();
        }
    }

    /**
     * The outcome of one run.
     *
     * @param setting static or continual
     * @param selection uniform or activity
     * @param isPrivate whether the run was private
     * @param accuracy final test accuracy
     * @param epsilon RDP epsilon at delta (+inf without privacy)
     * @param epsilonPrv PRV epsilon of the same history (+inf without privacy)
     * @param sigma noise multiplier
     * @param accountedRate the inclusion probability the accountant recorded per round
     * @param rounds rounds run
     * @param seconds wall time of the rounds and evaluations
     * @param evaluatedRounds the rounds after which the test accuracy was measured (1-based)
     * @param curve the test accuracy after each of them
     */
    record Result(String setting, String selection, boolean isPrivate, double accuracy, double epsilon,
            double epsilonPrv, double sigma, double accountedRate, int rounds, double seconds,
            List<Integer> evaluatedRounds, List<Double> curve) {

        String label() {
            return FederatedRun.label(setting, selection, isPrivate);
        }
    }

    /**
     * Who runs a run's device side: threads of this JVM, or Spark. The server and everything it
     * reports are the same code either way.
     */
    interface Engine {
        /**
         * @param pop the run's population on the driver (the server's census; the local engine's devices)
         * @param continual whether the run is in the continual setting
         */
        RoundExecutor executor(FederatedConfig c, Data data, Population pop, boolean continual, LocalTraining local);
    }

    /** {@link ThreadPoolRoundExecutor} with {@code --threads} workers. */
    static final Engine LOCAL = (c, data, pop, continual, local) -> {
        Backend be = CpuBackend.instance();
        int vocab = data.vocab();
        int classes = data.train().numClasses();
        return new ThreadPoolRoundExecutor(c.threads(), () -> new DeviceTrainer(model(c, be, vocab, classes),
                Batch.tokens(be, c.localBatchSize(), c.maxLen(), classes),
                TextTrainingRun.loader(data.train(), vocab, c.localBatchSize()), pop, local));
    };

    /**
     * The devices of {@code data}'s partition distributed once to {@code spark}; each run gets a
     * {@link org.edp4j.spark.SparkRoundExecutor} over them in its setting.
     */
    static Engine spark(SparkEngine spark, FederatedConfig c, Data data) {
        SparkEngine.Federation fed = spark.federation(data.partition(), TokenRows.of(data.train(), data.vocab()));
        ModelFactory factory = modelFactory(c.seed(), data.vocab(), c.dim(), c.hidden(), data.train().numClasses());
        return (cfg, d, pop, continual, local) -> fed.executor(continual
                ? DeviceSetting.continual(cfg.storage(), cfg.rounds()) : DeviceSetting.STATIC, factory, local);
    }

    /** The bag model as a factory that travels to Spark executors (numbers only: serializable). */
    static ModelFactory modelFactory(long seed, int vocab, int dim, int hidden, int classes) {
        return be -> Models.bag(be, new SplittableRandom(seed), vocab, dim, hidden, classes);
    }

    /** "static, activity" or "static, activity, non-private": progress lines and the plot's legend. */
    static String label(String setting, String selection, boolean isPrivate) {
        return setting + ", " + selection + (isPrivate ? "" : ", non-private");
    }

    /**
     * Loads the texts and partitions the training split over the devices.
     *
     * <ul>
     * <li>Bundled corpus: the training split (subsampled to {@code --max-train}, seeded), a vocabulary
     *     fitted to it (the corpus is public, so this releases nothing private, as in {@code edp train}),
     *     devices made by {@code --partition}.</li>
     * <li>The user's file ({@link LabelledFiles}): feature hashing into {@code --vocab-size} ids, which
     *     depends on no data and costs no epsilon (a vocabulary fitted to private texts would be a release
     *     outside the guarantee, and edp's private vocabulary bounds one document's contribution, not one
     *     device's); devices from {@code --device-column} ({@link Partitions#byDeviceId}) or
     *     {@code --partition}.</li>
     * </ul>
     *
     * @throws org.edp4j.io.InputFileException for a bad file (exit 2 with FILE:LINE)
     */
    static Data prepare(FederatedConfig c) {
        FederatedInput in = c.input();
        if (!in.bundled()) {
            LabelledFiles.Loaded l = LabelledFiles.load(Path.of(in.train()), in.test().isEmpty() ? null
                    : Path.of(in.test()), in.testFraction(), c.seed(), in.textColumn(), in.labelColumn(),
                    in.byDevice() ? in.deviceColumn() : null);
            Encoder enc = Encoder.of(Tokenizer.standard(), HashedVocabulary.of(c.vocabSize()), c.maxLen());
            EncodedDataset tr = enc.encode(l.splits().train());
            Partition part = in.byDevice() ? Partitions.byDeviceId(l.trainDevices())
                    : c.partition().build(tr.labels(), tr.numClasses(), c.devices(), c.seed());
            return new Data(enc, tr, enc.encode(l.splits().test()), part, in.train() + " (test: " + l.split()
                    + ", hashed vocabulary of " + c.vocabSize() + " ids)");
        }
        DatasetSplits splits = SpamAssassin.load();
        TextDataset train = splits.train();
        if (c.trainSize() < train.size()) {
            int[] keep = Arrays.copyOf(Permutation.of(train.size(), new SplittableRandom(c.seed() ^ 0x5EEDDA7AL)),
                    c.trainSize());
            Arrays.sort(keep);
            List<TextExample> ex = new ArrayList<>(keep.length);
            for (int i : keep) {
                ex.add(train.get(i));
            }
            train = TextDataset.of(ex, train.classNames());
        }
        Encoder enc = Encoder.fit(train, Tokenizer.standard(), c.vocabSize(), TextTrainingRun.MIN_COUNT, c.maxLen());
        EncodedDataset tr = enc.encode(train);
        Partition part = c.partition().build(tr.labels(), tr.numClasses(), c.devices(), c.seed());
        return new Data(enc, tr, enc.encode(splits.test()), part, "the bundled SpamAssassin corpus");
    }

    /** The selection of a run: uniform K / N, or activity with the cap. */
    static DeviceSelection selection(FederatedConfig c, String selection) {
        return "activity".equals(selection)
                ? DeviceSelection.activity(c.devices(), c.clientsPerRound(), c.capProbability())
                : DeviceSelection.uniform(c.devices(), c.clientsPerRound());
    }

    /** The noise multiplier that makes R rounds at the selection's accounting rate (epsilon, delta)-DP (RDP). */
    static double sigma(FederatedConfig c, DeviceSelection s) {
        return NoiseCalibration.noiseMultiplierFor(c.targetEpsilon(), c.delta(), s.accountingRate(), c.rounds(), "rdp");
    }

    static Clipping clipping(FederatedConfig c) {
        return switch (c.clipping()) {
            case "per-layer" -> Clipping.perLayer(c.clip());
            case "automatic" -> Clipping.automatic(c.clip());
            case "adaptive" -> Clipping.adaptive(c.clip());
            default -> Clipping.flat(c.clip());
        };
    }

    /** FedAdam (Reddi et al. 2021) with beta1 0.9, beta2 0.99 and its adaptivity tau = eps = 1e-3, or FedAvg's SGD. */
    static Optimizer serverOptimizer(FederatedConfig c) {
        return "adam".equals(c.serverOptimizer()) ? new Adam(c.serverLr(), 0.9, 0.99, 1e-3, 0) : Sgd.plain(c.serverLr());
    }

    static Sequential model(FederatedConfig c, Backend be, int vocab, int classes) {
        return modelFactory(c.seed(), vocab, c.dim(), c.hidden(), classes).create(be);
    }

    /**
     * Runs R rounds.
     *
     * @param isPrivate false for the comparison without clipping or noise
     */
    static Result run(FederatedConfig c, Data data, String setting, String selection, boolean isPrivate,
            Listener listener) {
        return run(c, data, setting, selection, isPrivate, listener, LOCAL);
    }

    /** Runs R rounds with the device side on {@code engine}. */
    static Result run(FederatedConfig c, Data data, String setting, String selection, boolean isPrivate,
            Listener listener, Engine engine) {
        Backend be = CpuBackend.instance();
        int vocab = data.vocab();
        int classes = data.train().numClasses();
        boolean continual = "continual".equals(setting);
        Population pop = continual
                ? new ContinualPopulation(data.partition(), c.storage(), c.rounds())
                : new StaticPopulation(data.partition());
        DeviceSelection sel = selection(c, selection);
        double sigma = isPrivate ? sigma(c, sel) : 0;
        GaussianNoise noise = c.insecureSeedNoise() ? GaussianNoise.insecureSeeded(c.seed()) : GaussianNoise.secure();
        GaussianNoise coins = c.insecureSeedNoise() ? GaussianNoise.insecureSeeded(c.seed() + 1) : GaussianNoise.secure();
        Sequential model = model(c, be, vocab, classes);
        LocalTraining local = new LocalTraining(c.localEpochs(), c.localBatchSize(), c.localLr(), c.seed());
        RdpAccountant accountant = new RdpAccountant();
        FederatedAveraging.Builder b = FederatedAveraging.builder(model, serverOptimizer(c)).population(pop)
                .selection(sel).clipping(clipping(c)).noise(noise).coins(coins);
        if (isPrivate) {
            b.noiseMultiplier(sigma).budget(new PrivacyBudget(accountant, c.targetEpsilon(), c.delta()));
        } else {
            b.nonPrivate();
        }
        String label = label(setting, selection, isPrivate);
        List<Integer> at = new ArrayList<>();
        List<Double> curve = new ArrayList<>();
        long t0 = System.nanoTime();
        try (RoundExecutor exec = engine.executor(c, data, pop, continual, local);
             FederatedAveraging server = b.executor(exec).build();
             Batch evalBatch = Batch.tokens(be, EVAL_CAPACITY, c.maxLen(), classes)) {
            listener.start(label, c.rounds(), sigma);
            BatchLoader testLoader = TextTrainingRun.loader(data.test(), vocab, EVAL_CAPACITY);
            int[] testLabels = data.test().labels();
            for (int t = 1; t <= c.rounds(); t++) {
                server.round();
                double acc = Double.NaN;
                if (t % c.evalEvery() == 0 || t == c.rounds()) {
                    acc = Evaluation.accuracy(model, evalBatch, testLoader, testLabels);
                    at.add(t);
                    curve.add(acc);
                }
                listener.round(t, acc, isPrivate ? accountant.getEpsilon(c.delta()) : Double.POSITIVE_INFINITY);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double eps = isPrivate ? accountant.getEpsilon(c.delta()) : Double.POSITIVE_INFINITY;
        double prv = isPrivate ? TextTrainingRun.prvEpsilon(accountant, c.delta()) : Double.POSITIVE_INFINITY;
        Result r = new Result(setting, selection, isPrivate, curve.get(curve.size() - 1), eps,
                prv, sigma, sel.accountingRate(), c.rounds(), seconds, at, curve);
        listener.end(r);
        return r;
    }
}
