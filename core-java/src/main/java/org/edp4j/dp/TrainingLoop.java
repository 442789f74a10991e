package org.edp4j.dp;

import org.edp4j.nn.Batch;

/**
 * The outer loop of private training: Poisson-sample a logical batch, feed it to the optimizer in
 * fixed-capacity physical batches, step.
 *
 * <p>The sampling coins of step t come from nonce t, and t is the optimizer's
 * {@link PrivateOptimizer#stepsTaken()}: a run restored from a checkpoint continues with fresh
 * batches and fresh noise.
 */
public final class TrainingLoop {
    private final PrivateOptimizer optimizer;
    private final PoissonSampler sampler;
    private final Batch batch;
    private final BatchLoader loader;
    private int[] chunk;

    public TrainingLoop(PrivateOptimizer optimizer, PoissonSampler sampler, Batch batch, BatchLoader loader) {
        if (Math.abs(sampler.sampleRate() - optimizer.sampleRate()) > 0) {
            throw new IllegalArgumentException("sampler rate " + sampler.sampleRate() + " differs from the optimizer's "
                    + optimizer.sampleRate() + ": the accountant would record the wrong q");
        }
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
        int cap = batch.capacity();
        int from = 0;
        do {
            int n = Math.min(cap, count - from);
            loader.load(batch, idx, from, n);
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
