package org.edp4j.dp;

import org.edp4j.nn.Batch;

/**
 * The outer loop of private training: Poisson-sample a logical batch, feed it to the optimizer in
 * fixed-capacity physical batches, step.
 *
 * <p>The sampling coins of step t come from nonce t, and t is the optimizer's
 * {@link PrivateOptimizer#stepsTaken()}: a run restored from a checkpoint continues with fresh
 * batches and fresh noise.
 *
 * <p>Privacy units of several rows ({@link PrivateOptimizer.Builder#rowsPerUnit k}, read from the
 * optimizer's step): the sampler draws units (its n counts units), and unit u is loaded from
 * dataset rows {@code uk .. uk + k - 1} into k consecutive batch rows; a physical batch holds
 * {@code capacity / k} units, so the batch capacity must be a multiple of k.
 */
public final class TrainingLoop {
    private final PrivateOptimizer optimizer;
    private final PoissonSampler sampler;
    private final Batch batch;
    private final BatchLoader loader;
    private final int rowsPerUnit;
    private final int[] unitRows;

    /**
     * @throws IllegalArgumentException when the sampler's rate differs from the optimizer's, or the
     *     batch capacity is not a multiple of the optimizer's rows per unit
     */
    public TrainingLoop(PrivateOptimizer optimizer, PoissonSampler sampler, Batch batch, BatchLoader loader) {
        if (Math.abs(sampler.sampleRate() - optimizer.sampleRate()) > 0) {
            throw new IllegalArgumentException("sampler rate " + sampler.sampleRate() + " differs from the optimizer's "
                    + optimizer.sampleRate() + ": the accountant would record the wrong q");
        }
        this.rowsPerUnit = optimizer.privateStep().rowsPerUnit();
        if (batch.capacity() % rowsPerUnit != 0) {
            throw new IllegalArgumentException("the batch capacity " + batch.capacity() + " must be a multiple of the "
                    + rowsPerUnit + " rows per privacy unit");
        }
        this.unitRows = rowsPerUnit == 1 ? null : new int[batch.capacity()];
        this.optimizer = optimizer;
        this.sampler = sampler;
        this.batch = batch;
        this.loader = loader;
    }

    /** One step: sample, accumulate every physical batch (at least one, possibly empty), update. */
    public StepReport step() {
        int count = sampler.sample(optimizer.stepsTaken());
        int[] idx = sampler.indices();
        optimizer.zeroGrad();
        int cap = batch.capacity() / rowsPerUnit;
        int from = 0;
        do {
            int n = Math.min(cap, count - from);
            if (rowsPerUnit == 1) {
                loader.load(batch, idx, from, n);
            } else {
                for (int u = 0; u < n; u++) {
                    for (int j = 0; j < rowsPerUnit; j++) {
                        unitRows[u * rowsPerUnit + j] = idx[from + u] * rowsPerUnit + j;
                    }
                }
                loader.load(batch, unitRows, 0, n * rowsPerUnit);
            }
            optimizer.accumulate(batch);
            from += n;
        } while (from < count);
        return optimizer.step();
    }

    /** Steps per epoch: {@code round(1 / q)}. */
    public int stepsPerEpoch() {
        return (int) Math.max(1, Math.round(1.0 / sampler.sampleRate()));
    }

    public PrivateOptimizer optimizer() {
        return optimizer;
    }

    public Batch batch() {
        return batch;
    }
}
