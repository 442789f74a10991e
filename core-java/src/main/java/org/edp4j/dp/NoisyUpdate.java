package org.edp4j.dp;

import java.util.List;
import java.util.Objects;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;

/**
 * The last stages of a private step on a model's summed gradients ({@link Parameter#grad()}): Gaussian
 * noise on every coordinate, scaling, and the optimizer's fused update, in one backend pass per
 * parameter:
 * {@code w <- rule(w, (grad + stddev z) * gradScale)}.
 *
 * <p>The noise of parameter p's element j at step t is element {@code offset_p + j} of the stream
 * {@code (streamId, t)} of the generator, {@code offset_p} the number of scalars of the parameters
 * before p, prefetched on a worker thread on a backend that does not draw noise itself: the layout
 * {@link PrivateStep#step()} uses too (both through one {@code StepNoise}). The federated server
 * ({@code org.edp4j.fl.FederatedAveraging}) steps with it.
 *
 * <p>Not thread-safe.
 */
public final class NoisyUpdate implements AutoCloseable {
    private final Optimizer optimizer;
    private final List<Parameter> parameters;
    private final StepNoise stepNoise;

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
        this.parameters = model.parameters();
        this.stepNoise = new StepNoise(parameters, noise, streamId, prefetch && !model.backend().drawsNoise());
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
        stepNoise.begin(step, stddev);
        for (int i = 0; i < parameters.size(); i++) {
            optimizer.update(i, parameters.get(i), stepNoise.of(i), gradScale, step + 1);
        }
    }

    /** Stops the prefetch worker. */
    @Override
    public void close() {
        stepNoise.close();
    }
}
