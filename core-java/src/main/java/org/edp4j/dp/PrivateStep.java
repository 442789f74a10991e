package org.edp4j.dp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.PerSampleRule;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.RdpAccountant;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * A private step over parameters edp4j does not own: the DP-SGD primitives for a training loop
 * written anywhere else. The caller runs its own forward and backward passes, hands each
 * parameter group's per-sample rule the activations and output gradients it needs
 * ({@link PerSampleRule}), and drives the step through its named stages:
 * <pre>{@code
 * step.zeroGrad();                       // open a logical step
 * // for each physical batch: the caller's forward + backward, then rule.inputs(...) per group
 * step.accumulate(rowMask, ids, losses); // = computeNorms, computeClipFactors, accumulateClippedSums
 * StepReport r = step.step();            // = addNoise, scaleGradients, update, account (noise, scale and
 *                                        //   update fused in one pass)
 * }</pre>
 * or stage by stage, e.g. to hand the noisy gradient to the caller's own optimizer:
 * <pre>{@code
 * step.addNoise();        // budget check, finite check, grad += N(0, (sigma C)^2)
 * step.scaleGradients();  // grad /= q n
 * myOptimizer.apply(...); // reads each Parameter.grad(): the noisy clipped mean gradient
 * step.account();         // the accountant records (q, sigma); returns the StepReport
 * }</pre>
 * {@link PrivateOptimizer} (edp4j's own layers) is one client of this class.
 *
 * <h2>The stages</h2>
 * <ol>
 *   <li><b>norms</b> ({@link #computeNorms}): each sample's squared gradient norm per clipping
 *       group, from the rules, never materializing per-sample gradients;
 *   <li><b>clip factors</b> ({@link #computeClipFactors}): {@code c_i} from the norms by the
 *       {@link Clipping} mode, rows with mask 0 get 0; then, on the host, every real row's norm,
 *       factor and (when given) loss is checked: a NaN or infinity is handled by the
 *       {@link NonFinitePolicy} (THROW names the example; SKIP_SAMPLE gives it factor 0);
 *   <li><b>clipped sums</b> ({@link #accumulateClippedSums}): {@code sum_i c_i grad_i} into each
 *       {@link Parameter#grad()} (overwriting on the first physical batch of the step,
 *       accumulating after);
 *   <li><b>noise</b> ({@link #addNoise}): the budget is checked and the summed gradients must be
 *       finite, before anything changes; then {@code N(0, (sigma C)^2)} is added to each
 *       coordinate: element j of parameter p at step t is element {@code offset_p + j} of stream
 *       {@link GaussianNoise#GRADIENT_NOISE} with nonce t, {@code offset_p} the sum of the sizes of
 *       the parameters registered before p (computed here), so no noise is ever reused. On the
 *       CPU the next step's normals are generated on a worker thread while this one computes;
 *   <li><b>scale</b> ({@link #scaleGradients}): division by the expected batch size {@code q n};
 *   <li><b>update</b> ({@link #update}): the {@link Optimizer} given to the builder;
 *   <li><b>account</b> ({@link #account}): the accountant (or budget) records {@code (q, sigma)};
 *       ADAPTIVE clipping moves its bound.
 * </ol>
 * {@link #step()} runs 4-7 with noise, scale and update fused in one pass per parameter (computed
 * in double and rounded once); the staged path rounds after the noise and after the scale, so the
 * two agree to float rounding, not bit for bit.
 *
 * <h2>Rules enforced at run time</h2>
 * <ul>
 *   <li>the stages run in order; a physical batch runs norms, clip factors and clipped sums in
 *       order before the next (a non-private step skips norms and factors: its factors are the
 *       row mask);
 *   <li>{@link #zeroGrad()} opens each logical step: gradients of a previous step would otherwise
 *       be mixed into this one, and their privacy was already spent;
 *   <li>a stage that throws leaves the step failed: every stage refuses until {@link #zeroGrad()}
 *       (a half-accumulated batch would silently be dropped);
 *   <li>once noise has been added, the noisy gradient exists and may be read: {@link #account()}
 *       must record it before the next {@link #zeroGrad()} (which refuses otherwise), even after a
 *       later stage failed;
 *   <li>a step that would pass the budget throws
 *       {@link org.edp4j.privacy.PrivacyBudgetExceededException} in {@link #addNoise} (or
 *       {@link #step()}) before anything changed; a non-finite summed gradient throws
 *       {@link NonFiniteGradientException} there too (index -1: no single example is to blame),
 *       in both modes, so the private / non-private time ratio measures DP alone.
 * </ul>
 *
 * <p>The non-private step ({@link Builder#nonPrivate()}) is the same code with {@code c_i} = the
 * row mask: no norms, no noise, no accounting, the same scaling by {@code q n}.
 *
 * <h2>Privacy units of several rows</h2>
 * With {@link Builder#rowsPerUnit rowsPerUnit(k)}, k consecutive rows of every physical batch form
 * one privacy unit (e.g. an example and its counterfactual copy, {@code edp train
 * --counterfactual-augment}): the unit is what is sampled, clipped and accounted. This class is the
 * one place that knows k: it reads the row mask as a unit mask (all k rows of a unit real, or all
 * padding), asks every rule for one squared norm per unit (the norm of the unit's summed gradient,
 * {@link PerSampleRule#addSquaredNorms(Tensor, int)}), computes one clip factor per unit, and has
 * each rule sum {@code c_u grad_u} ({@link PerSampleRule#clippedSum(Tensor, int, float)}). So a
 * unit's clipped contribution is at most C whatever its rows hold, and the accounting is unchanged:
 * {@code q} and {@code n} of {@link Builder#sampling} count units, and the sum is divided by the
 * expected number of units {@code q n}. Losses stay per row (a unit's loss is the sum of its rows');
 * the non-finite checks, the clipped count of ADAPTIVE clipping and {@link StepReport#examples()}
 * count units.
 *
 * <p>Allocation: the per-sample scratch is allocated on the first batch of a capacity and reused,
 * so a step whose shapes do not change allocates only a few small objects. Not thread-safe: one
 * training loop drives one step.
 */
public final class PrivateStep implements AutoCloseable {

    /** Where the logical step is. */
    private enum Phase {
        /** No step open: {@link #zeroGrad()} next. */
        CLOSED,
        /** Accumulating physical batches. */
        ACCUMULATING,
        /** Noise added (the noisy gradient exists: it must be accounted). */
        NOISED,
        /** Noise added and scaled. */
        SCALED,
        /** Parameters updated. */
        UPDATED
    }

    private final Backend backend;
    private final List<PerSampleRule> rules;
    private final List<List<PerSampleRule>> clippingGroups;
    private final List<Parameter> parameters;
    private final List<Tensor> gradients;
    /** The stream layout of the gradient noise and its prefetch. */
    private final StepNoise stepNoise;
    private final Optimizer optimizer;
    private final Clipping clipping;
    private final boolean isPrivate;
    private final double sampleRate;
    private final double expectedBatchSize;
    private final GaussianNoise noise;
    private final PrivacyAccountant accountant;
    private final PrivacyBudget budget;
    private final NonFinitePolicy nonFinitePolicy;
    private final int rowsPerUnit;

    private double noiseMultiplier;
    private double clipNorm;
    private long stepsTaken;

    private Phase phase = Phase.CLOSED;
    private boolean failed;
    /** Stages done on the current physical batch: 0 none, 1 norms, 2 clip factors. */
    private int batchStage;
    private int physicalBatches;
    private int examples;
    private double lossSum;
    private int clippedCount;
    private int unclippedCount;
    private double lastBatchLoss;
    private double stepNoiseStd;
    private double stepClipNorm;

    private Tensor rowMask;
    /** The mask of the units: {@link #rowMask} itself with one row per unit, else {@link #ownUnitMask}. */
    private Tensor unitMask;
    private Tensor ownUnitMask;
    private Tensor[] sqNorms;
    private Tensor[] factors;
    /** Per row. */
    private float[] hostMask;
    private float[] hostLosses;
    /** Per unit ({@link #hostMask} itself with one row per unit). */
    private float[] hostUnitMask;
    private float[] hostNorms;
    private float[] hostFactors;

    private PrivateStep(Builder b) {
        this.backend = b.backend;
        this.rules = List.copyOf(b.rules);
        this.optimizer = b.optimizer;
        this.clipping = b.clipping;
        this.isPrivate = b.isPrivate;
        this.sampleRate = b.sampleRate;
        this.expectedBatchSize = b.sampleRate * b.datasetSize;
        this.noiseMultiplier = b.noiseMultiplier;
        this.clipNorm = b.clipping.clipNorm();
        this.noise = b.noise != null ? b.noise : (isPrivate ? GaussianNoise.secure() : null);
        this.budget = b.budget;
        this.accountant = b.budget != null ? b.budget.accountant()
                : (b.accountant != null ? b.accountant : (isPrivate ? new RdpAccountant() : null));
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.rowsPerUnit = b.rowsPerUnit;
        List<Parameter> ps = new ArrayList<>();
        for (PerSampleRule r : rules) {
            ps.addAll(r.parameters());
        }
        this.parameters = Collections.unmodifiableList(ps);
        this.gradients = ps.stream().map(Parameter::grad).toList();
        if (clipping.mode() == ClippingMode.PER_LAYER) {
            List<List<PerSampleRule>> gs = new ArrayList<>();
            for (PerSampleRule r : rules) {
                gs.add(List.of(r));
            }
            this.clippingGroups = List.copyOf(gs);
        } else {
            this.clippingGroups = List.of(rules);
        }
        if (isPrivate) {
            // Fail early if the adaptive split of the noise is impossible.
            clipping.gradientNoiseMultiplier(noiseMultiplier, expectedBatchSize);
        }
        this.stepNoise = new StepNoise(ps, noise, GaussianNoise.GRADIENT_NOISE, isPrivate && !backend.drawsNoise());
        if (optimizer != null) {
            optimizer.attach(parameters);
        }
    }

    /** Starts configuring a private step on {@code backend} (where every registered parameter must live). */
    public static Builder builder(Backend backend) {
        return new Builder(backend);
    }

    // ---------------------------------------------------------------- opening a logical step

    /**
     * Opens a logical step: the next physical batch overwrites the gradient sums.
     *
     * @throws IllegalStateException when noise was added in the previous step but {@link #account()}
     *     did not record it
     */
    public void zeroGrad() {
        if (phase == Phase.NOISED || phase == Phase.SCALED || phase == Phase.UPDATED) {
            throw new IllegalStateException("step " + stepsTaken + " added noise to the gradients but account() "
                    + "did not record it: a noisy gradient that exists is a release, so call account() before "
                    + "zeroGrad()");
        }
        phase = Phase.ACCUMULATING;
        failed = false;
        batchStage = 0;
        physicalBatches = 0;
        examples = 0;
        lossSum = 0;
        clippedCount = 0;
        unclippedCount = 0;
    }

    // ---------------------------------------------------------------- stages 1-3, per physical batch

    /**
     * Stages 1-3 on one physical batch: norms, clip factors (with the non-finite checks) and
     * clipped sums. The caller has run its forward and backward passes and set every rule's inputs.
     *
     * @param rowMask {@code [B]}: 1 for a real sample, 0 for padding (any value: 0 means left out); with
     *     k rows per unit, B a multiple of k and the k rows of a unit all real or all padding
     * @throws IllegalArgumentException for a mask that does not make whole units
     * @throws IllegalStateException out of order (see the class comment)
     * @throws NonFiniteGradientException for a NaN or infinite norm or clip factor (policy THROW)
     */
    public void accumulate(Tensor rowMask) {
        accumulate(rowMask, null, null);
    }

    /**
     * {@link #accumulate(Tensor)} with the example ids that error messages name and the
     * per-sample losses (added to the step's report, and checked like the norms).
     *
     * @param exampleIds maps batch unit u (rows {@code uk .. uk + k - 1}; the row itself with one row
     *     per unit) to the dataset index of its example (null: u itself)
     * @param perSampleLosses {@code [B]} losses of the caller's loss function, one per row, or null
     * @return the summed loss of the real rows (0 when no losses were given)
     */
    public double accumulate(Tensor rowMask, IntUnaryOperator exampleIds, Tensor perSampleLosses) {
        if (isPrivate) {
            computeNorms(rowMask);
            computeClipFactors(exampleIds, perSampleLosses);
        } else {
            beginBatch(rowMask);
            try {
                hostRows(perSampleLosses);
                countLoss(perSampleLosses);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
            batchStage = 2;
        }
        accumulateClippedSums();
        return lastBatchLoss;
    }

    /**
     * Refuses (as the stages would) when no physical batch may be accumulated now: lets a client
     * check before running its own forward and backward passes.
     *
     * @throws IllegalStateException unless the step is open and not failed
     */
    public void requireAccumulating() {
        requireOpen();
    }

    /** Marks the step failed: a client's own part of a physical batch (forward, loss, backward) threw. */
    void fail() {
        failed = true;
    }

    /**
     * Stage 1: each clipping group's squared per-sample norms (read them with
     * {@link #squaredNorms(int)}). Private steps only.
     *
     * @param rowMask {@code [B]}, the physical batch's mask; its size B must be every rule's batch
     *     (and a multiple of k, the rows of a unit all real or all padding); the norms are per unit,
     *     {@code [B / k]}
     * @throws IllegalArgumentException for a mask that does not make whole units
     * @throws IllegalStateException out of order, or on a non-private step (it has no norms)
     */
    public void computeNorms(Tensor rowMask) {
        if (!isPrivate) {
            throw new IllegalStateException("a non-private step computes no norms: call accumulate(rowMask)");
        }
        beginBatch(rowMask);
        try {
            for (int g = 0; g < clippingGroups.size(); g++) {
                backend.fill(sqNorms[g], 0f);
                for (PerSampleRule r : clippingGroups.get(g)) {
                    r.addSquaredNorms(sqNorms[g], rowsPerUnit);
                }
            }
            batchStage = 1;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Stage 2: clip factors from the norms, then the host checks of every real unit (mask not 0):
     * a NaN or infinite squared norm, clip factor or loss (of any of the unit's rows) is handled by
     * the {@link NonFinitePolicy}. Read the factors with {@link #clipFactors(int)}.
     *
     * @param exampleIds batch unit to dataset index, for messages (null: the unit itself)
     * @param perSampleLosses {@code [B]} (one per row) or null
     * @throws NonFiniteGradientException (policy THROW) naming the example; the step is then failed
     * @throws IllegalStateException out of order
     */
    public void computeClipFactors(IntUnaryOperator exampleIds, Tensor perSampleLosses) {
        requireOpen();
        if (batchStage != 1) {
            throw new IllegalStateException("computeClipFactors() needs computeNorms() on this physical batch first");
        }
        try {
            hostRows(perSampleLosses);
            countLoss(perSampleLosses);
            boolean automatic = clipping.mode() == ClippingMode.AUTOMATIC;
            float stabilizer = (float) (automatic ? clipping.gamma() : Clipping.STABILIZER);
            double bound = clippingGroups.size() == 1 ? clipNorm : clipNorm / Math.sqrt(clippingGroups.size());
            int units = unitMask.size();
            for (int g = 0; g < clippingGroups.size(); g++) {
                backend.clipFactors(units, sqNorms[g], unitMask, (float) bound, stabilizer, automatic, factors[g]);
                checkFactors(g, bound, exampleIds, perSampleLosses != null);
            }
            batchStage = 2;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** Host check of group g's norms and factors (and the losses), unit by unit, before any sum uses them. */
    private void checkFactors(int g, double bound, IntUnaryOperator ids, boolean losses) {
        sqNorms[g].copyTo(hostNorms);
        factors[g].copyTo(hostFactors);
        boolean skipped = false;
        for (int u = 0; u < hostUnitMask.length; u++) {
            if (hostUnitMask[u] == 0f) {
                continue;
            }
            float norm = hostNorms[u];
            float f = hostFactors[u];
            float loss = losses ? firstNonFiniteLoss(u) : 0f;
            if (Float.isFinite(norm) && Float.isFinite(f) && Float.isFinite(loss)) {
                if (g == 0) {
                    if (Math.sqrt(Math.max(0, norm)) <= bound) {
                        unclippedCount++;
                    } else {
                        clippedCount++;
                    }
                }
                continue;
            }
            int id = ids == null ? u : ids.applyAsInt(u);
            if (nonFinitePolicy == NonFinitePolicy.THROW) {
                String what = !Float.isFinite(loss) ? "loss" : !Float.isFinite(norm) ? "gradient" : "clip factor";
                String where = rowsPerUnit == 1 ? "batch row " + u
                        : "batch unit " + u + ", rows " + u * rowsPerUnit + ".." + ((u + 1) * rowsPerUnit - 1);
                throw new NonFiniteGradientException(id, "the " + what + " of example " + id + " (" + where
                        + ") is not finite (squared norm " + norm + ", clip factor " + f + " for bound " + bound
                        + (losses ? ", loss " + loss : "") + "); nothing was updated");
            }
            // SKIP_SAMPLE: factor 0 drops the example (the whole unit); the kernels skip units with
            // factor 0, so its NaN never reaches the sum.
            hostFactors[u] = 0f;
            skipped = true;
        }
        if (skipped) {
            factors[g].copyFrom(hostFactors);
        }
    }

    /** The loss of unit u's first row whose loss is not finite, else the loss of its first row. */
    private float firstNonFiniteLoss(int u) {
        for (int r = u * rowsPerUnit; r < (u + 1) * rowsPerUnit; r++) {
            if (!Float.isFinite(hostLosses[r])) {
                return hostLosses[r];
            }
        }
        return hostLosses[u * rowsPerUnit];
    }

    /**
     * Stage 3: each rule's clipped sum {@code sum_u c_u grad_u} (over units; over rows with one row
     * per unit) into its parameters' gradient buffers (a non-private step uses the unit mask as
     * factors), overwriting them on the first physical batch of the logical step and accumulating
     * after.
     *
     * @throws IllegalStateException out of order
     */
    public void accumulateClippedSums() {
        requireOpen();
        if (batchStage != 2) {
            throw new IllegalStateException("accumulateClippedSums() needs computeClipFactors() on this physical "
                    + "batch first");
        }
        try {
            float beta = physicalBatches == 0 ? 0f : 1f;
            for (int g = 0; g < clippingGroups.size(); g++) {
                Tensor f = isPrivate ? factors[g] : unitMask;
                for (PerSampleRule r : clippingGroups.get(g)) {
                    r.clippedSum(f, rowsPerUnit, beta);
                }
            }
            physicalBatches++;
            for (float m : hostUnitMask) {
                examples += m != 0f ? 1 : 0;
            }
            batchStage = 0;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Stage 3 for clipped sums computed elsewhere: data-parallel workers, each holding a share of
     * the logical batch, ran stages 1-3 on their rows with a step of the same clipping (mode and
     * bound, e.g. a replica's {@link PrivateOptimizer#accumulate}), and hand back each parameter's
     * gradient buffer (its clipped sum), the summed loss and the counts
     * {@link #withinBoundCount()} and {@link #clippedCount()}. The driver adds up the parts (in any
     * order: float sums then differ by rounding only) and calls this between {@link #zeroGrad()} and
     * the release stages, which add the noise once. The guarantee is that of the step: each
     * example's clipped gradient is in the sum once. A part is counted as one physical batch: the
     * first of a step overwrites the gradient sums, later ones add to them.
     *
     * @param sums one array per parameter, in {@link #parameters()}' order, each of the parameter's size; not modified
     * @param examples the examples the part summed, {@code >= 0}
     * @param lossSum their summed loss
     * @param withinBound examples whose gradient norm was within the bound, in {@code [0, examples]}
     * @param clipped examples whose gradient was scaled down, in {@code [0, examples - withinBound]}
     * @throws IllegalArgumentException when the arrays do not match the parameters or a count is out
     *     of range; nothing changed
     * @throws IllegalStateException out of order (no step open, a physical batch half done, or failed)
     */
    public void addClippedSums(float[][] sums, int examples, double lossSum, int withinBound, int clipped) {
        requireOpen();
        if (batchStage != 0) {
            throw new IllegalStateException("addClippedSums() between the stages of a physical batch: finish it with "
                    + "accumulateClippedSums() first");
        }
        if (sums.length != parameters.size()) {
            throw new IllegalArgumentException("sums has " + sums.length + " arrays, the step " + parameters.size()
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
        try {
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
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        physicalBatches++;
        this.examples += examples;
        this.lossSum += lossSum;
        unclippedCount += withinBound;
        clippedCount += clipped;
    }

    private void beginBatch(Tensor mask) {
        requireOpen();
        if (batchStage != 0) {
            failed = true;
            throw new IllegalStateException("the previous physical batch stopped after stage " + batchStage
                    + "; its clipped sums are not in the gradients, so the step is failed: call zeroGrad()");
        }
        if (mask.size() % rowsPerUnit != 0) {
            failed = true;
            throw new IllegalArgumentException("the row mask has " + mask.size() + " rows, not a multiple of the "
                    + rowsPerUnit + " rows per privacy unit");
        }
        this.rowMask = mask;
        ensureScratch(mask.size());
        if (rowsPerUnit == 1) {
            unitMask = mask;
        } else {
            try {
                foldUnitMask();
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
            unitMask = ownUnitMask;
        }
    }

    /** The unit mask from the row mask (on the host): every row of a unit real, or every row padding. */
    private void foldUnitMask() {
        rowMask.copyTo(hostMask);
        for (int u = 0; u < hostUnitMask.length; u++) {
            int r0 = u * rowsPerUnit;
            boolean real = hostMask[r0] != 0f;
            for (int r = r0 + 1; r < r0 + rowsPerUnit; r++) {
                if ((hostMask[r] != 0f) != real) {
                    throw new IllegalArgumentException("privacy unit " + u + " (batch rows " + r0 + ".."
                            + (r0 + rowsPerUnit - 1) + ") mixes real rows and padding: the " + rowsPerUnit
                            + " rows of a unit are all real or all padding");
                }
            }
            hostUnitMask[u] = real ? 1f : 0f;
        }
        ownUnitMask.copyFrom(hostUnitMask);
    }

    /** The mask (and the losses) of the current batch on the host. */
    private void hostRows(Tensor losses) {
        if (rowsPerUnit == 1) {
            rowMask.copyTo(hostMask); // with units, foldUnitMask copied it
        }
        if (losses != null) {
            if (losses.size() != hostMask.length) {
                throw new IllegalArgumentException("per-sample losses " + losses.shape() + " must have one entry per "
                        + "row of the mask, " + hostMask.length);
            }
            losses.copyTo(hostLosses);
        }
    }

    private void countLoss(Tensor losses) {
        double s = 0;
        if (losses != null) {
            for (int r = 0; r < hostMask.length; r++) {
                if (hostMask[r] != 0f) {
                    s += hostLosses[r];
                }
            }
        }
        lastBatchLoss = s;
        lossSum += s;
    }

    private void ensureScratch(int rows) {
        int n = clippingGroups.size();
        int units = rows / rowsPerUnit;
        if (hostMask == null || hostMask.length != rows) {
            if (isPrivate) {
                sqNorms = new Tensor[n];
                factors = new Tensor[n];
                for (int g = 0; g < n; g++) {
                    sqNorms[g] = backend.zeros(units);
                    factors[g] = backend.zeros(units);
                }
            }
            hostMask = new float[rows];
            hostLosses = new float[rows];
            hostNorms = new float[units];
            hostFactors = new float[units];
            if (rowsPerUnit == 1) {
                hostUnitMask = hostMask;
            } else {
                hostUnitMask = new float[units];
                if (ownUnitMask != null) {
                    ownUnitMask.close();
                }
                ownUnitMask = backend.zeros(units);
            }
        }
    }

    private void requireOpen() {
        if (failed) {
            throw new IllegalStateException(FAILED);
        }
        if (phase != Phase.ACCUMULATING) {
            throw new IllegalStateException(phase == Phase.CLOSED
                    ? "call zeroGrad() first: gradients from the previous step would otherwise be mixed into this "
                    + "one, and their privacy was already spent"
                    : "noise was already added in this step: call account() and zeroGrad() before the next batch");
        }
    }

    private static final String FAILED = "an earlier stage of this step threw, so a physical batch is not (wholly) "
            + "in the gradient sums and a step now would silently drop it; call zeroGrad() and accumulate the logical "
            + "batch again";

    // ---------------------------------------------------------------- stages 4-7, once per logical step

    /**
     * Stage 4: checks the budget and that every summed gradient is finite (both before any
     * change), then adds {@code N(0, (sigma C)^2)} to each coordinate. On a non-private step only
     * the finite check runs. An empty logical step (no physical batch) has a zero sum, and still
     * gets noise.
     *
     * @throws org.edp4j.privacy.PrivacyBudgetExceededException when this step would pass the budget; nothing changed
     * @throws NonFiniteGradientException (index -1) when a summed gradient is not finite; nothing changed
     * @throws IllegalStateException out of order
     */
    public void addNoise() {
        beginRelease();
        try {
            if (stepNoiseStd != 0) {
                for (int i = 0; i < parameters.size(); i++) {
                    backend.addNoiseAndScale(gradients.get(i), stepNoise.of(i), 1f);
                }
            }
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Stage 5: divides each summed gradient by the expected batch size {@code q n}.
     *
     * @throws IllegalStateException unless {@link #addNoise()} ran just before
     */
    public void scaleGradients() {
        requirePhase(Phase.NOISED, "scaleGradients() needs addNoise() first: noise is calibrated to the sum");
        try {
            float s = (float) (1.0 / expectedBatchSize);
            for (Tensor g : gradients) {
                backend.scale(s, g);
            }
            phase = Phase.SCALED;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Stage 6: the optimizer's update from the noisy, scaled gradients.
     *
     * @throws IllegalStateException unless {@link #scaleGradients()} ran just before, or when the
     *     builder was given no optimizer (the caller applies the gradients itself)
     */
    public void update() {
        if (optimizer == null) {
            throw new IllegalStateException("this step has no optimizer: read the noisy gradients from each "
                    + "Parameter.grad() and call account()");
        }
        requirePhase(Phase.SCALED, "update() needs addNoise() and scaleGradients() first");
        try {
            for (int i = 0; i < parameters.size(); i++) {
                optimizer.update(i, parameters.get(i), UpdateNoise.NONE, 1f, stepsTaken + 1);
            }
            phase = Phase.UPDATED;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Stage 7: records the step with the accountant (or budget), moves an ADAPTIVE clip bound,
     * and closes the step. Required once noise was added, even when a later stage failed.
     *
     * @return what the step did
     * @throws IllegalStateException unless {@link #addNoise()} ran in this step
     */
    public StepReport account() {
        if (phase != Phase.NOISED && phase != Phase.SCALED && phase != Phase.UPDATED) {
            throw new IllegalStateException("account() records a step whose noise was added: call addNoise() first");
        }
        long step = stepsTaken;
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
        phase = Phase.CLOSED;
        double clippedFraction = isPrivate && examples > 0 ? clippedCount / (double) examples : Double.NaN;
        return new StepReport(step, examples, lossSum, stepClipNorm, clippedFraction, stepNoiseStd);
    }

    /**
     * Stages 4-7 with noise, scale and update fused in one pass per parameter:
     * {@link #addNoise()}'s checks, the optimizer's fused update, {@link #account()}.
     *
     * @throws org.edp4j.privacy.PrivacyBudgetExceededException before any change, when this step would pass the budget
     * @throws NonFiniteGradientException before any change, when a summed gradient is not finite
     * @throws IllegalStateException out of order, or without an optimizer
     */
    public StepReport step() {
        if (optimizer == null) {
            throw new IllegalStateException("this step has no optimizer: use addNoise(), scaleGradients(), then "
                    + "account() and apply the gradients yourself");
        }
        beginRelease();
        try {
            float gradScale = (float) (1.0 / expectedBatchSize);
            for (int i = 0; i < parameters.size(); i++) {
                optimizer.update(i, parameters.get(i), stepNoise.of(i), gradScale, stepsTaken + 1);
            }
            phase = Phase.UPDATED;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        return account();
    }

    /** The checks before any change, then the step's noise (phase NOISED from here on). */
    private void beginRelease() {
        requireOpen();
        if (batchStage != 0) {
            failed = true;
            throw new IllegalStateException("the last physical batch stopped after stage " + batchStage
                    + " (its clipped sums are not in the gradients); call zeroGrad() and accumulate it again");
        }
        if (isPrivate && budget != null) {
            budget.checkStep(noiseMultiplier, sampleRate); // before anything changes, the caller's buffers too
        }
        if (physicalBatches == 0) {
            // An empty Poisson batch: the sum is 0, and it still gets noise.
            for (Tensor g : gradients) {
                backend.fill(g, 0f);
            }
        }
        // The same check in both modes, so the private / non-private ratio measures DP alone.
        if (!backend.allFinite(gradients)) {
            throw new NonFiniteGradientException(-1, "the summed gradient of " + firstNonFinite()
                    + " is not finite; nothing was updated");
        }
        stepClipNorm = clipNorm;
        stepNoiseStd = isPrivate ? clipping.gradientNoiseMultiplier(noiseMultiplier, expectedBatchSize) * clipNorm : 0;
        stepNoise.begin(stepsTaken, stepNoiseStd);
        phase = Phase.NOISED;
    }

    private void requirePhase(Phase expected, String message) {
        if (failed) {
            throw new IllegalStateException(phase == Phase.CLOSED || phase == Phase.ACCUMULATING ? FAILED
                    : "an earlier stage of this step threw; call account() (the noise was added) and zeroGrad()");
        }
        if (phase != expected) {
            throw new IllegalStateException(message);
        }
    }

    private Parameter firstNonFinite() {
        for (Parameter p : parameters) {
            if (!backend.allFinite(p.grad())) {
                return p;
            }
        }
        throw new IllegalStateException("allFinite(all) was false but each tensor is finite");
    }

    /** Andrew et al. 2021's update of C ({@link Clipping#nextClipNorm}), its count noise from the step's own stream. */
    private void updateClipNorm(long step) {
        clipNorm = clipping.nextClipNorm(clipNorm, unclippedCount, unclippedCount + clippedCount, expectedBatchSize,
                noise.normal(GaussianNoise.CLIP_QUANTILE_NOISE, step, 0));
    }

    // ---------------------------------------------------------------- state

    /**
     * Squared per-unit norms ({@code [B / k]}; per-sample with one row per unit) of clipping group g
     * of the current physical batch (one group unless PER_LAYER).
     */
    public Tensor squaredNorms(int group) {
        return sqNorms[group];
    }

    /** Clip factors ({@code [B / k]}, one per unit) of clipping group g of the current physical batch (one group unless PER_LAYER). */
    public Tensor clipFactors(int group) {
        return factors[group];
    }

    /** Rows of a physical batch per privacy unit, k ({@link Builder#rowsPerUnit}). */
    public int rowsPerUnit() {
        return rowsPerUnit;
    }

    /** The clipping groups: all rules together, or one per rule under PER_LAYER (bound {@code C / sqrt(L)}). */
    public int clippingGroupCount() {
        return clippingGroups.size();
    }

    /**
     * @return the examples of the open logical step so far whose gradient norm was within the clip
     *     bound (the count ADAPTIVE clipping reads; 0 on a non-private step)
     */
    public int withinBoundCount() {
        return unclippedCount;
    }

    /** @return the examples of the open logical step so far whose gradient was scaled down (0 non-private) */
    public int clippedCount() {
        return clippedCount;
    }

    /** @return what a non-finite per-sample norm, clip factor or loss does */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** The registered rules, in order. */
    public List<PerSampleRule> rules() {
        return rules;
    }

    /** Every parameter of the rules, in order: the order of the noise elements. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Where parameter i's noise starts in the step's stream: the sizes of the parameters before it. */
    public long noiseOffset(int i) {
        return stepNoise.offset(i);
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
     * Changes the noise multiplier for the following steps; the accountant records each step with
     * the multiplier it used.
     *
     * @param sigma &gt; 0 and finite (the rule of {@link Builder#noiseMultiplier})
     * @throws IllegalArgumentException for sigma outside (0, +inf), or (ADAPTIVE) a sigma the count
     *     noise cannot be split from
     * @throws IllegalStateException on a non-private step, which adds no noise
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

    /** The one rule for a private step's noise multiplier: &gt; 0 and finite. */
    static void checkNoiseMultiplier(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("noise multiplier must be > 0 and finite, got " + sigma);
        }
    }

    /**
     * Restores the position of a checkpointed run: the number of steps already taken (so the next
     * step draws fresh noise) and the clip bound.
     *
     * @throws IllegalArgumentException for steps &lt; 0 or a clip bound outside (0, +inf)
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

    /** The accountant recording this step's releases (null for a non-private step). */
    public PrivacyAccountant accountant() {
        return accountant;
    }

    /** The privacy budget, or null. */
    public PrivacyBudget budget() {
        return budget;
    }

    /** The optimizer, or null when the caller applies the gradients itself. */
    public Optimizer optimizer() {
        return optimizer;
    }

    public Clipping clipping() {
        return clipping;
    }

    /** The noise generator (null for a non-private step). */
    public GaussianNoise noise() {
        return noise;
    }

    public Backend backend() {
        return backend;
    }

    /** Stops the noise prefetch worker. */
    @Override
    public void close() {
        stepNoise.close();
    }

    /** Configuration of a {@link PrivateStep}. */
    public static final class Builder {
        private final Backend backend;
        private final List<PerSampleRule> rules = new ArrayList<>();
        private Optimizer optimizer;
        private Clipping clipping = Clipping.flat(1.0);
        private boolean isPrivate = true;
        private double noiseMultiplier = Double.NaN;
        private double sampleRate = Double.NaN;
        private long datasetSize = -1;
        private GaussianNoise noise;
        private PrivacyAccountant accountant;
        private PrivacyBudget budget;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.THROW;
        private int rowsPerUnit = 1;

        private Builder(Backend backend) {
            if (backend == null) {
                throw new IllegalArgumentException("backend must not be null");
            }
            this.backend = backend;
        }

        /**
         * Registers a parameter group with its per-sample rule. Groups are clipped together (or
         * each on its own under PER_LAYER) and their parameters get noise in registration order.
         *
         * @throws IllegalArgumentException for a rule without parameters
         */
        public Builder group(PerSampleRule rule) {
            if (rule == null || rule.parameters().isEmpty()) {
                throw new IllegalArgumentException("a parameter group needs a rule with at least one parameter, got "
                        + rule);
            }
            rules.add(rule);
            return this;
        }

        /** Registers each rule, in order ({@link #group}). */
        public Builder groups(List<? extends PerSampleRule> rs) {
            for (PerSampleRule r : rs) {
                group(r);
            }
            return this;
        }

        /**
         * The update rule of stage 6 and of the fused {@link PrivateStep#step()}; without one the
         * caller applies the noisy gradients itself.
         */
        public Builder optimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        /** Clipping mode and bound (default: flat, C = 1). */
        public Builder clipping(Clipping c) {
            if (c == null) {
                throw new IllegalArgumentException("clipping must not be null");
            }
            this.clipping = c;
            return this;
        }

        /**
         * Noise multiplier sigma: the noise on each summed coordinate has standard deviation
         * {@code sigma C}.
         *
         * @param sigma &gt; 0 and finite (sigma 0 would release the gradients without noise: use
         *     {@link #nonPrivate()})
         * @throws IllegalArgumentException for sigma outside (0, +inf)
         */
        public Builder noiseMultiplier(double sigma) {
            checkNoiseMultiplier(sigma);
            this.noiseMultiplier = sigma;
            return this;
        }

        /**
         * Poisson sampling rate q and dataset size n: the expected batch is q n.
         *
         * @param q in (0, 1]
         * @param n &gt; 0
         * @throws IllegalArgumentException outside those ranges
         */
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

        /** The noise generator (default {@link GaussianNoise#secure()}). */
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
            if (p == null) {
                throw new IllegalArgumentException("nonFinitePolicy must not be null");
            }
            this.nonFinitePolicy = p;
            return this;
        }

        /** The ordinary step: same code, c_i = row mask, no norms, no noise, no accounting. */
        public Builder nonPrivate() {
            this.isPrivate = false;
            return this;
        }

        /**
         * Makes one privacy unit of every {@code k} consecutive rows of a physical batch (default 1:
         * a row is a unit). The unit's rows are clipped together, by the norm of their summed
         * gradient, and accounted once (class comment): {@link #sampling} and the sampler count
         * units. Every physical batch then has a multiple of k rows, the k rows of a unit all real
         * or all padding. Every registered rule must implement
         * {@link PerSampleRule#addSquaredNorms(Tensor, int)} and
         * {@link PerSampleRule#clippedSum(Tensor, int, float)} (the built-in rules and layers do); one
         * that does not throws {@link UnsupportedOperationException} at the first physical batch,
         * before any noise.
         *
         * @param k rows per unit, &gt;= 1
         * @throws IllegalArgumentException for k &lt; 1
         */
        public Builder rowsPerUnit(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("rows per privacy unit must be >= 1, got " + k);
            }
            this.rowsPerUnit = k;
            return this;
        }

        /**
         * @throws IllegalArgumentException without groups, sampling, or (private) a noise
         *     multiplier; for a parameter registered twice or living on another backend
         */
        public PrivateStep build() {
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("register at least one parameter group with group(rule)");
            }
            if (Double.isNaN(sampleRate)) {
                throw new IllegalArgumentException("sampling(q, n) is required: the gradient is scaled by q n");
            }
            if (isPrivate && Double.isNaN(noiseMultiplier)) {
                throw new IllegalArgumentException("a private step needs noiseMultiplier(sigma)");
            }
            if (!isPrivate) {
                noiseMultiplier = 0;
            }
            Map<Parameter, PerSampleRule> owner = new IdentityHashMap<>();
            for (PerSampleRule r : rules) {
                for (Parameter p : r.parameters()) {
                    PerSampleRule other = owner.putIfAbsent(p, r);
                    if (other != null) {
                        throw new IllegalArgumentException("parameter " + p + " is registered twice (in " + other
                                + " and in " + r + "); edp4j does not support shared parameters: per-sample norms "
                                + "would be taken per use instead of on the summed gradient, so the clipping bound "
                                + "and the noise would not match the sensitivity");
                    }
                    if (p.backend() != backend) {
                        throw new IllegalArgumentException("parameter " + p + " lives on backend "
                                + p.backend().name() + ", not on this step's " + backend.name());
                    }
                }
            }
            return new PrivateStep(this);
        }
    }
}
