package org.edp4j.spark;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.fl.DeviceTrainer;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.ModelVector;
import org.edp4j.fl.RoundExecutor;
import org.edp4j.fl.RoundSelection;
import org.edp4j.fl.RoundTally;
import org.edp4j.fl.RoundTask;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;

/**
 * A {@link RoundExecutor} on Apache Spark: the device side of DP-FedAvg runs where the devices live,
 * and the server ({@link org.edp4j.fl.FederatedAveraging}) stays the same code on the driver.
 *
 * <p>A round is one Spark job over the population's blocks ({@link SparkPopulation}):
 * <ol>
 *   <li>the driver broadcasts the global weights and the round's selection: its
 *       {@link org.edp4j.fl.InclusionRule} and the <em>sampling key</em> (never the noise key);</li>
 *   <li>each task flips the coins of its block's devices ({@link RoundSelection#select}: the coins of
 *       {@link org.edp4j.fl.DeviceSampler}, so the same devices join as on one machine), trains every
 *       selected device from the global weights and clips its update ({@link DeviceTrainer}, the same
 *       code as {@link org.edp4j.fl.ThreadPoolRoundExecutor}'s workers), and adds the clipped updates
 *       in device order;</li>
 *   <li>the partitions' sums are added by a tree aggregation in a fixed order ({@link TreeSum}), the
 *       last level on the driver, which hands the sum to the server: noise once, scaling, optimizer,
 *       accounting.</li>
 * </ol>
 * The sum equals {@code ThreadPoolRoundExecutor}'s up to float rounding (another summation order);
 * the tally (participants, within-bound and dropped counts) exactly.
 *
 * <p>Failures: a device's non-finite update under {@link NonFinitePolicy#THROW} fails the job and
 * {@link #run} rethrows the device's {@link org.edp4j.dp.NonFiniteGradientException}; nothing on the
 * server changed. Not thread-safe: one server drives one executor.
 */
public final class SparkRoundExecutor implements RoundExecutor {
    private final SparkPopulation population;
    private final ModelFactory model;
    private final Specs.LocalSpec local;
    private final int depth;
    private final String key = "round-" + UUID.randomUUID();
    private RoundTimes last = new RoundTimes(0, 0);

    /**
     * @param population the devices (the server's census should be this population, or one with the same counts)
     * @param model builds a device's replica on an executor
     * @param local the local training of a selected device
     * @param aggregationDepth the depth of the tree aggregation, {@code >= 1} (2 is Spark's default)
     * @throws IllegalArgumentException when the depth is below 1
     */
    public SparkRoundExecutor(SparkPopulation population, ModelFactory model, LocalTraining local,
            int aggregationDepth) {
        this.population = Objects.requireNonNull(population, "population");
        this.model = Objects.requireNonNull(model, "model");
        this.local = Specs.LocalSpec.of(Objects.requireNonNull(local, "local"));
        if (aggregationDepth < 1) {
            throw new IllegalArgumentException("aggregation depth must be >= 1, got " + aggregationDepth);
        }
        this.depth = aggregationDepth;
    }

    /** What the driver spent on the last round: the whole job, and its share adding the last level. */
    public record RoundTimes(long jobNanos, long driverSumNanos) {
    }

    @Override
    public RoundTally run(RoundTask task, ModelVector sum) {
        JavaSparkContext sc = population.sparkContext();
        float[][] weights = new float[task.global().partCount()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = task.global().part(i).clone();
        }
        long t0 = System.nanoTime();
        Broadcast<float[][]> global = sc.broadcast(weights);
        try {
            RoundJob job = new RoundJob(key, global, population.corpus(), task.round(),
                    Specs.ClippingSpec.of(task.clipping()), task.clipNorm(), Specs.SelectionSpec.of(task.selection()),
                    task.nonFinitePolicy(), population.setting(), model, local, population.maxHeld(),
                    population.deviceCount(), population.classes(), population.maxLen());
            sc.setJobDescription("edp4j federated round " + task.round());
            TreeSum.Result<RoundPartial> r = TreeSum.sum(population.blocks().mapPartitions(job), depth);
            last = new RoundTimes(System.nanoTime() - t0, r.driverNanos());
            RoundPartial p = r.sum() != null ? r.sum() : new RoundPartial();
            p.writeTo(sum);
            return p.tally();
        } catch (Exception e) {
            throw SparkFailures.unwrap(e, "federated round " + task.round());
        } finally {
            global.destroy();
        }
    }

    /** @return the times of the last round */
    public RoundTimes lastRoundTimes() {
        return last;
    }

    /** Forgets the workers this executor left in the driver's JVM (Spark's local mode runs its tasks there). */
    @Override
    public void close() {
        ExecutorCache.clear(key);
    }

    /** One task: select, train and clip the devices of its blocks, and add their updates. */
    static final class RoundJob implements FlatMapFunction<Iterator<DeviceBlock>, RoundPartial> {
        private static final long serialVersionUID = 1L;

        private final String key;
        private final Broadcast<float[][]> global;
        private final Broadcast<TokenRows> corpus;
        private final long round;
        private final Specs.ClippingSpec clipping;
        private final double clipNorm;
        private final Specs.SelectionSpec selection;
        private final NonFinitePolicy policy;
        private final DeviceSetting setting;
        private final ModelFactory model;
        private final Specs.LocalSpec local;
        private final int maxHeld;
        private final int devices;
        private final int classes;
        private final int maxLen;

        RoundJob(String key, Broadcast<float[][]> global, Broadcast<TokenRows> corpus, long round,
                Specs.ClippingSpec clipping, double clipNorm, Specs.SelectionSpec selection, NonFinitePolicy policy,
                DeviceSetting setting, ModelFactory model, Specs.LocalSpec local, int maxHeld, int devices,
                int classes, int maxLen) {
            this.key = key;
            this.global = global;
            this.corpus = corpus;
            this.round = round;
            this.clipping = clipping;
            this.clipNorm = clipNorm;
            this.selection = selection;
            this.policy = policy;
            this.setting = setting;
            this.model = model;
            this.local = local;
            this.maxHeld = maxHeld;
            this.devices = devices;
            this.classes = classes;
            this.maxLen = maxLen;
        }

        @Override
        public Iterator<RoundPartial> call(Iterator<DeviceBlock> blocks) {
            Worker w = ExecutorCache.borrow(key, this::newWorker);
            try {
                TokenRows shared = corpus == null ? null : corpus.value();
                RoundSelection who = selection.selection(w.view);
                RoundTask task = new RoundTask(round, clipping == null ? null : clipping.clipping(), clipNorm,
                        ModelVector.wrap(global.value()), who, policy);
                RoundPartial partial = new RoundPartial();
                while (blocks.hasNext()) {
                    DeviceBlock b = blocks.next();
                    w.view.set(b, shared, round);
                    int[] counts = w.view.heldCounts(w.counts(b.count()));
                    int[] chosen = w.chosen(b.count());
                    int n = who.select(round, b.firstDevice(), counts, b.count(), chosen);
                    for (int k = 0; k < n; k++) {
                        partial.add(w.update, w.trainer.update(task, chosen[k], w.update));
                    }
                }
                return List.of(partial).iterator();
            } finally {
                ExecutorCache.giveBack(key, w);
            }
        }

        private Worker newWorker() {
            LocalTraining l = local.local();
            BlockView view = new BlockView(devices, maxHeld, setting, l.batchSize());
            Sequential replica = model.create(CpuBackend.instance());
            DeviceTrainer trainer = new DeviceTrainer(replica,
                    Batch.tokens(CpuBackend.instance(), l.batchSize(), maxLen, classes), view.loader(), view, l);
            return new Worker(view, trainer, ModelVector.zerosLike(replica));
        }
    }

    /** A task's replica, its view of the population, and scratch. */
    static final class Worker implements AutoCloseable {
        final BlockView view;
        final DeviceTrainer trainer;
        final ModelVector update;
        private int[] counts = new int[0];
        private int[] chosen = new int[0];

        Worker(BlockView view, DeviceTrainer trainer, ModelVector update) {
            this.view = view;
            this.trainer = trainer;
            this.update = update;
        }

        int[] counts(int n) {
            if (counts.length < n) {
                counts = new int[n];
            }
            return counts;
        }

        int[] chosen(int n) {
            if (chosen.length < n) {
                chosen = new int[n];
            }
            return chosen;
        }

        @Override
        public void close() {
            trainer.close();
        }
    }
}
