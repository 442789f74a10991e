package org.edp4j.dp;

import java.util.List;
import java.util.Objects;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.dp.noise.NoisePrefetcher;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.UpdateNoise;

/**
 * The last stages of a private step on a model's summed gradients ({@link Parameter#grad()}): Gaussian
 * noise on every coordinate, scaling, and the optimizer's fused update, in one backend pass per
 * parameter:
 * {@code w <- rule(w, (grad + stddev z) * gradScale)}.
 *
 * <p>The noise of parameter p's element j at step t is element {@code offset_p + j} of the stream
 * {@code (streamId, t)} of the generator, {@code offset_p} the number of scalars of the parameters
 * before p: one stream position per coordinate and step, never reused. On a backend that does not
 * draw noise itself the next step's normals are prefetched on a worker thread ({@link NoisePrefetcher}).
 * The federated server ({@code org.edp4j.fl.FederatedAveraging}) steps with it; it is the noise and
 * update stage of {@link PrivateOptimizer#step()}.
 *
 * <p>Not thread-safe.
 */
public final class NoisyUpdate implements AutoCloseable {
    private final Optimizer optimizer;
    private final List<Parameter> parameters;
    private final long[] offsets;
    private final int[] key;
    private final int streamId;
    private final NoisePrefetcher prefetcher;

    /**
     * Attaches the optimizer to the model's parameters.
     *
     * @param model the model whose parameters are updated; at most 2^31 - 1 scalars
     * @param optimizer the update rule; its state is (re)allocated here
     * @param noise the generator (its key is read once)
     * @param streamId the noise's stream id, {@code >= 0}
     * @param prefetch whether noise will be drawn: false when every step is noise-free (no worker is started)
     * @throws IllegalArgumentException when the model has more than 2^31 - 1 scalars or the stream id is negative
     */
    public NoisyUpdate(Sequential model, Optimizer optimizer, GaussianNoise noise, int streamId, boolean prefetch) {
        Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(noise, "noise");
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be >= 0, got " + streamId);
        }
        this.parameters = model.parameters();
        this.offsets = new long[parameters.size()];
        long off = 0;
        for (int i = 0; i < parameters.size(); i++) {
            offsets[i] = off;
            off += parameters.get(i).size();
        }
        if (off > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("models above 2^31-1 parameters are not supported, got " + off);
        }
        this.key = noise.key();
        this.streamId = streamId;
        this.prefetcher = prefetch && !model.backend().drawsNoise()
                ? new NoisePrefetcher(noise, streamId, (int) off) : null;
        optimizer.attach(parameters);
    }

    /**
     * Adds {@code N(0, stddev^2)} to every coordinate of the summed gradients (the stream's step
     * {@code step}), scales by {@code gradScale} and applies the optimizer (its update count is
     * {@code step + 1}). Modifies the parameters and the optimizer's state; not the gradients.
     *
     * @param step the step (the noise's nonce), {@code >= 0}
     * @param stddev the noise standard deviation, {@code >= 0} and finite (0: no noise)
     * @param gradScale the factor applied after the noise, e.g. {@code 1 / (q n)}
     */
    public void apply(long step, double stddev, float gradScale) {
        float[] normals = stddev > 0 && prefetcher != null ? prefetcher.take(step) : null;
        for (int i = 0; i < parameters.size(); i++) {
            UpdateNoise un = stddev == 0 ? UpdateNoise.NONE
                    : new UpdateNoise((float) stddev, normals, (int) offsets[i], key, streamId, step, offsets[i]);
            optimizer.update(i, parameters.get(i), un, gradScale, step + 1);
        }
    }

    /** Stops the prefetch worker. */
    @Override
    public void close() {
        if (prefetcher != null) {
            prefetcher.close();
        }
    }
}
