package org.edp4j.fl;

import java.util.Objects;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.ClippingMode;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.dp.NoisyUpdate;
import org.edp4j.dp.Optimizer;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyBudget;
import org.edp4j.privacy.RdpAccountant;

/**
 * The server of DP-FedAvg (McMahan, Ramage, Talwar and Zhang 2018, "Learning Differentially
 * Private Recurrent Language Models"), with device-level differential privacy.
 *
 * <p>Round t, with global weights {@code w}:
 * <ol>
 *   <li><b>Select.</b> The population moves to round t; the selection gives the round's
 *       {@link InclusionRule} ({@code p_d} of the examples device d holds) and each device joins
 *       independently by its own coin ({@link RoundSelection}: the executor flips the coins, on this
 *       machine or where the devices live; the coins' generator is not the noise's).</li>
 *   <li><b>Train and clip (device side).</b> The {@link RoundExecutor} has every selected device train
 *       locally from {@code w} and clip its update {@code u_d = w - w_d} to norm C
 *       ({@link DeviceTrainer}); it returns {@code S = sum_d clip(u_d)}.</li>
 *   <li><b>Noise, once.</b> {@code g = (S + N(0, sigma^2 C^2 I)) / K} with K the expected number of
 *       participants ({@link DeviceSelection#expectedParticipants()}, public). The noise of parameter
 *       element j in round t is element {@code offset_p + j} of stream
 *       {@link GaussianNoise#FEDERATED_NOISE} with nonce t: drawn once per round, never reused, and
 *       prefetched while the devices train.</li>
 *   <li><b>Server optimizer.</b> {@code g} is a pseudo-gradient: {@code Sgd(lr)} gives FedAvg with
 *       server learning rate lr ({@code lr = 1}: {@code w + mean update + noise}), {@code Adam} gives
 *       FedAdam (Reddi et al. 2021); the existing fused update adds the noise before rounding.</li>
 *   <li><b>Account.</b> The accountant records {@code (sigma, q)} with
 *       {@code q = selection.accountingRate()}, at least every device's {@code p_d}: each round is a
 *       Poisson-subsampled Gaussian mechanism on devices, so the guarantee is device-level.</li>
 * </ol>
 * With one local step on one example per device, local learning rate 1 and server SGD, a round is
 * exactly a DP-SGD step of {@link org.edp4j.dp.PrivateOptimizer} on the selected examples (tests).
 * Adaptive clipping (Andrew et al. 2021) moves C after each round from a noisy count of the devices
 * whose update was within the bound, and splits sigma between that count and the sum as
 * {@link Clipping#gradientNoiseMultiplier} says.
 *
 * <pre>{@code
 * Population pop = new StaticPopulation(Partitions.quantitySkew(n, 1000, 1.0, seed));
 * DeviceSelection sel = DeviceSelection.activity(1000, 50, 0.1);
 * double sigma = NoiseCalibration.noiseMultiplierFor(3.0, 1e-5, sel.accountingRate(), rounds, "rdp");
 * try (RoundExecutor exec = new ThreadPoolRoundExecutor(2, () -> new DeviceTrainer(replica(), batch(), loader,
 *              pop, new LocalTraining(1, 16, 0.5, seed)));
 *      FederatedAveraging server = FederatedAveraging.builder(model, Adam.of(0.01))
 *              .population(pop).selection(sel).executor(exec)
 *              .clipping(Clipping.flat(0.5)).noiseMultiplier(sigma)
 *              .budget(new PrivacyBudget(new RdpAccountant(), 3.0, 1e-5)).build()) {
 *     for (int t = 0; t < rounds; t++) {
 *         server.round();               // throws PrivacyBudgetExceededException before passing epsilon 3
 *     }
 * }
 * }</pre>
 *
 * <p>Failures leave the model as it was: a round that would pass the budget throws before anything
 * changes; a device's non-finite update throws {@link org.edp4j.dp.NonFiniteGradientException}
 * ({@link NonFinitePolicy#THROW}) before the server's parameters change, and the round can be retried.
 * Not thread-safe.
 */
public final class FederatedAveraging implements AutoCloseable {
    private final Sequential model;
    private final DeviceCensus population;
    private final DeviceSelection selection;
    private final RoundExecutor executor;
    private final Clipping clipping;
    private final GaussianNoise noise;
    private final GaussianNoise coins;
    private final PrivacyAccountant accountant;
    private final PrivacyBudget budget;
    private final NonFinitePolicy nonFinitePolicy;
    private final boolean isPrivate;
    private final ModelVector global;
    private final ModelVector sum;
    private final NoisyUpdate update;

    private double noiseMultiplier;
    private double clipNorm;
    private long rounds;
    private long populationRound = -1;

    private FederatedAveraging(Builder b) {
        this.model = b.model;
        this.population = Objects.requireNonNull(b.population, "population(...) is required");
        this.selection = Objects.requireNonNull(b.selection, "selection(...) is required");
        this.executor = Objects.requireNonNull(b.executor, "executor(...) is required");
        this.clipping = b.clipping;
        this.noiseMultiplier = b.noiseMultiplier;
        this.clipNorm = b.clipping.clipNorm();
        this.noise = b.noise != null ? b.noise : GaussianNoise.secure();
        this.coins = b.coins != null ? b.coins : GaussianNoise.secure();
        this.isPrivate = b.isPrivate;
        this.budget = isPrivate ? b.budget : null;
        this.accountant = !isPrivate ? null : b.budget != null ? b.budget.accountant()
                : b.accountant != null ? b.accountant : new RdpAccountant();
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.global = ModelVector.zerosLike(model);
        this.sum = ModelVector.zerosLike(model);
        if (isPrivate) {
            // Fails early when the adaptive split of the noise is impossible.
            clipping.gradientNoiseMultiplier(noiseMultiplier, selection.expectedParticipants());
        }
        this.update = new NoisyUpdate(model, b.optimizer, noise, b.noiseStream, isPrivate);
    }

    /** Starts configuring a server for {@code model} with the server optimizer {@code optimizer}. */
    public static Builder builder(Sequential model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /**
     * Runs the next round: select, train on the devices, sum, noise, update, account.
     *
     * @return what the round did (its tally is not covered by epsilon)
     * @throws org.edp4j.privacy.PrivacyBudgetExceededException before anything changes, when the round
     *     would pass the budget
     * @throws org.edp4j.dp.NonFiniteGradientException when a device's update is not finite
     *     ({@link NonFinitePolicy#THROW}); the model is unchanged
     */
    public RoundReport round() {
        long t = rounds;
        double q = selection.accountingRate();
        if (isPrivate && budget != null) {
            budget.checkStep(noiseMultiplier, q);
        }
        if (populationRound < t) {
            population.beginRound(t);
            populationRound = t;
        }
        RoundSelection who = RoundSelection.poisson(selection.rule(population), coins, population);
        global.copyFrom(model);
        double k = selection.expectedParticipants();
        RoundTask task = new RoundTask(t, isPrivate ? clipping : null, clipNorm, global, who, nonFinitePolicy);
        RoundTally tally = executor.run(task, sum);

        double std = isPrivate ? clipping.gradientNoiseMultiplier(noiseMultiplier, k) * clipNorm : 0;
        sum.copyIntoGradients(model);
        update.apply(t, std, (float) (1.0 / k));
        double used = isPrivate ? clipNorm : Double.NaN;
        if (isPrivate) {
            if (budget != null) {
                budget.recordStep(noiseMultiplier, q);
            } else {
                accountant.step(noiseMultiplier, q);
            }
            if (clipping.mode() == ClippingMode.ADAPTIVE) {
                // Andrew et al. 2021; the count's noise is element 0 of CLIP_QUANTILE_NOISE at nonce t.
                clipNorm = clipping.nextClipNorm(clipNorm, tally.withinBound(), tally.participants(), k,
                        noise.normal(GaussianNoise.CLIP_QUANTILE_NOISE, t, 0));
            }
        }
        rounds++;
        return new RoundReport(t, used, std, isPrivate ? q : Double.NaN, tally);
    }

    /** @return rounds run so far (the nonce of the next round's coins and noise) */
    public long roundsTaken() {
        return rounds;
    }

    /** @return the current clip bound (it moves under ADAPTIVE clipping) */
    public double clipNorm() {
        return clipNorm;
    }

    /** @return the noise multiplier sigma */
    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /** @return whether rounds are clipped, noised and accounted */
    public boolean isPrivate() {
        return isPrivate;
    }

    /** @return the accountant recording the rounds (null for a non-private server) */
    public PrivacyAccountant accountant() {
        return accountant;
    }

    /** @return the budget, or null */
    public PrivacyBudget budget() {
        return budget;
    }

    /** @return the server's model (the global weights) */
    public Sequential model() {
        return model;
    }

    /** @return the device selection */
    public DeviceSelection selection() {
        return selection;
    }

    /** @return the devices' census (the population, on one machine) */
    public DeviceCensus population() {
        return population;
    }

    /** Stops the noise prefetcher. The executor belongs to the caller, who closes it. */
    @Override
    public void close() {
        update.close();
    }

    /** Configuration of a {@link FederatedAveraging} server. */
    public static final class Builder {
        private final Sequential model;
        private final Optimizer optimizer;
        private DeviceCensus population;
        private DeviceSelection selection;
        private RoundExecutor executor;
        private Clipping clipping = Clipping.flat(1.0);
        private double noiseMultiplier = Double.NaN;
        private GaussianNoise noise;
        private GaussianNoise coins;
        private int noiseStream = GaussianNoise.FEDERATED_NOISE;
        private PrivacyAccountant accountant;
        private PrivacyBudget budget;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.THROW;
        private boolean isPrivate = true;

        private Builder(Sequential model, Optimizer optimizer) {
            if (model == null || optimizer == null) {
                throw new IllegalArgumentException("model and optimizer must not be null");
            }
            this.model = model;
            this.optimizer = optimizer;
        }

        /**
         * The devices (required): a {@link Population} on one machine, or the census of devices that live
         * elsewhere (the server reads only their number and held counts).
         */
        public Builder population(DeviceCensus p) {
            this.population = p;
            return this;
        }

        /** How devices are selected each round (required; its device count must match the population's). */
        public Builder selection(DeviceSelection s) {
            this.selection = s;
            return this;
        }

        /** Who runs the device side (required; owned by the caller). */
        public Builder executor(RoundExecutor e) {
            this.executor = e;
            return this;
        }

        /** Clipping of the device updates: FLAT, PER_LAYER, AUTOMATIC or ADAPTIVE (default flat, C = 1). */
        public Builder clipping(Clipping c) {
            this.clipping = Objects.requireNonNull(c, "clipping");
            return this;
        }

        /**
         * Noise multiplier sigma: the noise on each summed coordinate has standard deviation
         * {@code sigma C}. Required for a private server.
         *
         * @param sigma &gt; 0 and finite (the rule of {@code PrivateOptimizer}; sigma 0 would release
         *     the sum without noise: use {@link #nonPrivate()} for that)
         * @throws IllegalArgumentException for sigma outside (0, +inf)
         */
        public Builder noiseMultiplier(double sigma) {
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("noise multiplier must be > 0 and finite, got " + sigma);
            }
            this.noiseMultiplier = sigma;
            return this;
        }

        /**
         * Plain federated averaging, for comparison: devices do not clip, the server adds no noise and
         * accounts nothing (the same code otherwise: selection, local training, sum, 1/K, optimizer).
         */
        public Builder nonPrivate() {
            this.isPrivate = false;
            return this;
        }

        /** The generator of the server's noise (default {@link GaussianNoise#secure()}); its key stays on the server. */
        public Builder noise(GaussianNoise g) {
            this.noise = g;
            return this;
        }

        /**
         * The generator of the selection coins (default: another {@link GaussianNoise#secure()}, so the
         * noise key need not travel to wherever devices are selected: the executor receives this one).
         */
        public Builder coins(GaussianNoise g) {
            this.coins = g;
            return this;
        }

        /** The server noise's stream id; tests set {@link GaussianNoise#GRADIENT_NOISE} to compare with DP-SGD. */
        Builder noiseStream(int streamId) {
            this.noiseStream = streamId;
            return this;
        }

        /** Records rounds with this accountant (default: a new {@link RdpAccountant}). */
        public Builder accountant(PrivacyAccountant a) {
            this.accountant = a;
            return this;
        }

        /** Refuses rounds that would pass the budget; its accountant records the rounds. */
        public Builder budget(PrivacyBudget b) {
            this.budget = b;
            return this;
        }

        /** What a device with a non-finite update does (default THROW). */
        public Builder nonFinitePolicy(NonFinitePolicy p) {
            this.nonFinitePolicy = Objects.requireNonNull(p, "nonFinitePolicy");
            return this;
        }

        /**
         * @throws IllegalArgumentException when a required part is missing, sigma was not given (private), or the
         *     selection and the population disagree on the number of devices
         */
        public FederatedAveraging build() {
            if (population == null || selection == null || executor == null) {
                throw new IllegalArgumentException("population(...), selection(...) and executor(...) are required");
            }
            if (isPrivate && Double.isNaN(noiseMultiplier)) {
                throw new IllegalArgumentException("noiseMultiplier(sigma) is required (or nonPrivate())");
            }
            if (!isPrivate) {
                noiseMultiplier = 0;
            }
            if (selection.deviceCount() != population.deviceCount()) {
                throw new IllegalArgumentException("the selection is for " + selection.deviceCount()
                        + " devices, the population has " + population.deviceCount());
            }
            return new FederatedAveraging(this);
        }
    }
}
