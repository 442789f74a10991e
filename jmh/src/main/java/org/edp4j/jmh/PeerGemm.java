package org.edp4j.jmh;

import java.util.Locale;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.Vectorization;

/**
 * SGEMM GFLOP/s of the CPU backend at the workloads' shapes, for the side-by-side comparison with
 * OpenBLAS that {@code scripts/peer/gemm_vs_openblas.py} runs (a plain {@code main}, not JMH: the
 * driver alternates this process and the numpy one, round after round, so both see the same load).
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar org.edp4j.jmh.PeerGemm
 * [seconds per shape] [MxKxN ...]}. For each shape, {@code C[M,N] = A[M,K] B[K,N]} (row-major, NN,
 * alpha 1, beta 0) through {@link Backend#gemm}, repeated for the given time after a warm-up of the
 * same length (with {@code -Dpeer.cpuTime=true} and one thread, the calling thread's CPU time, a
 * development aid on a loaded machine); prints one JSON object per line: {@code {"shape": "MxKxN", "gflops": ..., "kernels":
 * "..."}} with {@code 2 M N K} flops per call.
 */
public final class PeerGemm {
    /** The workloads' shapes: mlp at batch 256, the encoder's Linears at B T = 64 x 128, and 1024^3. */
    static final String[] SHAPES = {"256x784x512", "256x512x512", "256x512x10", "8192x256x768", "8192x256x256",
        "8192x256x1024", "8192x1024x256", "1024x1024x1024"};

    private PeerGemm() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        String[] shapes = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : SHAPES;
        cpuTime = Boolean.getBoolean("peer.cpuTime");
        Backend be = CpuBackend.instance();
        SplittableRandom rng = new SplittableRandom(1);
        // C2 compiles the Vector API kernels only after seconds (until then they run boxed): a first
        // warm-up over all shapes for -Dpeer.warmSeconds (default 6) before any measurement
        long warmEnd = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("peer.warmSeconds", "6")) * 1e9);
        while (System.nanoTime() < warmEnd) {
            for (String s : shapes) {
                String[] p = s.split("x");
                int m = Integer.parseInt(p[0]);
                int k = Integer.parseInt(p[1]);
                int n = Integer.parseInt(p[2]);
                be.gemm(false, false, m, n, k, 1f, be.zeros(m, k), be.zeros(k, n), 0f, be.zeros(m, n));
            }
        }
        for (String s : shapes) {
            String[] p = s.split("x");
            int m = Integer.parseInt(p[0]);
            int k = Integer.parseInt(p[1]);
            int n = Integer.parseInt(p[2]);
            Tensor a = be.tensor(random(rng, m * k), m, k);
            Tensor b = be.tensor(random(rng, k * n), k, n);
            Tensor c = be.zeros(m, n);
            time(be, m, n, k, a, b, c, seconds); // warm-up
            double gflops = time(be, m, n, k, a, b, c, seconds);
            System.out.printf(Locale.ROOT, "{\"shape\": \"%s\", \"gflops\": %.2f, \"kernels\": \"%s\"}%n", s, gflops,
                    Vectorization.description());
        }
    }

    /** With {@code -Dpeer.cpuTime=true} (one thread only): this thread's CPU time instead of wall time. */
    private static boolean cpuTime;

    private static double time(Backend be, int m, int n, int k, Tensor a, Tensor b, Tensor c, double seconds) {
        java.lang.management.ThreadMXBean tm = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        long c0 = cpuTime ? tm.getCurrentThreadCpuTime() : 0;
        long end = t0 + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        do {
            be.gemm(false, false, m, n, k, 1f, a, b, 0f, c);
            calls++;
            now = System.nanoTime();
        } while (now < end);
        double secs = cpuTime ? (tm.getCurrentThreadCpuTime() - c0) / 1e9 : (now - t0) / 1e9;
        return 2.0 * m * n * k * calls / secs / 1e9;
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}
