package org.edp4j.jmh;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.EncodedDataset;
import org.edp4j.data.Encoder;
import org.edp4j.data.SpamAssassin;
import org.edp4j.data.Tokenizer;
import org.edp4j.dp.Adam;
import org.edp4j.dp.BatchLoader;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fl.DeviceSelection;
import org.edp4j.fl.DeviceTrainer;
import org.edp4j.fl.FederatedAveraging;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.ModelVector;
import org.edp4j.fl.Partition;
import org.edp4j.fl.Population;
import org.edp4j.fl.RoundExecutor;
import org.edp4j.fl.RoundReport;
import org.edp4j.fl.RoundTally;
import org.edp4j.fl.RoundTask;
import org.edp4j.fl.StaticPopulation;
import org.edp4j.fl.ThreadPoolRoundExecutor;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * DP-FedAvg rounds ({@link FederatedAveraging}) on a simulated population of {@value #DEVICES} devices
 * with {@value #PER_ROUND} expected per round, on the bag model (CPU backend).
 *
 * <ul>
 *   <li>{@code round}: one whole round, device side included: selection (10,000 coins), local training
 *       of the selected devices ({@value #LOCAL_EPOCHS} epochs of batch {@value #LOCAL_BATCH} on the
 *       {@code threads} device threads), clipping, the sum in device order, noise, FedAdam, accounting.
 *       Operations per second = rounds per second.
 *   <li>{@code serverSide}: a whole round of the same server with an executor that only adds
 *       {@value #PER_ROUND}-odd stored updates, one per selected device, in order (no local training):
 *       selection (10,000 coins), the sum, the noise once, FedAdam and the accountant. Nothing overlaps the noise generation here, while in a real round it is prefetched
 *       during the devices' training.
 * </ul>
 * The sum alone, against a copy of the same updates: {@link FederatedSumBenchmark}.
 *
 * <p>Population: device sizes log-normal (sigma 1, mean {@value #MEAN_EXAMPLES} emails), each slot an
 * email drawn with replacement from the 4,717 training emails of the bundled corpus, encoded with the
 * {@code bag} shape's vocabulary and 128 tokens. {@code bag}: {@code 4000x16} is {@code edp federated}'s
 * default bag (Embedding 4,000 x 16, Linear 16-16, Tanh, Linear 16-2: 64,306 parameters),
 * {@code 8000x32} is {@code edp train}'s width (256,562 parameters). Noise: sigma 1, C 1, a seeded
 * key (the generator's speed does not depend on it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FederatedBenchmark {
    static final int DEVICES = 10_000;
    static final int PER_ROUND = 100;
    static final int MEAN_EXAMPLES = 10;
    static final int MAX_LEN = 128;
    static final int HIDDEN = 16;
    static final int LOCAL_EPOCHS = 2;
    static final int LOCAL_BATCH = 4;

    @Param({"4000x16", "8000x32"})
    public String bag;

    @Param({"uniform", "activity"})
    public String selection;

    @Param({"2"})
    public int threads;

    private Sequential model;
    private ThreadPoolRoundExecutor executor;
    private FederatedAveraging server;
    private FederatedAveraging serverOnly;

    /** The encoded training split and the population over it. */
    record Setting(EncodedDataset train, int vocab, int dim, Population population) {
    }

    /**
     * {@code devices} devices with log-normal sizes (sigma 1) of mean {@code meanExamples} (at least 1 each),
     * every slot a uniformly drawn example of {@code [0, n)}: a population larger than its dataset.
     */
    static Partition population(int n, int devices, int meanExamples, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = new double[devices];
        double sum = 0;
        for (int d = 0; d < devices; d++) {
            w[d] = Math.exp(rng.nextGaussian());
            sum += w[d];
        }
        int[][] held = new int[devices][];
        for (int d = 0; d < devices; d++) {
            int size = Math.max(1, (int) Math.round(w[d] / sum * devices * meanExamples));
            held[d] = new int[size];
            for (int k = 0; k < size; k++) {
                held[d][k] = rng.nextInt(n);
            }
        }
        return Partition.of(held);
    }

    static Setting setting(String bag) {
        String[] vd = bag.split("x");
        int vocabSize = Integer.parseInt(vd[0]);
        int dim = Integer.parseInt(vd[1]);
        DatasetSplits splits = SpamAssassin.load();
        Encoder enc = Encoder.fit(splits.train(), Tokenizer.standard(), vocabSize, 2, MAX_LEN);
        EncodedDataset train = enc.encode(splits.train());
        return new Setting(train, enc.vocabulary().size(), dim,
                new StaticPopulation(population(train.size(), DEVICES, MEAN_EXAMPLES, 3)));
    }

    static BatchLoader loader(EncodedDataset d, int vocab) {
        return (b, rows, from, count) -> b.loadTokens(d.tokens(), d.labels(),
                Arrays.copyOfRange(rows, from, from + count), count, vocab);
    }

    static Sequential bagModel(Setting s) {
        return Models.bag(CpuBackend.instance(), new SplittableRandom(1), s.vocab(), s.dim(), HIDDEN, 2);
    }

    static DeviceSelection selection(String name) {
        return "activity".equals(name) ? DeviceSelection.activity(DEVICES, PER_ROUND, 1.5 * PER_ROUND / DEVICES)
                : DeviceSelection.uniform(DEVICES, PER_ROUND);
    }

    /** A server over {@code population} with FedAdam, flat clip 1, sigma 1, seeded keys. */
    static FederatedAveraging server(Sequential model, Population population, DeviceSelection sel, RoundExecutor e) {
        return FederatedAveraging.builder(model, new Adam(0.1, 0.9, 0.99, 1e-3, 0)).population(population)
                .selection(sel).executor(e).clipping(Clipping.flat(1.0)).noiseMultiplier(1.0)
                .noise(GaussianNoise.insecureSeeded(Workload.NOISE_SEED)).coins(GaussianNoise.insecureSeeded(8))
                .build();
    }

    /** Adds stored updates, one per selected device, in order: the device side reduced to the sum. */
    static final class StoredUpdates implements RoundExecutor {
        private final ModelVector[] updates;
        private int next;

        StoredUpdates(Sequential shape, int count) {
            SplittableRandom r = new SplittableRandom(4);
            updates = new ModelVector[count];
            for (int k = 0; k < count; k++) {
                updates[k] = ModelVector.zerosLike(shape);
                for (int i = 0; i < updates[k].partCount(); i++) {
                    float[] p = updates[k].part(i);
                    for (int j = 0; j < p.length; j++) {
                        p[j] = (float) (r.nextDouble() - 0.5) * 1e-3f;
                    }
                }
            }
        }

        /** The same traffic as {@link #run} with a copy instead of an add: each update copied over {@code out}. */
        void copy(int count, ModelVector out) {
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < out.partCount(); i++) {
                    float[] src = updates[next].part(i);
                    System.arraycopy(src, 0, out.part(i), 0, src.length);
                }
                next = (next + 1) % updates.length;
            }
        }

        @Override
        public RoundTally run(RoundTask task, ModelVector sum) {
            sum.zero();
            int n = task.devices().length;
            for (int k = 0; k < n; k++) {
                sum.add(updates[next]);
                next = (next + 1) % updates.length;
            }
            return new RoundTally(n, n, 0);
        }

        @Override
        public void close() {
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        Setting s = setting(bag);
        model = bagModel(s);
        LocalTraining local = new LocalTraining(LOCAL_EPOCHS, LOCAL_BATCH, 1.0, 5);
        executor = new ThreadPoolRoundExecutor(threads, () -> new DeviceTrainer(bagModel(s),
                Batch.tokens(CpuBackend.instance(), LOCAL_BATCH, MAX_LEN, 2), loader(s.train(), s.vocab()),
                s.population(), local));
        server = server(model, s.population(), selection(selection), executor);
        Population second = new StaticPopulation(population(s.train().size(), DEVICES, MEAN_EXAMPLES, 3));
        Sequential other = bagModel(s);
        serverOnly = server(other, second, selection(selection), new StoredUpdates(other, 2 * PER_ROUND));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
        serverOnly.close();
        executor.close();
    }

    @Benchmark
    public RoundReport round() {
        return server.round();
    }

    @Benchmark
    public RoundReport serverSide() {
        return serverOnly.round();
    }
}
