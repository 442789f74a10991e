package org.edp4j.dp;

import java.util.function.IntUnaryOperator;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Loss;
import org.edp4j.nn.Sequential;
import org.edp4j.nn.SoftmaxCrossEntropy;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.tensor.Tensor;

/**
 * DP-SGD / DP-Adam with book-keeping clipping for a {@link Sequential} model: one backward pass
 * per physical batch, per-sample norms without per-sample gradients, clipped sums as one GEMM per
 * layer, noise fused into the update.
 *
 * <p>It is one client of {@link PrivateStep}: it runs the model's forward, the {@link Loss} and
 * the backward pass, and hands the model's parameterized layers (each a
 * {@link org.edp4j.nn.PerSampleRule}) to the step, which does the rest — norms, clip factors,
 * clipped sums, noise, scaling, the update and the accounting — under all of its rules
 * ({@link NonFinitePolicy}, never a silent NaN, the budget checked before any change, a failed
 * stage blocking the step until {@link #zeroGrad()}).
 *
 * <p>A step:
 * <pre>{@code
 * opt.zeroGrad();                 // open a logical step
 * for (Batch b : physicalBatches) // one or more (a Poisson batch can exceed the capacity)
 *     opt.accumulate(b);          // forward, loss, backward, norms, clip factors, clipped sum
 * StepReport r = opt.step();      // budget check, noise + scale + update, accounting
 * }</pre>
 *
 * <p>The non-private step (see {@link Builder#nonPrivate()}) is the same code with {@code c_i} =
 * the row mask: no norms, no noise, no accounting, and the same scaling by the expected batch size.
 * Failures leave the model as it was (see {@link PrivateStep}): bad input is refused when the
 * batch is loaded; a NaN or infinite per-sample norm, clip factor or loss is handled by the
 * {@link NonFinitePolicy}; a non-finite summed gradient or a step past the budget is refused by
 * {@link #step()} before any change; after an {@link #accumulate} that threw, {@link #step()} and
 * {@link #accumulate} refuse until {@link #zeroGrad()}.
 *
 * <p>Not thread-safe: one training loop drives one optimizer.
 */
public final class PrivateOptimizer implements AutoCloseable {
    private final Sequential model;
    private final PrivateStep step;
    private final Loss loss;

    private PrivateOptimizer(Builder b, PrivateStep step) {
        this.model = b.model;
        this.step = step;
        this.loss = b.loss != null ? b.loss : new SoftmaxCrossEntropy(model.backend());
    }

    /** Starts configuring a private optimizer for {@code model}. */
    public static Builder builder(Sequential model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /**
     * Opens a logical step: the next {@link #accumulate} overwrites the gradient sums.
     *
     * @throws IllegalStateException when a previous step's noise was added but not accounted
     *     (only possible after a failure inside {@link #step()})
     */
    public void zeroGrad() {
        step.zeroGrad();
    }

    /**
     * Forward and backward over one physical batch, then (private) per-sample norms and clip
     * factors, then the clipped sums added to the parameters' gradient buffers.
     *
     * <p>When it throws, the batch is not (wholly) in the sums: this and {@link #step()} refuse
     * until {@link #zeroGrad()} opens a new logical step.
     *
     * @return the summed loss of the batch's real rows
     * @throws IllegalStateException when {@link #zeroGrad()} was not called since the last step,
     *     or since an accumulate that threw
     * @throws NonFiniteGradientException for a NaN or infinite per-sample squared norm, clip
     *     factor or loss (policy THROW)
     */
    public double accumulate(Batch batch) {
        step.requireAccumulating();
        try {
            Tensor out = model.forward(batch);
            loss.forward(out, batch);
            model.backward(loss.gradient(), batch);
        } catch (RuntimeException e) {
            step.fail();
            throw e;
        }
        int k = step.rowsPerUnit();
        // With units, messages name the unit's example: dataset rows uk .. uk + k - 1 hold unit u (TrainingLoop).
        IntUnaryOperator ids = k == 1 ? batch::rowId : u -> batch.rowId(u * k) / k;
        return step.accumulate(batch.rowMask(), ids, loss.perSampleLoss());
    }

    /**
     * Ends the logical step: checks the budget, adds noise, scales by {@code 1 / (q n)}, updates
     * every parameter (fused), records the step with the accountant, and (ADAPTIVE) moves the clip
     * bound.
     *
     * @throws org.edp4j.privacy.PrivacyBudgetExceededException before any change, when this step
     *     would pass the budget
     * @throws NonFiniteGradientException before any change, when a summed gradient is not finite
     *     (both modes, whatever the policy)
     * @throws IllegalStateException when {@link #zeroGrad()} was not called, or the last
     *     {@link #accumulate} threw
     */
    public StepReport step() {
        return step.step();
    }

    /** The clip factors of the last physical batch for clipping group {@code g} (tests). */
    Tensor lastFactors(int g) {
        return step.clipFactors(g);
    }

    /** The private step this optimizer drives (its stages, parameters and noise offsets). */
    public PrivateStep privateStep() {
        return step;
    }

    /** Steps taken so far (the nonce of the next step's noise). */
    public long stepsTaken() {
        return step.stepsTaken();
    }

    /** The current clip bound (it moves under ADAPTIVE clipping). */
    public double clipNorm() {
        return step.clipNorm();
    }

    public double noiseMultiplier() {
        return step.noiseMultiplier();
    }

    /**
     * Changes the noise multiplier for the following steps (a schedule, e.g. decay per epoch);
     * the accountant records each step with the multiplier it used.
     *
     * @param sigma &gt; 0 and finite: the same rule as {@link Builder#noiseMultiplier} (sigma 0
     *     would release the gradients without noise: use {@link Builder#nonPrivate()} for that)
     * @throws IllegalArgumentException for sigma outside (0, +inf), or (ADAPTIVE) a sigma the count
     *     noise cannot be split from
     * @throws IllegalStateException on a non-private optimizer, which adds no noise
     */
    public void setNoiseMultiplier(double sigma) {
        step.setNoiseMultiplier(sigma);
    }

    /**
     * Restores the position of a checkpointed run: the number of steps already taken (so the next
     * step draws fresh noise and fresh sampling coins) and the clip bound.
     */
    public void restoreProgress(long steps, double clip) {
        step.restoreProgress(steps, clip);
    }

    public boolean isPrivate() {
        return step.isPrivate();
    }

    public double sampleRate() {
        return step.sampleRate();
    }

    public double expectedBatchSize() {
        return step.expectedBatchSize();
    }

    /** The accountant recording this optimizer's steps (null for a non-private optimizer). */
    public PrivacyAccountant accountant() {
        return step.accountant();
    }

    /** The privacy budget, or null. */
    public PrivacyBudget budget() {
        return step.budget();
    }

    public Optimizer optimizer() {
        return step.optimizer();
    }

    public Clipping clipping() {
        return step.clipping();
    }

    /** @return what a non-finite per-sample gradient, clip factor or loss does */
    public NonFinitePolicy nonFinitePolicy() {
        return step.nonFinitePolicy();
    }

    public Sequential model() {
        return model;
    }

    /** The loss the model trains on. */
    public Loss loss() {
        return loss;
    }

    /** The noise generator (null for a non-private optimizer). */
    public GaussianNoise noise() {
        return step.noise();
    }

    @Override
    public void close() {
        step.close();
    }

    /** Configuration of a {@link PrivateOptimizer}. */
    public static final class Builder {
        private final Sequential model;
        private final PrivateStep.Builder step;
        private Loss loss;

        private Builder(Sequential model, Optimizer optimizer) {
            if (model == null || optimizer == null) {
                throw new IllegalArgumentException("model and optimizer must not be null");
            }
            this.model = model;
            this.step = PrivateStep.builder(model.backend()).groups(model.trainableLayers()).optimizer(optimizer);
        }

        /** Clipping mode and bound (default: flat, C = 1). */
        public Builder clipping(Clipping c) {
            step.clipping(c);
            return this;
        }

        /**
         * Noise multiplier sigma of a private optimizer: the noise on each summed coordinate has
         * standard deviation {@code sigma C}.
         *
         * @param sigma &gt; 0 and finite (the rule of {@link PrivateOptimizer#setNoiseMultiplier} too;
         *     sigma 0 would release the gradients without noise: use {@link #nonPrivate()})
         * @throws IllegalArgumentException for sigma outside (0, +inf)
         */
        public Builder noiseMultiplier(double sigma) {
            step.noiseMultiplier(sigma);
            return this;
        }

        /**
         * Makes every {@code k} consecutive rows of a physical batch one privacy unit, clipped and
         * accounted as one example ({@link PrivateStep.Builder#rowsPerUnit}); {@link #sampling}'s n
         * then counts units. {@link TrainingLoop} loads unit u from dataset rows {@code uk .. uk + k - 1}.
         *
         * @param k rows per unit, &gt;= 1
         * @throws IllegalArgumentException for k &lt; 1
         */
        public Builder rowsPerUnit(int k) {
            step.rowsPerUnit(k);
            return this;
        }

        /** Poisson sampling rate q in (0, 1] and dataset size n &gt; 0: the expected batch is q n. */
        public Builder sampling(double q, long n) {
            step.sampling(q, n);
            return this;
        }

        /** The noise and sampling generator (default {@link GaussianNoise#secure()}). */
        public Builder noise(GaussianNoise g) {
            step.noise(g);
            return this;
        }

        /** Records steps with this accountant (default: a new {@link RdpAccountant}). */
        public Builder accountant(PrivacyAccountant a) {
            step.accountant(a);
            return this;
        }

        /** Refuses steps that would pass the budget; its accountant records the steps. */
        public Builder budget(PrivacyBudget b) {
            step.budget(b);
            return this;
        }

        public Builder nonFinitePolicy(NonFinitePolicy p) {
            step.nonFinitePolicy(p);
            return this;
        }

        /**
         * The loss, summed per sample (default {@link SoftmaxCrossEntropy} on the batch's labels):
         * {@link org.edp4j.nn.BinaryCrossEntropy}, {@link org.edp4j.nn.MeanSquaredError},
         * {@link org.edp4j.nn.CustomLoss}.
         */
        public Builder loss(Loss l) {
            if (l == null) {
                throw new IllegalArgumentException("loss must not be null");
            }
            this.loss = l;
            return this;
        }

        /** The ordinary step: same code, c_i = row mask, no norms, no noise, no accounting. */
        public Builder nonPrivate() {
            step.nonPrivate();
            return this;
        }

        /**
         * @throws IllegalArgumentException without sampling, or (private) without a noise multiplier
         */
        public PrivateOptimizer build() {
            return new PrivateOptimizer(this, step.build());
        }
    }
}
