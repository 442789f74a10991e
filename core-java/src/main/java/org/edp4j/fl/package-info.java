/**
 * Federated learning with device-level differential privacy: DP-FedAvg (McMahan et al. 2018) on
 * edp4j's own primitives. Devices keep their data, train the shared model locally and send only a
 * clipped update; the server adds Gaussian noise once to the sum, and the accountant treats a whole
 * device, over all its data and all rounds, as the unit of privacy.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li><b>Data.</b> {@link org.edp4j.fl.Partitions} splits a dataset over devices (IID, Dirichlet
 *       label skew, log-normal quantity skew, a device-id column) into a {@link org.edp4j.fl.Partition};
 *       a {@link org.edp4j.fl.Population} says what each device holds in a round:
 *       {@link org.edp4j.fl.StaticPopulation} (everything, always) or
 *       {@link org.edp4j.fl.ContinualPopulation} (a stream delivered over the rounds into a
 *       {@link org.edp4j.fl.DeviceStorage} that keeps the newest K).</li>
 *   <li><b>Selection.</b> {@link org.edp4j.fl.DeviceSelection} gives inclusion probabilities (uniform,
 *       or proportional to activity with a cap); {@link org.edp4j.fl.DeviceSampler} flips each
 *       device's secure coin (Poisson selection).</li>
 *   <li><b>Device side.</b> {@link org.edp4j.fl.DeviceTrainer}: local SGD from the global weights,
 *       the update {@code w - w_local} clipped by DP-SGD's rules; a {@link org.edp4j.fl.RoundExecutor}
 *       runs the selected devices and sums their updates ({@link org.edp4j.fl.ThreadPoolRoundExecutor}:
 *       threads, summed in device order, so any thread count gives the same bits).</li>
 *   <li><b>Server.</b> {@link org.edp4j.fl.FederatedAveraging}: noise once on its own stream, division
 *       by the expected number of participants, a server optimizer (FedAvg SGD or FedAdam), the
 *       accountant at {@link org.edp4j.fl.DeviceSelection#accountingRate()}.</li>
 *   <li><b>Accounting.</b> {@link org.edp4j.fl.DeviceAccounting}: the per-device epsilon when devices
 *       have different probabilities; never more than what the server records.</li>
 * </ul>
 *
 * <h2>Worked example</h2>
 * <pre>{@code
 * int devices = 500, perRound = 50, rounds = 100;
 * Partition part = Partitions.quantitySkew(train.size(), devices, 1.0, seed);     // sizes ~ log-normal
 * Population pop = new StaticPopulation(part);
 * DeviceSelection sel = DeviceSelection.activity(devices, perRound, 2.0 * perRound / devices);
 * double sigma = NoiseCalibration.noiseMultiplierFor(3.0, 1e-5, sel.accountingRate(), rounds, "rdp");
 * LocalTraining local = new LocalTraining(1, 16, 0.5, seed);
 * try (RoundExecutor exec = new ThreadPoolRoundExecutor(2, () -> new DeviceTrainer(
 *              Models.bag(CpuBackend.instance(), new SplittableRandom(seed), vocab, 32, 16, 2),
 *              Batch.tokens(CpuBackend.instance(), 16, maxLen, 2), loader, pop, local));
 *      FederatedAveraging server = FederatedAveraging.builder(model, Adam.of(0.01))
 *              .population(pop).selection(sel).executor(exec)
 *              .clipping(Clipping.flat(0.5)).noiseMultiplier(sigma)
 *              .budget(new PrivacyBudget(new RdpAccountant(), 3.0, 1e-5)).build()) {
 *     for (int t = 0; t < rounds; t++) {
 *         server.round();
 *     }
 * }
 * }</pre>
 *
 * <p>The method, the accounting argument and its trade-off for activity selection:
 * {@code docs/federated.md}.
 */
package org.edp4j.fl;
