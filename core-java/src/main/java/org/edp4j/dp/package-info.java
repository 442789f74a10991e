/**
 * The private step: clipping, Poisson sampling, noise and the private optimizers.
 *
 * <p>{@link org.edp4j.dp.PrivateStep} is the step over any parameters, in named stages a caller
 * can run one by one (norms, clip factors, clipped sums, noise, scale, update, account): the
 * primitives for a training loop written outside edp4j, on the caller's own arrays
 * (docs/embedding.md). {@link org.edp4j.dp.PrivateOptimizer} is its client for edp4j's own
 * {@link org.edp4j.nn.Sequential} models.
 *
 * <p>{@link org.edp4j.dp.PrivateOptimizer} runs DESIGN.md's step: forward, one backward pass,
 * per-sample norms from the layers' rules, clip factors ({@link org.edp4j.dp.ClippingMode}: flat,
 * per-layer, automatic, adaptive quantile; each bounds the sensitivity by the clip norm C),
 * clipped sums, then Gaussian noise {@code N(0, (sigma C)^2)} from {@link org.edp4j.dp.noise},
 * division by the expected batch size and the update ({@link org.edp4j.dp.Sgd} with momentum =
 * DP-SGD, {@link org.edp4j.dp.Adam} = DP-Adam) in one fused pass; the accountant records
 * {@code (q, sigma)}. The ordinary step is the same code with {@code c_i} = row mask.
 *
 * <pre>{@code
 * GaussianNoise noise = GaussianNoise.secure();
 * try (PrivateOptimizer opt = PrivateOptimizer.builder(model, Sgd.withMomentum(0.1, 0.9))
 *         .clipping(Clipping.flat(1.0)).noiseMultiplier(1.1).sampling(256.0 / n, n).noise(noise)
 *         .budget(new PrivacyBudget(new RdpAccountant(), 3.0, 1e-5)).build()) {
 *     TrainingLoop loop = new TrainingLoop(opt, new PoissonSampler(noise, n, 256.0 / n), batch, loader);
 *     for (int s = 0; s < steps; s++) {
 *         loop.step();                  // throws PrivacyBudgetExceededException before passing 3.0
 *     }
 *     double eps = opt.accountant().getEpsilon(1e-5);
 * }
 * }</pre>
 *
 * <p>Capacity overflow: a Poisson batch larger than the physical capacity is split into several
 * physical batches whose clipped sums accumulate (exact Poisson sampling, no truncation).
 */
package org.edp4j.dp;
