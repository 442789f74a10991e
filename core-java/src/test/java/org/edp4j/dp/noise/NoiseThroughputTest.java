package org.edp4j.dp.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * Prints normals per second: single-threaded {@code fillNormals}, and a synchronous (non-prefetched)
 * {@link NoisePrefetcher#take(long)} using every core. Asserts only correctness, never speed. Also runnable
 * as a main: {@code java -cp core-java/target/classes:core-java/target/test-classes
 * org.edp4j.dp.noise.NoiseThroughputTest [n]}.
 */
class NoiseThroughputTest {

    static final int N = 1 << 22;

    @Test
    void printThroughput() {
        report(N, 3);
    }

    public static void main(String[] args) {
        report(args.length > 0 ? Integer.parseInt(args[0]) : 1 << 24, 7);
    }

    static void report(int n, int repeats) {
        GaussianNoise g = GaussianNoise.insecureSeeded(1);
        float[] x = new float[n];
        double best = Double.MAX_VALUE;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            g.fillNormals(GaussianNoise.GRADIENT_NOISE, r, 0, x, 0, n, 1f);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double bestParallel = Double.MAX_VALUE;
        try (NoisePrefetcher p = new NoisePrefetcher(g, GaussianNoise.GRADIENT_NOISE, n, cores)) {
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                float[] y = p.take(2L * r + 1000); // never the prefetched step: a synchronous parallel fill
                bestParallel = Math.min(bestParallel, (System.nanoTime() - t0) / 1e9);
                if (r == 0) {
                    g.fillNormals(GaussianNoise.GRADIENT_NOISE, 1000, 0, x, 0, n, 1f);
                    assertArrayEquals(x, y);
                }
            }
        }
        System.out.printf("GaussianNoise: n = %d, single thread %.1f M normals/s; NoisePrefetcher parallel fill "
                + "(%d threads on %d cores) %.1f M normals/s%n", n, n / best / 1e6, cores, cores,
                n / bestParallel / 1e6);
    }
}
