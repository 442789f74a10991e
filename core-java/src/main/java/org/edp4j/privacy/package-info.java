/**
 * Privacy accounting for DP-SGD: how much {@code (epsilon, delta)} a sequence of
 * Poisson-subsampled Gaussian steps has spent, how much noise a target needs, and a budget that
 * refuses the step that would pass it.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link org.edp4j.privacy.PrivacyAccountant}: {@code step(sigma, q[, count])},
 *       {@code getEpsilon(delta)}, a compact history of {@link org.edp4j.privacy.MechanismRun}s
 *       (consecutive identical steps merged), {@code copy()}, {@code saveState()}.</li>
 *   <li>{@link org.edp4j.privacy.RdpAccountant} ({@code "rdp"}): Renyi DP of the subsampled
 *       Gaussian (Mironov, Talwar, Zhang 2019; closed form at integer orders, the exact signed
 *       series at fractional ones, all in log space), converted by Balle et al. 2020, Theorem 21:
 *       {@code eps = min_a R(a) + log((a-1)/a) - (log delta + log a)/(a-1)}. Matches Opacus to
 *       {@code 1e-12} relative. {@code O(#orders)} per query.</li>
 *   <li>{@link org.edp4j.privacy.PrvAccountant} ({@code "prv"}): numerical composition of privacy
 *       loss random variables (Gopi, Lee, Wutschitz 2021) by FFT, with the bound
 *       {@code lower <= eps <= upper}, {@code upper - lower ~ 2 eps_err} (0.02 by default). Tighter than RDP,
 *       and never above it.</li>
 *   <li>{@link org.edp4j.privacy.NoiseCalibration}: smallest sigma for a target, most steps for a sigma.</li>
 *   <li>{@link org.edp4j.privacy.PrivacyBudget}: {@code checkStep} throws
 *       {@link org.edp4j.privacy.PrivacyBudgetExceededException} before anything changes.</li>
 *   <li>{@link org.edp4j.privacy.PrivacyAccountants}: registry by name and {@code restore(state)}.</li>
 * </ul>
 *
 * <h2>Worked example</h2>
 * A dataset of 60,000 examples, expected batch 2,400 ({@code q = 0.04}), 90 epochs
 * ({@code 90 / q = 2,250} steps), {@code delta = 1e-5}:
 * <pre>{@code
 * double sigma = NoiseCalibration.noiseMultiplierFor(8.0, 1e-5, 0.04, 2250, "rdp"); // 1.4159 (Opacus: 1.416)
 *
 * RdpAccountant acc = new RdpAccountant();
 * acc.step(1.5, 0.04, 2250);
 * acc.getEpsilonAndOrder(1e-5);          // epsilon 7.32911117143..., order 3.9 (Opacus: 7.32911117143)
 *
 * PrvAccountant prv = new PrvAccountant();
 * prv.step(1.5, 0.04, 2249);
 * prv.getEpsilon(1e-5);                  // 6.7735 (Opacus PRV, eps_error 0.01: about 6.777)
 *
 * PrivacyBudget budget = new PrivacyBudget(new RdpAccountant(), 8.0, 1e-5);
 * budget.checkStep(sigma, 0.04);         // before the noisy update; throws when the budget is spent
 * budget.recordStep(sigma, 0.04);        // after it
 * String saved = budget.accountant().saveState();      // checkpoint, exact
 * PrivacyAccountant back = PrivacyAccountants.restore(saved);
 * }</pre>
 *
 * <h2>Conventions</h2>
 * {@code sigma} in {@code [0, +inf)}, {@code q} in {@code [0, 1]}, {@code steps >= 0},
 * {@code delta} in {@code (0, 1)}; out-of-range values throw {@link java.lang.IllegalArgumentException}
 * with a message naming the argument and its range ("sampleRate must be in [0, 1], got 1.5").
 * Results are never NaN: {@code q = 0} or no steps give 0, {@code sigma = 0} with {@code q > 0}
 * gives {@code +Infinity}. Accountants are not thread-safe.
 */
package org.edp4j.privacy;
