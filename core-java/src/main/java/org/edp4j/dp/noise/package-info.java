/**
 * Cryptographically secure, counter-based Gaussian noise for DP-SGD: {@link org.edp4j.dp.noise.ChaCha20}
 * (the RFC 8439 block function), {@link org.edp4j.dp.noise.GaussianNoise} (normals and uniforms at any
 * index of any stream) and {@link org.edp4j.dp.noise.NoisePrefetcher} (next step's noise generated off the
 * critical path).
 *
 * <h2>Worked example: one private step</h2>
 * <pre>{@code
 * GaussianNoise noise = GaussianNoise.secure();          // key from SecureRandom; checkpoint noise.key() as a secret
 * double[] u = new double[datasetSize];
 * try (NoisePrefetcher prefetch = new NoisePrefetcher(noise, GaussianNoise.GRADIENT_NOISE, numParams)) {
 *     for (long step = firstStep; step < lastStep; step++) {
 *         // 1. Poisson sampling: example i joins iff u[i] < q (its own stream, same key, nonce = step).
 *         noise.fillUniforms(GaussianNoise.SAMPLING, step, 0, u, 0, datasetSize);
 *         // 2-6. forward, backward, per-sample norms, clipped sum -> float[] clippedSum (numParams)
 *         float[] z = prefetch.take(step);               // N(0,1), elements [0, numParams) of (GRADIENT_NOISE, step)
 *         for (int k = 0; k < numParams; k++) {           // 7-8. fused noise + update, in double, rounded once
 *             double g = ((double) clippedSum[k] + sigma * clipNorm * z[k]) / (q * datasetSize);
 *             params[k] = (float) (params[k] - lr * g);
 *         }
 *     }
 * }
 * }</pre>
 * With the key {@code insecureSeeded(42).key()}, stream 0, step 7, the first two normals are
 * {@code -2.026144074040077} and {@code -0.4513531167974918}; with step {@code 2^32 + 5} they are
 * {@code -0.4260031092876002} and {@code 0.8603054953828453} (more golden values, and the Python script
 * that computes them independently, are in the tests). The stream layout itself is specified in
 * {@link org.edp4j.dp.noise.GaussianNoise}.
 *
 * <h2>Why ChaCha20 in counter mode</h2>
 * <ul>
 *   <li><b>A CSPRNG.</b> DP's guarantee assumes the adversary cannot predict the noise. A statistical
 *       generator (xorshift, PCG, Philox, the Mersenne Twister, {@code java.util.Random},
 *       {@code SplittableRandom}) can be inverted from its outputs or a small seed; ChaCha20 with a secret
 *       256-bit key is a stream cipher: its output is indistinguishable from random without the key.</li>
 *   <li><b>Parallel and random-access.</b> Every 64-byte block is an independent function of
 *       {@code (key, counter, nonce)}, so any range of elements can be produced by any thread, in any order,
 *       with no state to share or advance; chunks of a fill, prefetch threads and GPU threads just compute
 *       their own blocks.</li>
 *   <li><b>CPU and GPU produce the same stream.</b> The block function is 32-bit adds, xors and rotations,
 *       exact everywhere; the uniform transform is exact in double; only {@code log}, {@code cos},
 *       {@code sin} may differ by an ulp between StrictMath and CUDA, i.e. ~1e-16 relative.</li>
 *   <li><b>No reuse.</b> nonce = {@code (streamId, step)}, counter = element / 8: under one key, every
 *       (purpose, step, element) reads its own keystream bits, 2^35 elements per step and 2^63 steps. Reusing
 *       noise is catastrophic (two releases with the same noise differ by the exact gradient difference), so
 *       each purpose has its own stream id, and a step is never drawn twice for different data. On a resume
 *       from a checkpoint, either replay deterministically (same key, same steps: identical batches, noise
 *       and outputs) or start the new segment with a fresh {@code secure()} key; never re-run a released
 *       step with the same key on different parameters.</li>
 * </ul>
 * (DESIGN.md writes "block counter = element index / 16", i.e. one value per 32-bit word. This package uses
 * 64-bit words for 52-bit uniforms, so a block holds 8 elements and the counter is element / 8.)
 *
 * <h2>Floating-point attacks, and what this sampler does about them</h2>
 * Mironov (2012, "On Significance of the Least Significant Bits for Differential Privacy", CCS) showed
 * that textbook floating-point Laplace sampling ({@code -b ln(U)} with a double {@code U}) has a support
 * full of holes, and that the set of doubles reachable by {@code x + noise} depends on {@code x}: one
 * output can reveal the secret exactly. Jin, McMurtry, Rubinstein and Ohrimenko (2022, "Are We There Yet?
 * Timing and Floating-Point Attacks on Differential Privacy Systems", IEEE S&amp;P) extended this to the
 * Gaussian samplers used by DP libraries (Box–Muller, polar and Ziggurat methods), and added timing attacks
 * on samplers whose running time depends on the sampled value.
 * Mitigations here:
 * <ul>
 *   <li><b>Full-precision uniforms that are never 0 or 1.</b> {@code U = (m + 0.5) / 2^52} with a 52-bit
 *       random {@code m}: exact in double, symmetric, no {@code ln 0}, no infinite or NaN noise, and all 2^52
 *       grid points equally likely (the common {@code nextFloat()} or 24-bit uniforms leave gaps of 2^-24
 *       that become large holes in the Gaussian's support).</li>
 *   <li><b>Transform in double.</b> Box–Muller with StrictMath in double: the reachable noise values are
 *       spaced ~2^-52 relative, far finer than float32's 2^-24.</li>
 *   <li><b>Noise added before the single rounding to float.</b> In the fused update (see the example; the
 *       GPU kernel does the same) the clipped sum, the scaled noise and the update are combined in double and
 *       rounded to float32 once. Each float32 output is then reachable from a huge number of noise values
 *       under both neighbouring datasets, and its probability is close to the Gaussian mass of its rounding
 *       interval: there are no holes at the output's resolution for an attacker to test membership in.</li>
 *   <li><b>No rejection loops.</b> Box–Muller uses exactly one block per 8 normals; generation time does not
 *       depend on the data at all and runs off the critical path (prefetch), so step timing does not reveal
 *       the noise. (fdlibm's {@code log}, {@code sin}, {@code cos} take slightly argument-dependent paths, and
 *       the Vector API kernel redoes in scalar code the rare vectors with a lane on a branch it does not
 *       vectorize; an attacker able to time individual noise samples on the training host is out of
 *       scope.)</li>
 *   <li><b>The fast path changes nothing of the above.</b> The Vector API kernel (with
 *       {@code --add-modules jdk.incubator.vector}) computes the same doubles bit for bit: same 52-bit
 *       uniforms, same fdlibm arithmetic, same single rounding to float. The float32 paths that would have
 *       been faster were not taken: their 24-bit uniforms would cap |z| near 5.8 and leave holes 2^-24
 *       wide in the noise's support.</li>
 * </ul>
 * <b>Residual risk, stated honestly.</b> This is not a proof of privacy in floating point:
 * <ul>
 *   <li>The float32 result is not an exact discretized Gaussian. Its per-value probabilities approximate the
 *       ideal ones up to the granularity of the double noise, and the resulting change in the privacy loss is
 *       not bounded formally here (it is believed negligible when the noise is added in double as above).</li>
 *   <li>{@link org.edp4j.dp.noise.NoisePrefetcher} hands out float32 normals (rounded at 2^-24 relative) to
 *       halve memory; scaling and adding them in double keeps the output free of holes when the rounded
 *       quantity (e.g. a parameter) is larger than the noise, the normal case for an update. Code that
 *       releases the noisy sum itself in float32, where noise and result have the same magnitude, should use
 *       the double {@code fillNormals} instead.</li>
 *   <li>The Gaussian's tails are truncated at {@code sqrt(106 ln 2) = 8.57} standard deviations (the smallest
 *       {@code u1} is 2^-53). With noise multiplier {@code sigma}, an output within {@code 1/sigma} of the
 *       truncation point has no counterpart under the neighbouring dataset; this adds at most about
 *       {@code P(Z > 8.57 - 1/sigma)} per coordinate and step to delta (2e-14 for sigma = 1, 3e-11 for
 *       sigma = 0.5), negligible against the usual delta but not zero.</li>
 *   <li>Security rests on the key: it must come from {@code secure()}, stay secret (checkpoints containing
 *       {@code key()} need the same protection as the training data), and {@code insecureSeeded} must never
 *       be used for a model that will be released.</li>
 * </ul>
 * The principled alternative is the discrete Gaussian (Canonne, Kamath and Steinke, 2020, "The Discrete
 * Gaussian for Differential Privacy", NeurIPS): noise sampled exactly on an integer grid with integer-only
 * rejection sampling, added to a fixed-point encoding of the gradient, with a proof that covers the actual
 * computation. It costs a variable number of random words per sample (rejection, which also needs care
 * against timing attacks) and fixed-point gradients, and the GPU would have to reproduce it; edp4j may add it
 * as an option for users who need a proof end to end.
 */
package org.edp4j.dp.noise;
