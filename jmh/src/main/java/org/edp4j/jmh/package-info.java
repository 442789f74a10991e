/**
 * edp4j's JMH benchmarks: what a private DP-SGD step costs next to the ordinary one.
 *
 * <ul>
 *   <li>{@link org.edp4j.jmh.StepBenchmark}: one optimizer step, private against non-private
 *       ({@code PrivateOptimizer.builder(...).nonPrivate()}), same model, backend and batch; the
 *       headline ratio.</li>
 *   <li>{@link org.edp4j.jmh.NaiveStepBenchmark}: the same private step by
 *       {@link org.edp4j.jmh.NaivePerExampleDpSgd}, a per-example loop (the baseline).</li>
 *   <li>{@link org.edp4j.jmh.ScalingBenchmark}: the ratio against sequence length and width.</li>
 *   <li>{@link org.edp4j.jmh.KernelBenchmark}: the DP kernels in bytes per second, the noise
 *       generator in normals per second.</li>
 *   <li>{@link org.edp4j.jmh.StepProfile} (a plain {@code main}): interleaved ratios and stage
 *       timers, for attributing the private overhead on a shared machine.</li>
 *   <li>{@link org.edp4j.jmh.PeerStep}, {@link org.edp4j.jmh.PeerGemm} (plain {@code main}s): edp4j's side
 *       of the comparisons with PyTorch and OpenBLAS that {@code scripts/peer/} runs;
 *       {@link org.edp4j.jmh.AttentionVsGemm}: attention's GFLOP/s next to the GEMM's.</li>
 * </ul>
 * Every JMH benchmark forks its JVM with {@code --add-modules jdk.incubator.vector}, so the Vector API
 * kernels run ({@code org.edp4j.tensor.Vectorization}); the plain {@code main}s need the flag on
 * their command line.
 * {@link org.edp4j.jmh.Workload} builds the models and batches from fixed seeds. Every benchmark
 * takes {@code @Param backend} (a name for {@code Backends.byName}), so a device backend is one
 * more value. {@code scripts/bench.sh} runs everything and writes BENCHMARKS.md.
 */
package org.edp4j.jmh;
