package org.edp4j.dp;

import java.util.List;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.dp.noise.NoisePrefetcher;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.nn.SoftmaxCrossEntropy;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * DP-SGD / DP-Adam with book-keeping clipping: one backward pass per physical batch, per-sample
 * norms without per-sample gradients, clipped sums as one GEMM per layer, noise fused into the
 * update.
 *
 * <p>A step is named stages, each usable on its own:
 * <pre>{@code
 * opt.zeroGrad();                 // open a logical step
 * for (Batch b : physicalBatches) // one or more (a Poisson batch can exceed the capacity)
 *     opt.accumulate(b);          // forward, backward, norms, clip factors, clipped sum
 * StepReport r = opt.step();      // budget check, noise + scale + update, accounting
 * }</pre>
 *
 * <p>Noise: {@code N(0, (sigma C)^2)} on every coordinate of the summed gradient, then division by
 * the expected batch size {@code q n}. The noise of parameter element j at step t is element
 * {@code offset_p + j} of stream {@link GaussianNoise#GRADIENT_NOISE} with nonce t, so no noise is
 * ever reused, and the CPU prefetches it on a worker thread while the step computes.
 *
 * <p>The non-private step (see {@link Builder#nonPrivate()}) is the same code with {@code c_i} =
 * the row mask: no norms, no noise, no accounting, and the same scaling by the expected batch size.
 *
 * <p>Failures leave the model as it was, and no NaN ever reaches it silently:
 * <ul>
 *   <li>bad input is refused when the batch is loaded;
 *   <li>a per-sample squared norm or clip factor that is NaN or infinite is handled by the
 *       {@link NonFinitePolicy} during {@link #accumulate} (THROW: {@link NonFiniteGradientException}
 *       naming the example; SKIP_SAMPLE: the example gets factor 0). Squared norms that float
 *       cancellation took slightly below 0 are clamped to 0 by the backends, never passed to sqrt;
 *   <li>both modes check the summed gradients before the update (the same check, so the
 *       private / non-private time ratio measures DP's own cost): a NaN or infinite sum throws
 *       {@link NonFiniteGradientException} with sample index -1, whatever the policy (no single
 *       example can be dropped from a sum);
 *   <li>after an {@link #accumulate} that threw, the logical step is incomplete: {@link #step()}
 *       and {@link #accumulate} refuse until {@link #zeroGrad()};
 *   <li>a step that would pass the budget throws
 *       {@link org.edp4j.privacy.PrivacyBudgetExceededException} at the start of {@link #step()}.
 * </ul>
 * Parameters and optimizer state change only after every check passed.
 *
 * <p>Not thread-safe: one training loop drives one optimizer.
 */
public final class PrivateOptimizer implements AutoCloseable {
    private final Sequential model;
    private final Backend backend;
    private final Optimizer optimizer;
    private final Clipping clipping;
    private final boolean isPrivate;
    private final double sampleRate;
    private final double expectedBatchSize;
    private final GaussianNoise noise;
    private final int[] noiseKey;
    private final PrivacyAccountant accountant;
    private final PrivacyBudget budget;
    private final NonFinitePolicy nonFinitePolicy;
    private final SoftmaxCrossEntropy loss;
    private final List<Parameter> parameters;
    private final List<Tensor> gradients;
    private final List<Layer> groups;
    private final long[] noiseOffsets;
    private NoisePrefetcher prefetcher;

    private double noiseMultiplier;
    private double clipNorm;
    private long stepsTaken;

    // Per-step scratch, allocated on the first batch of a capacity.
    private Tensor[] sqNorms;
    private Tensor[] factors;
    private float[] hostNorms;
    private float[] hostFactors;

    private boolean stepOpen;
    /** The last accumulate() threw: its batch is not (wholly) in the sums. */
    private boolean accumulateFailed;
    private int physicalBatches;
    private int examples;
    private double lossSum;
    private int clippedCount;
    private int unclippedCount;

    private PrivateOptimizer(Builder b) {
        this.model = b.model;
        this.backend = b.model.backend();
        this.optimizer = b.optimizer;
        this.clipping = b.clipping;
        this.isPrivate = b.isPrivate;
        this.sampleRate = b.sampleRate;
        this.expectedBatchSize = b.sampleRate * b.datasetSize;
        this.noiseMultiplier = b.noiseMultiplier;
        this.clipNorm = b.clipping.clipNorm();
        this.noise = b.noise != null ? b.noise : (isPrivate ? GaussianNoise.secure() : null);
        this.noiseKey = noise == null ? null : noise.key();
        this.budget = b.budget;
        this.accountant = b.budget != null ? b.budget.accountant()
                : (b.accountant != null ? b.accountant : (isPrivate ? new RdpAccountant() : null));
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.loss = new SoftmaxCrossEntropy(backend);
        this.parameters = model.parameters();
        this.gradients = parameters.stream().map(Parameter::grad).toList();
        this.groups = clipping.mode() == ClippingMode.PER_LAYER ? model.trainableLayers() : List.of();
        this.noiseOffsets = new long[parameters.size()];
        long off = 0;
        for (int i = 0; i < parameters.size(); i++) {
            noiseOffsets[i] = off;
            off += parameters.get(i).size();
        }
        if (off > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("models above 2^31-1 parameters are not supported, got " + off);
        }
        if (isPrivate) {
            // Fail early if the adaptive split of the noise is impossible.
            clipping.gradientNoiseMultiplier(noiseMultiplier, expectedBatchSize);
            if (!backend.drawsNoise() && noiseMultiplier > 0) {
                prefetcher = new NoisePrefetcher(noise, GaussianNoise.GRADIENT_NOISE, (int) off);
            }
        }
        optimizer.attach(parameters);
    }

    /** Starts configuring a private optimizer for {@code model}. */
    public static Builder builder(Sequential model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /** Opens a logical step: the next {@link #accumulate} overwrites the gradient sums. */
    public void zeroGrad() {
        stepOpen = true;
        accumulateFailed = false;
        physicalBatches = 0;
        examples = 0;
        lossSum = 0;
        clippedCount = 0;
        unclippedCount = 0;
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
     * @throws NonFiniteGradientException for a NaN or infinite per-sample squared norm or clip
     *     factor (policy THROW)
     */
    public double accumulate(Batch batch) {
        if (!stepOpen) {
            throw new IllegalStateException(accumulateFailed ? FAILED_ACCUMULATE
                    : "call zeroGrad() before accumulate(): gradients from the previous step "
                    + "would otherwise be mixed into this one, and their privacy was already spent");
        }
        // Closed until this batch is wholly in the sums: a failure below leaves them partial.
        stepOpen = false;
        accumulateFailed = true;
        Tensor logits = model.forward(batch);
        double l = loss.forward(logits, batch);
        model.backward(loss.gradient(), batch);
        float beta = physicalBatches == 0 ? 0f : 1f;
        if (!isPrivate) {
            for (Layer layer : model.layers()) {
                layer.clippedSum(batch, batch.rowMask(), beta);
            }
        } else if (groups.isEmpty()) {
            Tensor f = computeFactors(batch, 0, model.layers(), clipNorm);
            for (Layer layer : model.layers()) {
                layer.clippedSum(batch, f, beta);
            }
        } else {
            double perLayer = clipNorm / Math.sqrt(groups.size());
            for (int g = 0; g < groups.size(); g++) {
                Tensor f = computeFactors(batch, g, List.of(groups.get(g)), perLayer);
                groups.get(g).clippedSum(batch, f, beta);
            }
        }
        physicalBatches++;
        examples += batch.size();
        lossSum += l;
        accumulateFailed = false;
        stepOpen = true;
        return l;
    }

    /**
     * Adds clipped gradient sums that data-parallel workers computed over their shares of this logical
     * step's batch, as if their physical batches had been accumulated here: each worker runs its own
     * replica of the model with an optimizer of the same clipping (mode and bound), calls
     * {@link #zeroGrad()} and {@link #accumulate} on its rows, and hands back each
     * {@link Parameter#grad()} (its clipped sum), the summed loss and the counts
     * {@link #withinBoundCount()} and {@link #clippedCount()}; the driver adds up the parts (in any
     * order: float sums then differ by rounding only) and calls this between {@link #zeroGrad()} and
     * {@link #step()}, which adds the noise once. The guarantee is that of the step: each example's
     * clipped gradient is in the sum once.
     *
     * <p>The first call of a step (with no physical batch before it) overwrites the gradient sums;
     * later calls add to them.
     *
     * @param sums one array per parameter, in the model's order, each of the parameter's size; not modified
     * @param examples the examples the parts summed, {@code >= 0}
     * @param lossSum their summed loss
     * @param withinBound examples whose gradient norm was within the bound, in {@code [0, examples]}
     * @param clipped examples whose gradient was scaled down, in {@code [0, examples - withinBound]}
     * @throws IllegalArgumentException when the arrays do not match the parameters or a count is out of range
     * @throws IllegalStateException as {@link #accumulate}, when no logical step is open
     */
    public void accumulateSums(float[][] sums, int examples, double lossSum, int withinBound, int clipped) {
        if (!stepOpen) {
            throw new IllegalStateException(accumulateFailed ? FAILED_ACCUMULATE
                    : "call zeroGrad() before accumulateSums(): gradients from the previous step "
                    + "would otherwise be mixed into this one, and their privacy was already spent");
        }
        if (sums.length != parameters.size()) {
            throw new IllegalArgumentException("sums has " + sums.length + " arrays, the model " + parameters.size()
                    + " parameters");
        }
        for (int i = 0; i < sums.length; i++) {
            if (sums[i].length != parameters.get(i).size()) {
                throw new IllegalArgumentException("sum " + i + " has " + sums[i].length + " values, parameter "
                        + parameters.get(i) + " " + parameters.get(i).size());
            }
        }
        if (examples < 0 || withinBound < 0 || withinBound > examples || clipped < 0
                || clipped > examples - withinBound) {
            throw new IllegalArgumentException("counts must satisfy 0 <= withinBound (" + withinBound
                    + ") and 0 <= clipped (" + clipped + ") with withinBound + clipped <= examples (" + examples + ")");
        }
        for (int i = 0; i < sums.length; i++) {
            Tensor g = gradients.get(i);
            if (physicalBatches == 0) {
                g.copyFrom(sums[i]);
            } else {
                float[] acc = g.toArray();
                float[] part = sums[i];
                for (int j = 0; j < acc.length; j++) {
                    acc[j] += part[j];
                }
                g.copyFrom(acc);
            }
        }
        physicalBatches++;
        this.examples += examples;
        this.lossSum += lossSum;
        unclippedCount += withinBound;
        clippedCount += clipped;
    }

    /**
     * @return the examples of the open logical step so far whose gradient norm was within the clip
     *     bound (the count ADAPTIVE clipping reads; 0 for a non-private optimizer)
     */
    public int withinBoundCount() {
        return unclippedCount;
    }

    /** @return the examples of the open logical step so far whose gradient was scaled down (0 non-private) */
    public int clippedCount() {
        return clippedCount;
    }

    private static final String FAILED_ACCUMULATE = "the last accumulate() threw, so its physical batch is not "
            + "(wholly) in the gradient sums and a step now would silently drop it; call zeroGrad() and accumulate "
            + "the logical batch again";

    /**
     * Norms of {@code layers} for group {@code g}, turned into clip factors; both checked on the
     * host, row by row, before any sum uses them.
     */
    private Tensor computeFactors(Batch batch, int g, List<Layer> layers, double bound) {
        int cap = batch.capacity();
        ensureScratch(cap);
        Tensor sq = sqNorms[g];
        backend.fill(sq, 0f);
        for (Layer layer : layers) {
            layer.addSquaredNorms(batch, sq);
        }
        boolean automatic = clipping.mode() == ClippingMode.AUTOMATIC;
        float stabilizer = (float) (automatic ? clipping.gamma() : Clipping.STABILIZER);
        backend.clipFactors(cap, sq, batch.rowMask(), (float) bound, stabilizer, automatic, factors[g]);
        sq.copyTo(hostNorms);
        factors[g].copyTo(hostFactors);
        boolean skipped = false;
        for (int r = 0; r < batch.size(); r++) {
            float norm = hostNorms[r];
            float f = hostFactors[r];
            if (Float.isFinite(norm) && Float.isFinite(f)) {
                if (g == 0) {
                    if (Math.sqrt(Math.max(0, norm)) <= bound) {
                        unclippedCount++;
                    } else {
                        clippedCount++;
                    }
                }
                continue;
            }
            if (nonFinitePolicy == NonFinitePolicy.THROW) {
                String what = !Float.isFinite(norm) ? "gradient" : "clip factor";
                throw new NonFiniteGradientException(batch.rowId(r), "the " + what + " of example " + batch.rowId(r)
                        + " (batch row " + r + ") is not finite (squared norm " + norm + ", clip factor " + f
                        + " for bound " + bound + "); nothing was updated");
            }
            // SKIP_SAMPLE: factor 0 drops the example; the kernels skip rows with factor 0, so its
            // NaN never reaches the sum.
            hostFactors[r] = 0f;
            skipped = true;
        }
        if (skipped) {
            factors[g].copyFrom(hostFactors);
        }
        return factors[g];
    }

    private void ensureScratch(int cap) {
        int n = Math.max(1, groups.size());
        if (sqNorms == null || sqNorms[0].size() != cap) {
            sqNorms = new Tensor[n];
            factors = new Tensor[n];
            for (int g = 0; g < n; g++) {
                sqNorms[g] = backend.zeros(cap);
                factors[g] = backend.zeros(cap);
            }
            hostNorms = new float[cap];
            hostFactors = new float[cap];
        }
    }

    /**
     * Ends the logical step: checks the budget, adds noise, scales by {@code 1 / (q n)}, updates
     * every parameter, records the step with the accountant, and (ADAPTIVE) moves the clip bound.
     *
     * @throws org.edp4j.privacy.PrivacyBudgetExceededException before any change, when this step
     *     would pass the budget
     * @throws NonFiniteGradientException before any change, when a summed gradient is not finite
     *     (both modes, whatever the policy)
     * @throws IllegalStateException when {@link #zeroGrad()} was not called, or the last
     *     {@link #accumulate} threw
     */
    public StepReport step() {
        if (!stepOpen) {
            throw new IllegalStateException(accumulateFailed ? FAILED_ACCUMULATE
                    : "call zeroGrad() and accumulate() before step()");
        }
        if (physicalBatches == 0) {
            // An empty Poisson batch: the sum is 0, and it still gets noise.
            for (Parameter p : parameters) {
                backend.fill(p.grad(), 0f);
            }
        }
        if (isPrivate && budget != null) {
            budget.checkStep(noiseMultiplier, sampleRate);
        }
        // The same check in both modes, so the private / non-private ratio measures DP alone.
        if (!backend.allFinite(gradients)) {
            throw new NonFiniteGradientException(-1, "the summed gradient of " + firstNonFinite()
                    + " is not finite; nothing was updated");
        }
        long step = stepsTaken;
        double usedClip = clipNorm;
        double std = 0;
        float[] normals = null;
        if (isPrivate) {
            std = clipping.gradientNoiseMultiplier(noiseMultiplier, expectedBatchSize) * clipNorm;
            if (prefetcher != null) {
                normals = prefetcher.take(step);
            }
        }
        float gradScale = (float) (1.0 / expectedBatchSize);
        for (int i = 0; i < parameters.size(); i++) {
            UpdateNoise un = std == 0 ? UpdateNoise.NONE
                    : new UpdateNoise((float) std, normals, (int) noiseOffsets[i], noiseKey,
                            GaussianNoise.GRADIENT_NOISE, step, noiseOffsets[i]);
            optimizer.update(i, parameters.get(i), un, gradScale, step + 1);
        }
        if (isPrivate) {
            if (budget != null) {
                budget.recordStep(noiseMultiplier, sampleRate);
            } else {
                accountant.step(noiseMultiplier, sampleRate);
            }
            if (clipping.mode() == ClippingMode.ADAPTIVE) {
                updateClipNorm(step);
            }
        }
        stepsTaken++;
        stepOpen = false;
        double clippedFraction = isPrivate && examples > 0 ? clippedCount / (double) examples : Double.NaN;
        return new StepReport(step, examples, lossSum, usedClip, clippedFraction, std);
    }

    private Parameter firstNonFinite() {
        for (Parameter p : parameters) {
            if (!backend.allFinite(p.grad())) {
                return p;
            }
        }
        throw new IllegalStateException("allFinite(all) was false but each tensor is finite");
    }

    /**
     * Andrew et al. 2021: {@code b~ = (sum_i (1[||g_i|| <= C] - 1/2) + N(0, sigma_b^2)) / (q n) + 1/2},
     * then {@code C <- C exp(-eta (b~ - gamma))}.
     */
    private void updateClipNorm(long step) {
        double sb = clipping.countNoiseStddevFor(expectedBatchSize);
        double centred = unclippedCount - 0.5 * (unclippedCount + clippedCount);
        double noisy = centred + sb * noise.normal(GaussianNoise.CLIP_QUANTILE_NOISE, step, 0);
        double fraction = noisy / expectedBatchSize + 0.5;
        clipNorm = clipNorm * Math.exp(-clipping.quantileLearningRate() * (fraction - clipping.targetQuantile()));
    }

    /** The clip factors of the last physical batch for clipping group {@code g} (tests). */
    Tensor lastFactors(int g) {
        return factors[g];
    }

    /** Steps taken so far (the nonce of the next step's noise). */
    public long stepsTaken() {
        return stepsTaken;
    }

    /** The current clip bound (it moves under ADAPTIVE clipping). */
    public double clipNorm() {
        return clipNorm;
    }

    public double noiseMultiplier() {
        return noiseMultiplier;
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
        if (!isPrivate) {
            throw new IllegalStateException("a non-private optimizer adds no noise: setNoiseMultiplier applies to "
                    + "private optimizers only");
        }
        checkNoiseMultiplier(sigma);
        clipping.gradientNoiseMultiplier(sigma, expectedBatchSize);
        this.noiseMultiplier = sigma;
    }

    /** The one rule for a private optimizer's noise multiplier: &gt; 0 and finite. */
    private static void checkNoiseMultiplier(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("noise multiplier must be > 0 and finite, got " + sigma);
        }
    }

    /**
     * Restores the position of a checkpointed run: the number of steps already taken (so the next
     * step draws fresh noise and fresh sampling coins) and the clip bound.
     */
    public void restoreProgress(long steps, double clip) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (!(clip > 0) || Double.isInfinite(clip)) {
            throw new IllegalArgumentException("clip norm must be > 0 and finite, got " + clip);
        }
        this.stepsTaken = steps;
        this.clipNorm = clip;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    public double sampleRate() {
        return sampleRate;
    }

    public double expectedBatchSize() {
        return expectedBatchSize;
    }

    /** The accountant recording this optimizer's steps (null for a non-private optimizer). */
    public PrivacyAccountant accountant() {
        return accountant;
    }

    /** The privacy budget, or null. */
    public PrivacyBudget budget() {
        return budget;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Clipping clipping() {
        return clipping;
    }

    /** @return what a non-finite per-sample gradient does */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    public Sequential model() {
        return model;
    }

    /** The noise generator (null for a non-private optimizer). */
    public GaussianNoise noise() {
        return noise;
    }

    @Override
    public void close() {
        if (prefetcher != null) {
            prefetcher.close();
        }
    }

    /** Configuration of a {@link PrivateOptimizer}. */
    public static final class Builder {
        private final Sequential model;
        private final Optimizer optimizer;
        private Clipping clipping = Clipping.flat(1.0);
        private boolean isPrivate = true;
        private double noiseMultiplier = Double.NaN;
        private double sampleRate = Double.NaN;
        private long datasetSize = -1;
        private GaussianNoise noise;
        private PrivacyAccountant accountant;
        private PrivacyBudget budget;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.THROW;

        private Builder(Sequential model, Optimizer optimizer) {
            if (model == null || optimizer == null) {
                throw new IllegalArgumentException("model and optimizer must not be null");
            }
            this.model = model;
            this.optimizer = optimizer;
        }

        /** Clipping mode and bound (default: flat, C = 1). */
        public Builder clipping(Clipping c) {
            this.clipping = c;
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
            checkNoiseMultiplier(sigma);
            this.noiseMultiplier = sigma;
            return this;
        }

        /** Poisson sampling rate q in (0, 1] and dataset size n &gt; 0: the expected batch is q n. */
        public Builder sampling(double q, long n) {
            if (!(q > 0 && q <= 1)) {
                throw new IllegalArgumentException("sampling rate q must be in (0, 1], got " + q);
            }
            if (n <= 0) {
                throw new IllegalArgumentException("dataset size must be > 0, got " + n);
            }
            this.sampleRate = q;
            this.datasetSize = n;
            return this;
        }

        /** The noise and sampling generator (default {@link GaussianNoise#secure()}). */
        public Builder noise(GaussianNoise g) {
            this.noise = g;
            return this;
        }

        /** Records steps with this accountant (default: a new {@link RdpAccountant}). */
        public Builder accountant(PrivacyAccountant a) {
            this.accountant = a;
            return this;
        }

        /** Refuses steps that would pass the budget; its accountant records the steps. */
        public Builder budget(PrivacyBudget b) {
            this.budget = b;
            return this;
        }

        public Builder nonFinitePolicy(NonFinitePolicy p) {
            this.nonFinitePolicy = p;
            return this;
        }

        /** The ordinary step: same code, c_i = row mask, no norms, no noise, no accounting. */
        public Builder nonPrivate() {
            this.isPrivate = false;
            return this;
        }

        public PrivateOptimizer build() {
            if (Double.isNaN(sampleRate)) {
                throw new IllegalArgumentException("sampling(q, n) is required: the gradient is scaled by q n");
            }
            if (isPrivate && Double.isNaN(noiseMultiplier)) {
                throw new IllegalArgumentException("a private optimizer needs noiseMultiplier(sigma)");
            }
            if (!isPrivate) {
                noiseMultiplier = 0;
            }
            return new PrivateOptimizer(this);
        }
    }
}
