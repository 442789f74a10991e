package org.edp4j.cuda;

import java.util.Random;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * A short timing of the DP kernels on the GPU (run by scripts/gpu-run.sh): mean wall time per call
 * over 50 calls after 5 warm-up calls, each batch closed by a stream synchronize, and the bytes each
 * call must move at least, as GB/s. Prints one table row per kernel. Not a benchmark suite (see jmh/).
 */
public final class CudaKernelTiming {
    private CudaKernelTiming() {
    }

    interface Op {
        void run();
    }

    public static void main(String[] args) {
        try (CudaBackend b = new CudaBackend(8L << 30)) {
            Random r = new Random(1);
            int batch = 256, seq = 128, d = 768, p = 768, n = 4 << 20;
            Tensor a = rand(b, r, batch * seq * d);
            Tensor g = rand(b, r, batch * seq * p);
            Tensor out = b.zeros(batch);
            Tensor scale = b.zeros(batch);
            b.fill(scale, 0.5f);
            Tensor c = b.zeros(d * p);
            Tensor w = rand(b, r, n);
            Tensor gs = rand(b, r, n);
            Tensor m = b.zeros(n);
            Tensor v = b.zeros(n);
            int[] key = {1, 2, 3, 4, 5, 6, 7, 8};
            UpdateNoise nz = new UpdateNoise(1f, null, 0, key, 0, 1, 0);
            long act = 4L * batch * seq * (d + p);
            System.out.printf("%-34s %12s %10s%n", "kernel", "ms/call", "GB/s");
            time(b, "linearNormsGhost B256 T128 768", act, () -> b.linearNormsGhost(batch, seq, d, p, a, g, true, out));
            time(b, "linearNormsDirect B256 T128 768", act, () -> b.linearNormsDirect(batch, seq, d, p, a, g, true, out));
            time(b, "biasNorms B256 T128 768", 4L * batch * seq * p, () -> b.biasNorms(batch, seq, p, g, out));
            time(b, "gemmScaledTN rows 32768 768x768", act, () -> b.gemmScaledTN(batch * seq, d, p, seq, a, g, scale, 0f, c));
            time(b, "sgdUpdate+noise 4M (momentum)", 4L * n * 5, () -> b.sgdUpdate(w, gs, nz, 1e-3f, 1e-3f, 0.9f, 0f, m));
            time(b, "adamUpdate+noise 4M", 4L * n * 7, () -> b.adamUpdate(w, gs, nz, 1e-3f, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1, m, v));
            time(b, "adamUpdate no noise 4M", 4L * n * 7, () -> b.adamUpdate(w, gs, UpdateNoise.NONE, 1e-3f, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1, m, v));
            time(b, "axpy 4M", 4L * n * 3, () -> b.axpy(0.5f, gs, w));
        }
    }

    private static Tensor rand(CudaBackend b, Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return b.tensor(x, n);
    }

    private static void time(CudaBackend b, String name, long bytes, Op op) {
        for (int i = 0; i < 5; i++) {
            op.run();
        }
        b.synchronize();
        int reps = 50;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            op.run();
        }
        b.synchronize();
        double ms = (System.nanoTime() - t0) / 1e6 / reps;
        System.out.printf("%-34s %12.4f %10.1f%n", name, ms, bytes / (ms * 1e6));
    }
}
