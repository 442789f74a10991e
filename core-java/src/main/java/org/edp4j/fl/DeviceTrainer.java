package org.edp4j.fl;

import java.util.Objects;
import java.util.SplittableRandom;
import org.edp4j.audit.Permutation;
import org.edp4j.dp.BatchLoader;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.NonFiniteGradientException;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Sequential;

/**
 * One worker of the device side: it trains a selected device locally from the global weights and
 * returns the device's clipped update. A worker owns a replica of the model, so an executor runs
 * one per thread (or per machine); the update does not depend on which worker computes it.
 *
 * <p>For device d in round t, from global weights {@code w}:
 * <ol>
 *   <li>the replica is set to {@code w};</li>
 *   <li>{@link LocalTraining#epochs()} epochs of plain SGD over the examples d holds now, each epoch in
 *       a random order seeded from {@code (shuffleSeed, t, d)}, in batches of
 *       {@link LocalTraining#batchSize()}: the ordinary (non-private) step of
 *       {@link PrivateOptimizer}, with no clipping and no noise, since the privacy is at the device
 *       level;</li>
 *   <li>the update is {@code u = w - w_local} (minus the model delta: a pseudo-gradient, so that the
 *       server's optimizer, which subtracts, moves the model towards the devices);</li>
 *   <li>{@code u} is clipped ({@link UpdateClipper}); in a non-private round it is only checked.</li>
 * </ol>
 * A device that holds no example sends {@code u = 0}. A non-finite update (or a non-finite local
 * gradient) throws {@link NonFiniteGradientException} naming the device under
 * {@link NonFinitePolicy#THROW}, or is dropped (sent as 0) under {@link NonFinitePolicy#SKIP_SAMPLE}.
 *
 * <p>Not thread-safe.
 */
public final class DeviceTrainer implements AutoCloseable {
    private final Sequential replica;
    private final Batch batch;
    private final BatchLoader loader;
    private final Population population;
    private final LocalTraining local;
    private final PrivateOptimizer step;
    private final UpdateClipper clipper;
    private int[] held = new int[0];

    /**
     * @param replica a model of the server's architecture (its weights are overwritten); not shared
     *     with another worker
     * @param batch a batch of the model's input kind with capacity {@code local.batchSize()}; its
     *     contents are overwritten
     * @param loader loads dataset rows (the example indices the population holds) into the batch
     * @param population the devices' data; read only
     * @param local the local training
     * @throws IllegalArgumentException when the batch capacity is not the local batch size
     */
    public DeviceTrainer(Sequential replica, Batch batch, BatchLoader loader, Population population,
            LocalTraining local) {
        this.replica = Objects.requireNonNull(replica, "replica");
        this.batch = Objects.requireNonNull(batch, "batch");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.population = Objects.requireNonNull(population, "population");
        this.local = Objects.requireNonNull(local, "local");
        if (batch.capacity() != local.batchSize()) {
            throw new IllegalArgumentException("batch capacity " + batch.capacity() + " must equal the local batch size "
                    + local.batchSize());
        }
        this.step = PrivateOptimizer.builder(replica, Sgd.plain(local.lr())).nonPrivate()
                .sampling(1.0, local.batchSize()).build();
        this.clipper = new UpdateClipper(replica);
    }

    /**
     * Trains device {@code device} for round {@code task.round()} from {@code task.global()} and writes its
     * clipped update to {@code out}.
     *
     * @param out receives the clipped update; shaped like the model; overwritten
     * @return how the update was bounded (or that it was dropped)
     * @throws NonFiniteGradientException under {@link NonFinitePolicy#THROW} when the update is not finite
     */
    public DeviceOutcome update(RoundTask task, int device, ModelVector out) {
        ModelVector global = task.global();
        if (held.length < population.maxHeld()) {
            held = new int[population.maxHeld()];
        }
        int n = population.held(device, held);
        if (n == 0) {
            out.zero();
            return DeviceOutcome.WITHIN_BOUND;
        }
        global.copyInto(replica);
        try {
            train(task.round(), device, n);
        } catch (NonFiniteGradientException e) {
            return nonFinite(task, device, out);
        }
        out.copyFrom(replica);
        out.subtractFrom(global);
        Clipping clipping = task.deviceClipping();
        DeviceOutcome o = clipping == null ? clipper.checkFinite(out) : clipper.clip(out, clipping, task.clipNorm());
        return o != null ? o : nonFinite(task, device, out);
    }

    private void train(long round, int device, int n) {
        SplittableRandom rng = new SplittableRandom(local.seedFor(round, device));
        int[] order = new int[n];
        int b = local.batchSize();
        for (int e = 0; e < local.epochs(); e++) {
            int[] p = Permutation.of(n, rng);
            for (int k = 0; k < n; k++) {
                order[k] = held[p[k]];
            }
            for (int from = 0; from < n; from += b) {
                loader.load(batch, order, from, Math.min(b, n - from));
                step.zeroGrad();
                step.accumulate(batch);
                step.step();
            }
        }
    }

    private DeviceOutcome nonFinite(RoundTask task, int device, ModelVector out) {
        if (task.nonFinitePolicy() == NonFinitePolicy.THROW) {
            throw new NonFiniteGradientException(device, "the update of device " + device + " in round " + task.round()
                    + " is not finite; nothing was updated");
        }
        out.zero();
        return DeviceOutcome.DROPPED;
    }

    /** @return the worker's replica (its weights are those of the last device trained) */
    public Sequential replica() {
        return replica;
    }

    @Override
    public void close() {
        step.close();
        batch.close();
    }
}
