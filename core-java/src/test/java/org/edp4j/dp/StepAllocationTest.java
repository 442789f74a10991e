package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.nn.LinearRule;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.Activation;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A training step allocates no tensors or arrays once the buffers exist: what the training thread
 * allocates per step stays far below one parameter-sized array, through PrivateOptimizer and
 * through the embeddable PrivateStep on a caller's own arrays alike.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StepAllocationTest {
    /** Bytes the training thread allocated per step of {@link PrivateOptimizer} (the first test). */
    private static long optimizerBytes = -1;

    @Test
    @Order(1)
    void privateStepAllocatesAlmostNothing() {
        com.sun.management.ThreadMXBean mx = allocationCounter();
        CpuBackend be = CpuBackend.instance();
        Sequential model = Models.mlp(be, new SplittableRandom(1), 100, 200, 10); // 22,210 parameters
        SyntheticClassification d = SyntheticClassification.gaussianClusters(64, 100, 10, 3, 1);
        int[] rows = new int[64];
        for (int i = 0; i < 64; i++) {
            rows[i] = i;
        }
        try (Batch batch = Batch.dense(be, 64, 100, 10);
             PrivateOptimizer opt = PrivateOptimizer.builder(model, Sgd.withMomentum(0.1, 0.9)).noiseMultiplier(1)
                     .sampling(0.1, 640).noise(GaussianNoise.insecureSeeded(1)).build()) {
            batch.loadDense(d.features(), d.labels(), rows, 64);
            for (int s = 0; s < 50; s++) { // buffers, scratch and the JIT settle
                opt.zeroGrad();
                opt.accumulate(batch);
                opt.step();
            }
            long perStep = bytesPerStep(mx, () -> {
                opt.zeroGrad();
                opt.accumulate(batch);
                opt.step();
            });
            // One parameter-sized float array would be 88 KB; fork-join tasks, records and the
            // accountant's bookkeeping are a few small objects.
            assertTrue(perStep < 16_384, "a step allocated " + perStep + " bytes on the training thread");
            optimizerBytes = perStep;
        }
    }

    /**
     * The same 100-200-10 network held by the caller in plain arrays (weights, gradients,
     * activations and output gradients wrapped once as views), its forward and backward run by
     * the caller on those views, the private step through PrivateStep: no more allocation per step
     * than PrivateOptimizer's.
     */
    @Test
    @Order(2)
    void embeddedPrivateStepAllocatesNoMoreThanPrivateOptimizer() {
        com.sun.management.ThreadMXBean mx = allocationCounter();
        CpuBackend be = CpuBackend.instance();
        SplittableRandom rng = new SplittableRandom(2);
        int b = 64;
        SyntheticClassification d = SyntheticClassification.gaussianClusters(64, 100, 10, 3, 1);
        Tensor x = be.wrap(d.features(), 0, b, 100);
        org.edp4j.tensor.IntTensor labels = be.wrapInts(d.labels(), 0, b);
        float[] mask = new float[b];
        java.util.Arrays.fill(mask, 1f);
        Tensor rowMask = be.wrap(mask, 0, b);
        Parameter w1 = owned(be, random(rng, 100 * 200), 100, 200);
        Parameter b1 = owned(be, new float[200], 200);
        Parameter w2 = owned(be, random(rng, 200 * 10), 200, 10);
        Parameter b2 = owned(be, new float[10], 10);
        Tensor z1 = be.wrap(new float[b * 200], 0, b, 200);
        Tensor h = be.wrap(new float[b * 200], 0, b, 200);
        Tensor logits = be.wrap(new float[b * 10], 0, b, 10);
        Tensor losses = be.wrap(new float[b], 0, b);
        Tensor g2 = be.wrap(new float[b * 10], 0, b, 10);
        Tensor gh = be.wrap(new float[b * 200], 0, b, 200);
        Tensor g1 = be.wrap(new float[b * 200], 0, b, 200);
        LinearRule hidden = LinearRule.of(w1, b1).inputs(x, g1);
        LinearRule out = LinearRule.of(w2, b2).inputs(h, g2);
        try (PrivateStep step = PrivateStep.builder(be).group(hidden).group(out)
                .optimizer(Sgd.withMomentum(0.1, 0.9)).noiseMultiplier(1).sampling(0.1, 640)
                .noise(GaussianNoise.insecureSeeded(1)).build()) {
            Runnable oneStep = () -> {
                // the caller's forward and backward, on its own arrays
                be.gemm(false, false, b, 200, 100, 1f, x, w1.value(), 0f, z1);
                be.addRowVector(b, 200, b1.value(), z1);
                be.activation(Activation.RELU, z1, h);
                be.gemm(false, false, b, 10, 200, 1f, h, w2.value(), 0f, logits);
                be.addRowVector(b, 10, b2.value(), logits);
                be.softmaxCrossEntropy(b, 10, logits, labels, rowMask, losses, g2);
                be.gemm(false, true, b, 200, 10, 1f, g2, w2.value(), 0f, gh);
                be.activationBackward(Activation.RELU, z1, h, gh, g1);
                // edp4j's private step
                step.zeroGrad();
                step.accumulate(rowMask, null, losses);
                step.step();
            };
            for (int s = 0; s < 50; s++) {
                oneStep.run();
            }
            long perStep = bytesPerStep(mx, oneStep);
            assertTrue(perStep < 16_384, "an embedded step allocated " + perStep + " bytes on the training thread");
            if (optimizerBytes >= 0) {
                // 512 bytes of slack for what varies with the threads' timing (fork-join tasks)
                assertTrue(perStep <= optimizerBytes + 512, "an embedded step allocated " + perStep + " bytes, "
                        + "PrivateOptimizer's " + optimizerBytes);
            }
        }
    }

    /** A parameter whose value and gradient are views of arrays the caller owns. */
    private static Parameter owned(CpuBackend be, float[] value, int... dims) {
        return new Parameter("p", be.wrap(value, 0, dims), be.wrap(new float[value.length], 0, dims));
    }

    /**
     * Bytes the calling thread allocates per step: the least of five rounds of 20 steps (a round
     * may include a JIT recompilation or a fork-join queue resize: what the step itself allocates is
     * at most the least).
     */
    private static long bytesPerStep(com.sun.management.ThreadMXBean mx, Runnable step) {
        long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long bytes = 0;
            for (int s = 0; s < 20; s++) {
                // Let the noise prefetch of the next step finish first: a step that outruns it
                // helps fill it on this thread, and that fill allocates (GaussianNoise's block
                // buffers), depending on timing, not on the step.
                java.util.concurrent.locks.LockSupport.parkNanos(3_000_000);
                long before = mx.getThreadAllocatedBytes(tid);
                step.run();
                bytes += mx.getThreadAllocatedBytes(tid) - before;
            }
            least = Math.min(least, bytes / 20);
        }
        System.out.println("[StepAllocationTest] " + least + " bytes per step");
        return least;
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs the HotSpot per-thread allocation counter");
        return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * 0.1);
        }
        return x;
    }
}
