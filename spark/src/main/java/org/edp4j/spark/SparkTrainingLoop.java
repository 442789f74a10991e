package org.edp4j.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.edp4j.dp.NonFiniteGradientException;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.dp.PoissonSampler;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.StepReport;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;

/**
 * Data-parallel DP-SGD on Apache Spark: the same steps as {@link org.edp4j.dp.TrainingLoop} on one
 * machine, with the per-example work on the executors and everything that touches the noise on the
 * driver.
 *
 * <p>Step t is one Spark job over the examples' blocks ({@link SparkExamples}):
 * <ol>
 *   <li>the driver broadcasts the weights, the clip bound and the <em>sampling key</em> (the noise key
 *       stays on the driver);</li>
 *   <li>each task draws the Poisson coin of each of its examples from the sampling key and
 *       {@code (t, example id)} ({@link PoissonSampler#sampleRange}: the coins of
 *       {@link PoissonSampler}, so the same examples are sampled as on one machine), and runs its
 *       sampled rows through a replica's {@link PrivateOptimizer#accumulate} in physical batches:
 *       forward, one backward pass, per-example norms and clipped sums with edp4j's book-keeping
 *       kernels;</li>
 *   <li>the partitions' sums are added by a tree aggregation in a fixed order ({@link TreeSum});</li>
 *   <li>the driver's {@link PrivateOptimizer} takes the sum as its step's clipped sums
 *       ({@link org.edp4j.dp.PrivateStep#addClippedSums}) and steps: budget check, noise once from the secret key, scaling by {@code 1 / (q n)}, the
 *       update, the accountant, and the ADAPTIVE bound.</li>
 * </ol>
 * With the same keys and data the run equals {@code TrainingLoop} with a {@code PoissonSampler} over
 * the sampling key, up to the float rounding of sums taken in another order (tests).
 *
 * <p>Not thread-safe: one training loop drives one optimizer.
 */
public final class SparkTrainingLoop implements AutoCloseable {
    private final PrivateOptimizer optimizer;
    private final SparkExamples examples;
    private final int[] coinsKey;
    private final ModelFactory model;
    private final int capacity;
    private final int depth;
    private final String key = "step-" + UUID.randomUUID();
    private StepTimes last = new StepTimes(0, 0, 0);

    /**
     * @param optimizer the driver's optimizer (its model is the global model; its noise key stays here);
     *     built with {@code sampling(q, examples.size())}
     * @param examples the training examples
     * @param samplingCoins the generator of the Poisson coins, whose key travels to the executors: not
     *     the optimizer's secure noise generator
     * @param model builds a replica of the optimizer's model on an executor
     * @param capacity the physical batch capacity of a task (a larger sample is split), {@code >= 1}
     * @param aggregationDepth the depth of the tree aggregation, {@code >= 1}
     * @throws IllegalArgumentException when the optimizer's expected batch is not {@code q} times the
     *     examples, the sampling key is the secure noise key, or a size is out of range
     */
    public SparkTrainingLoop(PrivateOptimizer optimizer, SparkExamples examples, GaussianNoise samplingCoins,
            ModelFactory model, int capacity, int aggregationDepth) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.examples = Objects.requireNonNull(examples, "examples");
        this.model = Objects.requireNonNull(model, "model");
        Objects.requireNonNull(samplingCoins, "samplingCoins");
        double n = optimizer.expectedBatchSize() / optimizer.sampleRate();
        if (Math.abs(n - examples.size()) > 1e-6 * examples.size()) {
            throw new IllegalArgumentException("the optimizer was built for " + Math.round(n) + " examples, the "
                    + "dataset has " + examples.size() + ": the accountant would record the wrong q");
        }
        if (samplingCoins.isSecure() && optimizer.noise() != null
                && Arrays.equals(samplingCoins.key(), optimizer.noise().key())) {
            throw new IllegalArgumentException("the sampling key must not be the secure noise key: the sampling key "
                    + "travels to the executors and the noise key never leaves the driver");
        }
        if (capacity < 1 || aggregationDepth < 1) {
            throw new IllegalArgumentException("capacity and aggregation depth must be >= 1, got " + capacity + " and "
                    + aggregationDepth);
        }
        this.coinsKey = samplingCoins.key();
        this.capacity = capacity;
        this.depth = aggregationDepth;
    }

    /**
     * What the last step cost on the driver: the Spark job (broadcast, sampling, per-example work,
     * aggregation), its last level of additions on the driver, and the driver's step (noise, scale,
     * update, accounting).
     */
    public record StepTimes(long jobNanos, long driverSumNanos, long driverStepNanos) {
    }

    /**
     * One step: sample, clip and sum on the executors, then noise, scale, update and account here.
     *
     * @return the optimizer's report of the step (its loss and counts are not covered by epsilon)
     * @throws org.edp4j.privacy.PrivacyBudgetExceededException before the model changes, as
     *     {@link PrivateOptimizer#step()}
     * @throws NonFiniteGradientException when an example's gradient is not finite (policy THROW),
     *     naming its id; the model is unchanged
     */
    public StepReport step() {
        JavaSparkContext sc = examples.sparkContext();
        Sequential m = optimizer.model();
        List<Parameter> ps = m.parameters();
        float[][] weights = new float[ps.size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = ps.get(i).value().toArray();
        }
        long t = optimizer.stepsTaken();
        long t0 = System.nanoTime();
        Broadcast<float[][]> global = sc.broadcast(weights);
        TreeSum.Result<StepPartial> r;
        try {
            StepJob job = new StepJob(key, global, coinsKey, t, optimizer.sampleRate(), examples.size(),
                    optimizer.isPrivate(), Specs.ClippingSpec.of(optimizer.clipping()), optimizer.clipNorm(),
                    optimizer.noiseMultiplier(),
                    optimizer.nonFinitePolicy(), model, capacity, examples.classes(), examples.maxLen());
            sc.setJobDescription("edp4j DP-SGD step " + t);
            r = TreeSum.sum(examples.blocks().mapPartitions(job), depth);
        } catch (Exception e) {
            throw SparkFailures.unwrap(e, "DP-SGD step " + t);
        } finally {
            global.destroy();
        }
        long t1 = System.nanoTime();
        StepPartial p = r.sum() != null ? r.sum() : new StepPartial();
        optimizer.zeroGrad();
        if (p.sums != null) {
            optimizer.privateStep().addClippedSums(p.sums, p.examples, p.loss, p.withinBound, p.clipped);
        }
        StepReport report = optimizer.step();
        last = new StepTimes(t1 - t0, r.driverNanos(), System.nanoTime() - t1);
        return report;
    }

    /** @return the times of the last step */
    public StepTimes lastStepTimes() {
        return last;
    }

    /** Steps per epoch: {@code round(1 / q)}, as {@link org.edp4j.dp.TrainingLoop#stepsPerEpoch()}. */
    public int stepsPerEpoch() {
        return (int) Math.max(1, Math.round(1.0 / optimizer.sampleRate()));
    }

    /** @return the driver's optimizer */
    public PrivateOptimizer optimizer() {
        return optimizer;
    }

    /** Forgets the replicas this loop left in the driver's JVM (Spark's local mode runs its tasks there). */
    @Override
    public void close() {
        ExecutorCache.clear(key);
    }

    /** One task: sample its examples, clip and sum their gradients on a replica. */
    static final class StepJob implements FlatMapFunction<Iterator<ExampleBlock>, StepPartial> {
        private static final long serialVersionUID = 1L;

        private final String key;
        private final Broadcast<float[][]> global;
        private final int[] coinsKey;
        private final long step;
        private final double q;
        private final int n;
        private final boolean isPrivate;
        private final Specs.ClippingSpec clipping;
        private final double clipNorm;
        private final double sigma;
        private final NonFinitePolicy policy;
        private final ModelFactory model;
        private final int capacity;
        private final int classes;
        private final int maxLen;

        StepJob(String key, Broadcast<float[][]> global, int[] coinsKey, long step, double q, int n, boolean isPrivate,
                Specs.ClippingSpec clipping, double clipNorm, double sigma, NonFinitePolicy policy, ModelFactory model,
                int capacity, int classes, int maxLen) {
            this.key = key;
            this.global = global;
            this.coinsKey = coinsKey;
            this.step = step;
            this.q = q;
            this.n = n;
            this.isPrivate = isPrivate;
            this.clipping = clipping;
            this.clipNorm = clipNorm;
            this.sigma = sigma;
            this.policy = policy;
            this.model = model;
            this.capacity = capacity;
            this.classes = classes;
            this.maxLen = maxLen;
        }

        @Override
        public Iterator<StepPartial> call(Iterator<ExampleBlock> blocks) {
            Replica w = ExecutorCache.borrow(key, this::newReplica);
            try {
                float[][] weights = global.value();
                List<Parameter> ps = w.model.parameters();
                for (int i = 0; i < ps.size(); i++) {
                    ps.get(i).value().copyFrom(weights[i]);
                }
                GaussianNoise coins = GaussianNoise.fromKey(coinsKey);
                if (isPrivate) {
                    w.optimizer.restoreProgress(step, clipNorm);
                }
                w.optimizer.zeroGrad();
                StepPartial part = new StepPartial();
                boolean any = false;
                while (blocks.hasNext()) {
                    ExampleBlock b = blocks.next();
                    int size = b.rows().size();
                    int[] ids = w.ids(size);
                    int k = PoissonSampler.sampleRange(coins, step, q, b.firstId(), size, ids);
                    for (int j = 0; j < k; j++) {
                        ids[j] -= b.firstId();
                    }
                    for (int from = 0; from < k; from += capacity) {
                        int c = Math.min(capacity, k - from);
                        System.arraycopy(ids, from, w.rows, 0, c);
                        b.rows().load(w.batch, w.rows, c);
                        try {
                            part.loss += w.optimizer.accumulate(w.batch);
                        } catch (NonFiniteGradientException e) {
                            throw new NonFiniteGradientException(b.firstId() + e.sampleIndex(), "example "
                                    + (b.firstId() + e.sampleIndex()) + " (row " + e.sampleIndex()
                                    + " of the block from id " + b.firstId() + "): " + e.getMessage());
                        }
                        part.examples += c;
                        any = true;
                    }
                }
                if (any) {
                    part.sums = new float[ps.size()][];
                    for (int i = 0; i < ps.size(); i++) {
                        part.sums[i] = ps.get(i).grad().toArray();
                    }
                    part.withinBound = w.optimizer.privateStep().withinBoundCount();
                    part.clipped = w.optimizer.privateStep().clippedCount();
                }
                return List.of(part).iterator();
            } finally {
                ExecutorCache.giveBack(key, w);
            }
        }

        private Replica newReplica() {
            Sequential replica = model.create(CpuBackend.instance());
            PrivateOptimizer.Builder b = PrivateOptimizer.builder(replica, Sgd.plain(1)).sampling(q, n)
                    .nonFinitePolicy(policy);
            // The replica never steps: its noise multiplier (the driver's, so that ADAPTIVE's split is
            // as valid as there) and its generator are never used.
            b = isPrivate ? b.clipping(clipping.clipping()).noiseMultiplier(sigma) : b.nonPrivate();
            return new Replica(replica, b.build(), Batch.tokens(CpuBackend.instance(), capacity, maxLen, classes),
                    capacity);
        }
    }

    /** A task's model replica, its (never stepping) optimizer and batch. */
    static final class Replica implements AutoCloseable {
        final Sequential model;
        final PrivateOptimizer optimizer;
        final Batch batch;
        final int[] rows;
        private int[] ids = new int[0];

        Replica(Sequential model, PrivateOptimizer optimizer, Batch batch, int capacity) {
            this.model = model;
            this.optimizer = optimizer;
            this.batch = batch;
            this.rows = new int[capacity];
        }

        int[] ids(int n) {
            if (ids.length < n) {
                ids = new int[n];
            }
            return ids;
        }

        @Override
        public void close() {
            optimizer.close();
            batch.close();
        }
    }
}
