package org.edp4j.cli.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.edp4j.cli.StepTimes;
import org.edp4j.cli.train.Checkpoint.CheckpointException;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.DpVocabulary;
import org.edp4j.data.EncodedDataset;
import org.edp4j.data.Encoder;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.data.SpamAssassin;
import org.edp4j.data.TextDataset;
import org.edp4j.data.TextExample;
import org.edp4j.data.TokenIndex;
import org.edp4j.data.Tokenizer;
import org.edp4j.data.Vocabulary;
import org.edp4j.data.VocabularyWithBuckets;
import org.edp4j.dp.Adam;
import org.edp4j.dp.BatchLoader;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.Evaluation;
import org.edp4j.dp.Optimizer;
import org.edp4j.dp.PoissonSampler;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.StepReport;
import org.edp4j.dp.TrainingLoop;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fairness.CounterfactualSwap;
import org.edp4j.fairness.WordPairs;
import org.edp4j.io.InputFileException;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.MechanismRun;
import org.edp4j.privacy.PartitionSelection;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyAccountants;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.PrvAccountant;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.spark.SparkEngine;
import org.edp4j.spark.TokenRows;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Private (and, for comparison, non-private) text classification on the user's files or the bundled
 * SpamAssassin corpus: tokenize, build the vocabulary from the training split only (privately by
 * default: {@link DpVocabulary}, whose Gaussian step is the accountant's first entry and whose
 * failure probability is charged by {@link PartitionSelection}'s theorem; or hashed, or a public
 * file), encode, train a model with Poisson-sampled DP-SGD/DP-Adam for whole epochs, checkpoint after
 * each epoch, evaluate on the test split.
 *
 * <pre>{@code
 * TrainConfig c = ...;                                     // see TrainCommand for the defaults
 * TextTrainingRun.Result dp = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), Path.of("ckpt"), listener);
 * TextTrainingRun.Result plain = TextTrainingRun.trainNonPrivate(c, CpuBackend.instance(), listener);
 * }</pre>
 *
 * <p><b>Resume.</b> With a checkpoint directory, a run first looks for {@code checkpoint.edp}: when
 * there is one it must have been written with an equal {@link TrainConfig} (else
 * {@link CheckpointException}); the model, optimizer moments, accountant, clip bound, step counter
 * and noise key are restored and training continues at the next epoch. The step counter is the
 * nonce of the noise and of the sampling coins, so the resumed run draws exactly the batches and
 * noise the uninterrupted run would have drawn: steps lost after the last checkpoint are replayed
 * from the same state (bit for bit on the CPU; on a GPU to float rounding, docs/cuda.md: nothing
 * new is released either way), and no noise is ever used for a
 * different step. The epsilon spent before the interruption is in the restored accountant.
 */
public final class TextTrainingRun {

    /** Documents a token must appear in to enter the vocabulary. */
    public static final int MIN_COUNT = 2;
    /** Capacity of the evaluation batches. */
    static final int EVAL_CAPACITY = 256;
    /** Poisson steps whose time is left out of the per-step time (JIT warm-up). */
    static final int WARMUP_STEPS = 5;

    private TextTrainingRun() {
    }

    /**
     * Who runs a run's steps: this JVM ({@link #LOCAL}: {@link TrainingLoop}) or Spark
     * ({@link #spark}: data-parallel DP-SGD). Everything else (vocabulary, noise, accounting,
     * checkpoints, evaluation, reports) is the same code on the driver.
     */
    public interface StepEngine {
        /**
         * The steps of {@code opt} over {@code train}, its Poisson coins from {@code coins}.
         *
         * @param batch the run's physical batch (local engine)
         */
        Steps start(TrainConfig c, PrivateOptimizer opt, EncodedDataset train, int vocab, GaussianNoise coins,
                Batch batch);
    }

    /** A run's steps; closing releases what the engine distributed. */
    public interface Steps extends AutoCloseable {
        /** One Poisson-sampled step. */
        StepReport step();

        @Override
        void close();
    }

    /**
     * Steps on this JVM: {@link TrainingLoop} with a {@link PoissonSampler} over {@code coins}; the
     * sampler draws privacy units ({@code rowsPerUnit} consecutive rows of {@code train} each).
     */
    public static final StepEngine LOCAL = (c, opt, train, vocab, coins, batch) -> {
        int units = train.size() / c.data().rowsPerUnit();
        TrainingLoop loop = new TrainingLoop(opt, new PoissonSampler(coins, units, c.sampleRate()), batch,
                loader(train, vocab, batch.capacity()));
        return new Steps() {
            @Override
            public StepReport step() {
                return loop.step();
            }

            @Override
            public void close() {
                // Nothing distributed.
            }
        };
    };

    /**
     * Steps on Spark ({@link org.edp4j.spark.SparkTrainingLoop}). The coins of a secure run get their
     * own secure key, since the sampling key travels to the executors and the noise key must not; a
     * seeded run (--insecure-seed-noise, the non-private comparison) keeps its coins, and then draws
     * the batches of the local engine.
     */
    public static StepEngine spark(SparkEngine spark) {
        return (c, opt, train, vocab, coins, batch) -> {
            if (c.data().rowsPerUnit() != 1) {
                throw new IllegalArgumentException("--counterfactual-augment applies to --engine local");
            }
            GaussianNoise sampling = coins.isSecure() ? GaussianNoise.secure() : coins;
            SparkEngine.Steps st = spark.steps(opt, TokenRows.of(train, vocab), sampling,
                    ModelRecipe.of(c, vocab, train.numClasses()), batch.capacity());
            return new Steps() {
                @Override
                public StepReport step() {
                    return st.loop().step();
                }

                @Override
                public void close() {
                    st.close();
                }
            };
        };
    }

    /** What the run reports while it trains. Every method may be left as is. */
    public interface Listener {
        /** The data is encoded with its vocabulary; called before {@link #start}. */
        default void prepared(Data data) {
        }

        /** Data encoded and model built; {@code resumedEpochs} epochs were restored from a checkpoint. */
        default void start(boolean isPrivate, Sequential model, double sigma0, int resumedEpochs) {
        }

        /** Epoch {@code epoch} (0-based) begins with {@code steps} steps at noise multiplier {@code sigma}. */
        default void epochStart(int epoch, int steps, double sigma) {
        }

        /**
         * A step finished; {@code accountant} is null for the non-private run. A private run's
         * report holds only what epsilon covers ({@link #releasable}): the loss and clipped
         * fraction are NaN and the batch size -1.
         */
        default void step(StepReport report, PrivacyAccountant accountant) {
        }

        /**
         * Epoch {@code epoch} ended (after its checkpoint was written). {@code meanLoss} is the mean
         * training loss of the non-private run, and NaN for a private run: its un-noised training
         * loss is a statistic of the training data that epsilon does not cover, so it is never
         * released. {@code testAccuracy} is measured on the held-out test split.
         */
        default void epochEnd(int epoch, double meanLoss, double testAccuracy, PrivacyAccountant accountant) {
        }
    }

    /**
     * The encoded splits and the encoder.
     *
     * @param train the training rows: {@code rowsPerUnit} consecutive rows per training example (privacy
     *     unit), example u in rows {@code u k .. u k + k - 1}
     * @param vocabulary the private vocabulary's mechanism, or null when the vocabulary spent no
     *     epsilon (hashed, a public file, or fitted by the caller on data it vouches for, as the audit does)
     * @param rowsPerUnit k: 2 with counterfactual augmentation (an example, then its swapped copy), else 1
     */
    public record Data(Encoder encoder, EncodedDataset train, EncodedDataset test, VocabularyPrivacy vocabulary,
            int rowsPerUnit) {
        /** @throws IllegalArgumentException for k &lt; 1 or a training set that is not whole units */
        public Data {
            if (rowsPerUnit < 1 || train.size() % rowsPerUnit != 0) {
                throw new IllegalArgumentException("rowsPerUnit must be >= 1 and divide the " + train.size()
                        + " training rows, got " + rowsPerUnit);
            }
        }

        /** Data of one row per example. */
        public Data(Encoder encoder, EncodedDataset train, EncodedDataset test, VocabularyPrivacy vocabulary) {
            this(encoder, train, test, vocabulary, 1);
        }

        /** Data whose vocabulary spent no epsilon. */
        public Data(Encoder encoder, EncodedDataset train, EncodedDataset test) {
            this(encoder, train, test, null);
        }

        /** @return the training examples: privacy units, n of the sampling rate q = batch / n */
        public int trainExamples() {
            return train.size() / rowsPerUnit;
        }
    }

    /**
     * The private vocabulary's mechanism ({@link DpVocabulary}): one Gaussian step of sensitivity 1 in
     * the accountant, and a failure probability {@code p} that costs {@code delta} and
     * {@code log(1/(1-p))} of epsilon ({@link PartitionSelection}).
     *
     * @param sigma the noise standard deviation of each count
     * @param failureProbability p
     * @param threshold rho
     * @param tokensPerDocument k
     */
    public record VocabularyPrivacy(double sigma, double failureProbability, double threshold, int tokensPerDocument) {
        /** @return how the vocabulary was made, for reports */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "dp k=%d sigma=%.4f threshold=%.3f p=%.3g", tokensPerDocument,
                    sigma, threshold, failureProbability);
        }
    }

    /**
     * The outcome of one run.
     *
     * @param isPrivate private or not
     * @param accuracy test accuracy in [0, 1]
     * @param epsilonRdp RDP epsilon at delta (NaN when not private)
     * @param epsilonPrv PRV epsilon at delta (NaN when not private)
     * @param delta the delta
     * @param sigma0 noise multiplier of the first epoch (0 when not private)
     * @param steps steps taken in total
     * @param secondsPerStep median wall time of a step; the first {@value #WARMUP_STEPS} steps and the first
     *     step of every epoch (which pays for what a training run in turn left running) left out
     * @param trainSeconds wall time of all training steps (all processes when resumed)
     * @param resumedEpochs epochs restored from a checkpoint (0 for a fresh run)
     * @param epochAccuracy test accuracy after each epoch trained by this process
     * @param epsilonVocabulary the vocabulary's own epsilon at delta (0 when it spent none; NaN when not private)
     * @param epsilonTraining DP-SGD's own epsilon at delta (NaN when not private)
     * @param vocabulary how the vocabulary was made
     * @param vocabularySize ids of the vocabulary (or hashing), reserved ones included
     */
    public record Result(boolean isPrivate, double accuracy, double epsilonRdp, double epsilonPrv, double delta,
            double sigma0, long steps, double secondsPerStep, double trainSeconds, int resumedEpochs,
            List<Double> epochAccuracy, double epsilonVocabulary, double epsilonTraining, String vocabulary,
            int vocabularySize) {
    }

    /**
     * Subsamples the training split to {@code c.trainSize()} (seeded) and encodes both splits with
     * the vocabulary of {@code c.data()}: {@code vocabulary} when given (from a checkpoint), else
     * selected privately with {@code noise} and {@code vp} ({@code dp}), hashed, read from a public
     * file, or ({@code vp == null} with {@code dp}: the non-private comparison) fitted on the
     * training split: the {@code fittedSize} (when positive, else {@code --vocab-size}) ids of the most
     * frequent tokens in at least {@value #MIN_COUNT} documents, with the same hash buckets, so that
     * the comparison has the private model's shape.
     *
     * <p>With counterfactual augmentation ({@link DataSpec#counterfactualAugment()}) every training
     * example is followed by its swapped copy ({@link CounterfactualSwap}, same label), and a vocabulary
     * built from the training split counts each original document once: its tokens and its copy's
     * form one document ({@link #vocabularyDocuments}), which contributes at most k distinct tokens
     * to the private vocabulary like any other, so the vocabulary's epsilon is unchanged.
     *
     * @throws InputFileException when a vocabulary file cannot be used
     */
    public static Data prepare(TrainConfig c, DatasetSplits splits, List<String> vocabulary, GaussianNoise noise,
            VocabularyPrivacy vp, int fittedSize) {
        TextDataset train = subsample(splits.train(), c);
        Tokenizer tok = Tokenizer.standard();
        DataSpec d = c.data();
        CounterfactualSwap swap = d.counterfactualAugment() ? CounterfactualSwap.of(counterfactualPairs(d)) : null;
        List<List<String>> documents = vocabularyDocuments(tok, train, swap);
        TokenIndex index;
        VocabularyPrivacy spent = null;
        if (d.hashed()) {
            index = HashedVocabulary.of(DataSpec.hashedSize(d.vocabulary()));
        } else if (vocabulary != null) {
            index = withBuckets(Vocabulary.of(vocabulary), d);
            spent = vp;
        } else if (d.privateVocabulary() && vp != null) {
            index = withBuckets(DpVocabulary.select(documents, vp.tokensPerDocument(), vp.sigma(),
                    vp.failureProbability(), c.vocabSize(), noise).vocabulary(), d);
            spent = vp;
        } else if (d.privateVocabulary()) {
            index = withBuckets(Vocabulary.build(documents, fittedSize > 0 ? fittedSize : c.vocabSize(),
                    MIN_COUNT), d);
        } else if ("fitted".equals(d.vocabulary())) {
            index = Vocabulary.build(documents, c.vocabSize(), MIN_COUNT);
        } else {
            index = withBuckets(VocabularyFile.read(Path.of(d.vocabulary()), tok, c.vocabSize()), d);
        }
        Encoder enc = Encoder.of(tok, index, c.maxLen());
        TextDataset rows = swap == null ? train : withCounterfactuals(train, swap);
        return new Data(enc, enc.encode(rows), enc.encode(splits.test()), spent, d.rowsPerUnit());
    }

    /** The word pairs of {@code --counterfactual-augment}: the bundled lexicon or the {@code --pairs} file. */
    static WordPairs counterfactualPairs(DataSpec d) {
        return DataSpec.BUNDLED_PAIRS.equals(d.counterfactualPairs()) ? WordPairs.english()
                : WordPairs.load(Path.of(d.counterfactualPairs()));
    }

    /** Each example followed by its counterfactual copy: the swapped text, the same label, group and id. */
    static TextDataset withCounterfactuals(TextDataset train, CounterfactualSwap swap) {
        List<TextExample> rows = new ArrayList<>(2 * train.size());
        for (TextExample e : train) {
            rows.add(e);
            rows.add(new TextExample(swap.swap(e.text()), e.label(), e.group(), e.id()));
        }
        return TextDataset.of(rows, train.classNames());
    }

    /**
     * The documents a vocabulary is built from: one per training example, its tokens followed by those
     * of its counterfactual copy when {@code swap} is not null. So the copy adds no document: each
     * original contributes once (at most k distinct tokens to the private vocabulary).
     */
    static List<List<String>> vocabularyDocuments(Tokenizer tok, TextDataset train, CounterfactualSwap swap) {
        List<List<String>> docs = tok.tokenizeAll(train);
        if (swap == null) {
            return docs;
        }
        List<List<String>> joined = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            List<String> both = new ArrayList<>(docs.get(i));
            both.addAll(tok.tokenize(swap.swap(train.get(i).text())));
            joined.add(both);
        }
        return joined;
    }

    private static TokenIndex withBuckets(Vocabulary v, DataSpec d) {
        return d.vocabBuckets() == 0 ? v : VocabularyWithBuckets.of(v, d.vocabBuckets());
    }

    private static TextDataset subsample(TextDataset train, TrainConfig c) {
        if (c.trainSize() >= train.size()) {
            return train;
        }
        int[] idx = new int[train.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(c.seed() ^ 0x5EEDDA7AL);
        for (int i = idx.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] keep = Arrays.copyOf(idx, c.trainSize());
        Arrays.sort(keep);
        List<TextExample> ex = new ArrayList<>(keep.length);
        for (int i : keep) {
            ex.add(train.get(i));
        }
        return TextDataset.of(ex, train.classNames());
    }

    /**
     * The private vocabulary's mechanism for a fresh run of {@code c}, or null when the vocabulary
     * spends nothing. Its own epsilon is {@code share} of the target (with {@code --noise-multiplier}:
     * {@code share / (1 - share)} of DP-SGD's own epsilon), its failure probability
     * {@value DataSpec#VOCAB_DELTA_SHARE} of delta.
     */
    public static VocabularyPrivacy vocabularyPrivacy(TrainConfig c) {
        DataSpec d = c.data();
        if (!d.privateVocabulary()) {
            return null;
        }
        double p = DataSpec.VOCAB_DELTA_SHARE * c.delta();
        double eps;
        if (!Double.isNaN(c.targetEpsilon())) {
            eps = d.vocabShare() * c.targetEpsilon();
        } else {
            double sgd = NoiseSchedule.parse(c.noiseSchedule()).account(c.noiseMultiplier(), c.sampleRate(),
                    c.stepsPerEpoch(), c.epochs()).getEpsilon(c.delta());
            eps = d.vocabShare() / (1 - d.vocabShare()) * sgd;
        }
        double sigma = PartitionSelection.noiseFor(eps, c.delta(), p);
        return new VocabularyPrivacy(sigma, p, PartitionSelection.threshold(d.vocabTokensPerDocument(), sigma, p),
                d.vocabTokensPerDocument());
    }

    static Sequential buildModel(TrainConfig c, Backend backend, int vocab, int classes) {
        return ModelRecipe.of(c, vocab, classes).create(backend);
    }

    static Optimizer buildOptimizer(TrainConfig c) {
        return "sgd".equals(c.optimizer()) ? Sgd.withMomentum(c.lr(), 0.9) : Adam.of(c.lr());
    }

    static Clipping buildClipping(TrainConfig c) {
        switch (c.clipping()) {
            case "per-layer":
                return Clipping.perLayer(c.clip());
            case "automatic":
                return Clipping.automatic(c.clip());
            case "adaptive":
                return Clipping.adaptive(c.clip());
            default:
                return Clipping.flat(c.clip());
        }
    }

    /** The physical batch: mean plus two standard deviations; a larger Poisson batch is split (2% of steps). */
    static int capacity(TrainConfig c) {
        return capacity(c.batchSize(), c.trainSize());
    }

    /** As {@link #capacity(TrainConfig)} for an expected batch {@code batchSize} of {@code n} examples. */
    static int capacity(int batchSize, int n) {
        double mean = batchSize;
        double sd = Math.sqrt(mean * (1 - batchSize / (double) n));
        return (int) Math.max(1, Math.min(n, Math.ceil(mean + 2 * sd)));
    }

    /** Loads rows of an encoded dataset into a token batch of at most {@code capacity} rows; ids must be below {@code vocab}. */
    public static BatchLoader loader(EncodedDataset d, int vocab, int capacity) {
        int[] tokens = d.tokens();
        int[] labels = d.labels();
        int[] scratch = new int[capacity];
        return (batch, rows, from, count) -> {
            System.arraycopy(rows, from, scratch, 0, count);
            batch.loadTokens(tokens, labels, scratch, count, vocab);
        };
    }

    /** The noise multiplier of the first epoch: given, or calibrated to the target over the whole schedule. */
    public static double sigma0(TrainConfig c) {
        return sigma0(c, null);
    }

    /**
     * The noise multiplier of the first epoch: given, or calibrated so that the vocabulary's mechanism
     * {@code vp} (when not null) and the whole schedule together meet the target by
     * {@link PartitionSelection}'s theorem.
     */
    public static double sigma0(TrainConfig c, VocabularyPrivacy vp) {
        if (!Double.isNaN(c.noiseMultiplier())) {
            return c.noiseMultiplier();
        }
        double p = vp == null ? 0 : vp.failureProbability();
        List<MechanismRun> prior = vp == null ? List.of() : List.of(MechanismRun.of(vp.sigma(), 1.0, 1));
        return NoiseSchedule.parse(c.noiseSchedule()).calibrate(c.targetEpsilon() - PartitionSelection.epsilonCost(p),
                PartitionSelection.accountantDelta(c.delta(), p), c.sampleRate(), c.stepsPerEpoch(), c.epochs(), prior);
    }

    /** Trains privately on the bundled corpus (see {@link #trainPrivate(TrainConfig, DatasetSplits, Backend, Path, Listener)}). */
    public static Result trainPrivate(TrainConfig c, Backend backend, Path checkpointDir, Listener listener) {
        return trainPrivate(c, SpamAssassin.load(), backend, checkpointDir, listener);
    }

    /**
     * Trains privately on {@code splits}, resuming from and writing to {@code checkpointDir} when it
     * is not null: builds the vocabulary (privately with {@code dp}: its mechanism is the first entry
     * of the accountant), encodes, trains.
     *
     * @throws CheckpointException when the directory holds a corrupt checkpoint or one made with
     *     another configuration
     */
    public static Result trainPrivate(TrainConfig c, DatasetSplits splits, Backend backend, Path checkpointDir,
            Listener listener) {
        return trainPrivate(c, splits, backend, checkpointDir, listener, LOCAL);
    }

    /** As {@link #trainPrivate(TrainConfig, DatasetSplits, Backend, Path, Listener)}, the steps on {@code engine}. */
    public static Result trainPrivate(TrainConfig c, DatasetSplits splits, Backend backend, Path checkpointDir,
            Listener listener, StepEngine engine) {
        try (CheckpointLock lock = checkpointDir == null ? null : CheckpointLock.acquire(checkpointDir)) {
            Optional<Checkpoint> ck = checkpointDir == null ? Optional.empty() : Checkpoint.load(checkpointDir);
            GaussianNoise noise;
            VocabularyPrivacy vp;
            if (ck.isPresent()) {
                Checkpoint k = ck.get();
                List<String> diff = k.config().differences(c);
                if (!diff.isEmpty()) {
                    throw new CheckpointException("checkpoint " + Checkpoint.file(checkpointDir)
                            + " was made with other options: " + String.join("; ", diff)
                            + "; rerun with the same options, or use another --checkpoint directory");
                }
                noise = k.insecureNoise() ? GaussianNoise.insecureSeeded(c.seed()) : GaussianNoise.fromKey(k.noiseKey());
                if (!Arrays.equals(noise.key(), k.noiseKey())) {
                    throw new CheckpointException("checkpoint " + Checkpoint.file(checkpointDir)
                            + " holds a noise key that does not match its --seed");
                }
                vp = vocabularyPrivacy(k);
            } else {
                noise = c.insecureSeedNoise() ? GaussianNoise.insecureSeeded(c.seed()) : GaussianNoise.secure();
                vp = vocabularyPrivacy(c);
            }
            Data data = prepare(c, splits, ck.map(Checkpoint::vocabulary).orElse(null), noise, vp, 0);
            return trainPrivate(c, data, noise, backend, ck, checkpointDir, listener, engine);
        }
    }

    /**
     * Trains privately on given data (no checkpoint): e.g. a subset of the corpus or one with
     * inserted canaries ({@code edp audit}). The sampling rate is {@code c.sampleRate()}, which the
     * accountant records whatever the size of {@code data.train()}.
     */
    public static Result trainPrivate(TrainConfig c, Data data, Backend backend, Listener listener) {
        GaussianNoise noise = c.insecureSeedNoise() ? GaussianNoise.insecureSeeded(c.seed()) : GaussianNoise.secure();
        return trainPrivate(c, data, noise, backend, Optional.empty(), null, listener, LOCAL);
    }

    /** The private vocabulary's parameters a checkpoint recorded, or null when it has none. */
    private static VocabularyPrivacy vocabularyPrivacy(Checkpoint k) {
        if (!k.progress().containsKey("vocab-sigma")) {
            return null;
        }
        return new VocabularyPrivacy(k.progressDouble("vocab-sigma"), k.progressDouble("vocab-p"),
                k.progressDouble("vocab-threshold"), (int) k.progressLong("vocab-k"));
    }

    private static Result trainPrivate(TrainConfig c, Data data, GaussianNoise noise, Backend backend,
            Optional<Checkpoint> ck, Path checkpointDir, Listener listener, StepEngine engine) {
        requireUnits(c, data);
        listener.prepared(data);
        int vocab = data.encoder().tokenIndex().size();
        int classes = data.train().numClasses();
        Sequential model = buildModel(c, backend, vocab, classes);
        Optimizer optimizer = buildOptimizer(c);
        NoiseSchedule schedule = NoiseSchedule.parse(c.noiseSchedule());
        VocabularyPrivacy vp = data.vocabulary();
        double p = vp == null ? 0 : vp.failureProbability();
        int vocabSteps = vp == null ? 0 : 1;

        PrivacyAccountant accountant;
        double sigma0;
        int epochsDone = 0;
        long steps = 0;
        double clip = c.clip();
        StepTimes times = new StepTimes(WARMUP_STEPS);
        long trainNanos = 0;
        if (ck.isPresent()) {
            Checkpoint k = ck.get();
            accountant = PrivacyAccountants.restore(k.accountantState());
            sigma0 = k.progressDouble("sigma0");
            epochsDone = (int) k.progressLong("epochs-done");
            steps = k.progressLong("steps");
            clip = k.progressDouble("clip-norm");
            trainNanos = k.progressLong("train-nanos");
            times = new StepTimes(WARMUP_STEPS, steps, k.progressLongs("step-nanos"));
            if (accountant.totalSteps() != steps + vocabSteps || steps != (long) epochsDone * c.stepsPerEpoch()) {
                throw new CheckpointException("checkpoint " + Checkpoint.file(checkpointDir)
                        + " is inconsistent: " + steps + " steps, " + accountant.totalSteps() + " accounted, "
                        + epochsDone + " epochs");
            }
            restoreParameters(model, k, checkpointDir);
        } else {
            accountant = new RdpAccountant();
            if (vp != null) {
                accountant.step(vp.sigma(), 1.0, 1);
            }
            sigma0 = sigma0(c, vp);
        }

        int n = data.trainExamples();
        int k = data.rowsPerUnit();
        PrivateOptimizer.Builder b = PrivateOptimizer.builder(model, optimizer)
                .rowsPerUnit(k)
                .clipping(buildClipping(c))
                .noiseMultiplier(schedule.sigma(sigma0, Math.min(epochsDone, c.epochs() - 1)))
                .sampling(c.sampleRate(), n)
                .noise(noise);
        if (!Double.isNaN(c.targetEpsilon())) {
            // PartitionSelection's theorem: the accountant certifies eps - log(1/(1-p)) at delta - p
            b.budget(new PrivacyBudget(accountant, c.targetEpsilon() - PartitionSelection.epsilonCost(p),
                    PartitionSelection.accountantDelta(c.delta(), p)));
        } else {
            b.accountant(accountant);
        }
        int cap = capacity(c) * k;
        try (PrivateOptimizer opt = b.build(); Batch batch = Batch.tokens(backend, cap, c.maxLen(), classes);
             Batch evalBatch = Batch.tokens(backend, EVAL_CAPACITY, c.maxLen(), classes)) {
            if (ck.isPresent()) {
                // The optimizer's state exists once the private optimizer attached it.
                restoreOptimizer(optimizer, ck.get(), checkpointDir);
                opt.restoreProgress(steps, clip);
            }
            listener.start(true, model, sigma0, epochsDone);
            try (Steps loop = engine.start(c, opt, data.train(), vocab, noise, batch)) {
                BatchLoader testLoader = loader(data.test(), vocab, EVAL_CAPACITY);
                int[] testLabels = data.test().labels();
                List<Double> accs = new ArrayList<>();
                for (int e = epochsDone; e < c.epochs(); e++) {
                    double sigma = schedule.sigma(sigma0, e);
                    opt.setNoiseMultiplier(sigma);
                    EpochStats st = runEpoch(loop, e, c.stepsPerEpoch(), sigma, accountant, listener, times, accs,
                            model, evalBatch, testLoader, testLabels);
                    trainNanos += st.nanos();
                    if (checkpointDir != null) {
                        save(checkpointDir, c, data, noise, accountant, model, optimizer, sigma0, e + 1,
                                opt.stepsTaken(), opt.clipNorm(), trainNanos, times.kept());
                    }
                    // The un-noised training loss is not covered by epsilon: not released.
                    listener.epochEnd(e, Double.NaN, accs.get(accs.size() - 1), accountant);
                }
                double acc = Evaluation.accuracy(model, evalBatch, testLoader, testLabels);
                double rdp = PartitionSelection.epsilon(accountant, c.delta(), p);
                double prv = prvEpsilon(accountant, PartitionSelection.accountantDelta(c.delta(), p))
                        + PartitionSelection.epsilonCost(p);
                double vocabEps = 0;
                RdpAccountant training = new RdpAccountant();
                List<MechanismRun> h = accountant.history();
                for (int i = 0; i < h.size(); i++) {
                    MechanismRun r = h.get(i);
                    if (i == 0 && vp != null) {
                        RdpAccountant v = new RdpAccountant();
                        v.step(r.noiseMultiplier(), r.sampleRate(), r.steps());
                        vocabEps = PartitionSelection.epsilon(v, c.delta(), p);
                    } else {
                        training.step(r.noiseMultiplier(), r.sampleRate(), r.steps());
                    }
                }
                if (listener instanceof ModelListener ml) {
                    ml.trained(model, data, accountant);
                }
                return new Result(true, acc, rdp, prv, c.delta(), sigma0, opt.stepsTaken(), times.medianSeconds(),
                        trainNanos / 1e9, epochsDone, accs, vocabEps, training.getEpsilon(c.delta()),
                        describeVocabulary(c, data), vocab);
            }
        }
    }

    /**
     * The same model, data, batches and epochs with the ordinary step: no clipping, no noise, no
     * accounting (the sampling coins come from a generator seeded with {@code --seed}).
     */
    public static Result trainNonPrivate(TrainConfig c, Data data, Backend backend, Listener listener) {
        return trainNonPrivate(c, data, backend, listener, LOCAL);
    }

    /** As {@link #trainNonPrivate(TrainConfig, Data, Backend, Listener)}, the steps on {@code engine}. */
    public static Result trainNonPrivate(TrainConfig c, Data data, Backend backend, Listener listener,
            StepEngine engine) {
        requireUnits(c, data);
        listener.prepared(data);
        int vocab = data.encoder().tokenIndex().size();
        int classes = data.train().numClasses();
        Sequential model = buildModel(c, backend, vocab, classes);
        int n = data.trainExamples();
        int k = data.rowsPerUnit();
        GaussianNoise coins = GaussianNoise.insecureSeeded(c.seed());
        int cap = capacity(c) * k;
        StepTimes times = new StepTimes(WARMUP_STEPS);
        long trainNanos = 0;
        try (PrivateOptimizer opt = PrivateOptimizer.builder(model, buildOptimizer(c)).nonPrivate().rowsPerUnit(k)
                .sampling(c.sampleRate(), n).build();
             Batch batch = Batch.tokens(backend, cap, c.maxLen(), classes);
             Batch evalBatch = Batch.tokens(backend, EVAL_CAPACITY, c.maxLen(), classes)) {
            listener.start(false, model, 0, 0);
            try (Steps loop = engine.start(c, opt, data.train(), vocab, coins, batch)) {
                BatchLoader testLoader = loader(data.test(), vocab, EVAL_CAPACITY);
                int[] testLabels = data.test().labels();
                List<Double> accs = new ArrayList<>();
                for (int e = 0; e < c.epochs(); e++) {
                    EpochStats st = runEpoch(loop, e, c.stepsPerEpoch(), 0, null, listener, times, accs, model,
                            evalBatch, testLoader, testLabels);
                    trainNanos += st.nanos();
                    listener.epochEnd(e, st.meanLoss(), accs.get(accs.size() - 1), null);
                }
                double acc = accs.isEmpty() ? Evaluation.accuracy(model, evalBatch, testLoader, testLabels)
                        : accs.get(accs.size() - 1);
                if (listener instanceof ModelListener ml) {
                    ml.trained(model, data, null);
                }
                return new Result(false, acc, Double.NaN, Double.NaN, c.delta(), 0, opt.stepsTaken(),
                        times.medianSeconds(), trainNanos / 1e9, 0, accs, Double.NaN, Double.NaN,
                        describeVocabulary(c, data), data.encoder().tokenIndex().size());
            }
        }
    }

    /** The data was prepared for the configuration's rows per unit (with or without its counterfactual copies). */
    private static void requireUnits(TrainConfig c, Data data) {
        if (data.rowsPerUnit() != c.data().rowsPerUnit()) {
            throw new IllegalArgumentException("the data has " + data.rowsPerUnit() + " rows per example, the "
                    + "configuration " + c.data().rowsPerUnit() + " (--counterfactual-augment)");
        }
    }

    private record EpochStats(long nanos, double meanLoss) {
    }

    private static EpochStats runEpoch(Steps loop, int epoch, int steps, double sigma, PrivacyAccountant acc,
            Listener listener, StepTimes times, List<Double> accs, Sequential model, Batch evalBatch,
            BatchLoader testLoader, int[] testLabels) {
        listener.epochStart(epoch, steps, sigma);
        // An epoch is a block: another training may have run since this run's last step.
        times.newBlock();
        double loss = 0;
        long examples = 0;
        long total = 0;
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            StepReport r = loop.step();
            long dt = System.nanoTime() - t0;
            total += dt;
            times.record(dt);
            loss += r.loss();
            examples += r.examples();
            listener.step(acc == null ? r : releasable(r), acc);
        }
        accs.add(Evaluation.accuracy(model, evalBatch, testLoader, testLabels));
        return new EpochStats(total, examples == 0 ? Double.NaN : loss / examples);
    }

    /**
     * What a private step may tell a listener: its number, clip bound and noise, not the batch size,
     * loss or clipped fraction, which are un-noised statistics of the sampled training examples.
     */
    static StepReport releasable(StepReport r) {
        return new StepReport(r.step(), -1, Double.NaN, r.clipNorm(), Double.NaN, r.noiseStddev());
    }

    /** How the run's vocabulary was made, for reports and the saved model. */
    static String describeVocabulary(TrainConfig c, Data data) {
        DataSpec d = c.data();
        String buckets = data.encoder().tokenIndex() instanceof VocabularyWithBuckets b
                ? " + " + b.buckets() + " hash buckets" : "";
        if (data.vocabulary() != null) {
            return data.vocabulary().describe() + buckets;
        }
        if (d.hashed()) {
            return d.vocabulary();
        }
        if (d.privateVocabulary() || "fitted".equals(d.vocabulary())) {
            return "fitted on the training split (not private)" + buckets;
        }
        return "file " + d.vocabulary() + buckets;
    }

    /** A listener that also receives the trained model (to save it). */
    public interface ModelListener extends Listener {
        /**
         * The run ended: its model, data and accountant (vocabulary and DP-SGD); the accountant is
         * null for the non-private run.
         */
        void trained(Sequential model, Data data, PrivacyAccountant accountant);
    }

    /** The PRV epsilon of the history the RDP accountant recorded (PRV is tighter; both are valid bounds). */
    public static double prvEpsilon(PrivacyAccountant rdp, double delta) {
        PrvAccountant prv = new PrvAccountant();
        rdp.history().forEach(r -> prv.step(r.noiseMultiplier(), r.sampleRate(), r.steps()));
        return prv.getEpsilon(delta);
    }

    private static void restoreParameters(Sequential model, Checkpoint k, Path dir) {
        List<Parameter> ps = model.parameters();
        if (ps.size() != k.parameters().size()) {
            throw new CheckpointException("checkpoint " + Checkpoint.file(dir) + " holds " + k.parameters().size()
                    + " parameters, the model has " + ps.size());
        }
        for (int i = 0; i < ps.size(); i++) {
            copyIn(ps.get(i).value(), k.parameters().get(i), dir);
        }
    }

    private static void restoreOptimizer(Optimizer optimizer, Checkpoint k, Path dir) {
        List<Tensor> os = optimizer.state();
        if (os.size() != k.optimizerState().size()) {
            throw new CheckpointException("checkpoint " + Checkpoint.file(dir) + " holds " + k.optimizerState().size()
                    + " optimizer tensors, the optimizer has " + os.size());
        }
        for (int i = 0; i < os.size(); i++) {
            copyIn(os.get(i), k.optimizerState().get(i), dir);
        }
    }

    private static void copyIn(Tensor t, float[] values, Path dir) {
        if (t.size() != values.length) {
            throw new CheckpointException("checkpoint " + Checkpoint.file(dir) + " holds a tensor of " + values.length
                    + " values where the model has " + t.shape());
        }
        t.copyFrom(values);
    }

    private static void save(Path dir, TrainConfig c, Data data, GaussianNoise noise, PrivacyAccountant acc,
            Sequential model, Optimizer optimizer, double sigma0, int epochsDone, long steps, double clip,
            long trainNanos, List<Long> stepNanos) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("epochs-done", Integer.toString(epochsDone));
        p.put("steps", Long.toString(steps));
        p.put("clip-norm", Double.toString(clip));
        p.put("sigma0", Double.toString(sigma0));
        p.put("train-nanos", Long.toString(trainNanos));
        StringBuilder sn = new StringBuilder();
        for (long x : stepNanos) {
            if (sn.length() > 0) {
                sn.append(',');
            }
            sn.append(x);
        }
        p.put("step-nanos", sn.toString());
        VocabularyPrivacy vp = data.vocabulary();
        if (vp != null) {
            p.put("vocab-sigma", Double.toString(vp.sigma()));
            p.put("vocab-p", Double.toString(vp.failureProbability()));
            p.put("vocab-threshold", Double.toString(vp.threshold()));
            p.put("vocab-k", Integer.toString(vp.tokensPerDocument()));
        }
        List<String> names = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        List<Parameter> ps = model.parameters();
        for (int i = 0; i < ps.size(); i++) {
            names.add(i + ":" + ps.get(i));
            values.add(ps.get(i).value().toArray());
        }
        List<float[]> state = new ArrayList<>();
        for (Tensor t : optimizer.state()) {
            state.add(t.toArray());
        }
        TokenIndex ti = data.encoder().tokenIndex();
        List<String> tokens = ti instanceof Vocabulary v ? v.tokens()
                : ti instanceof VocabularyWithBuckets b ? b.base().tokens() : List.of();
        new Checkpoint(c, p, tokens, !noise.isSecure(), noise.key(), acc.saveState(),
                names, values, state).save(dir);
    }
}
