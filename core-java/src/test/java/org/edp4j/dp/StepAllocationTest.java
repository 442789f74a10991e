package org.edp4j.dp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A training step allocates no tensors or arrays once the buffers exist: what the training thread
 * allocates per step stays far below one parameter-sized array.
 */
class StepAllocationTest {
    @Test
    void privateStepAllocatesAlmostNothing() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs the HotSpot per-thread allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
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
            long tid = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(tid);
            int steps = 20;
            for (int s = 0; s < steps; s++) {
                opt.zeroGrad();
                opt.accumulate(batch);
                opt.step();
            }
            long perStep = (mx.getThreadAllocatedBytes(tid) - before) / steps;
            // One parameter-sized float array would be 88 KB; fork-join tasks, records and the
            // accountant's bookkeeping are a few small objects.
            assertTrue(perStep < 16_384, "a step allocated " + perStep + " bytes on the training thread");
        }
    }
}
