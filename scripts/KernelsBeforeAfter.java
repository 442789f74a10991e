import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Before/after timing of the CPU kernels that were serial loops (the bias and LayerNorm clipped
 * sums, the embedding scatter-add, the row-wise and bias norms) and of the workloads' GEMMs (for
 * changes to their split over threads): two builds of edp4j-core (or of
 * benchmarks.jar, which contains it), each in its own class loader, called through the public
 * Backend API and timed interleaved in one JVM (which build goes first alternates by round), so
 * both see the same load on a shared machine. Also compares the two builds' results bit for bit.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector scripts/KernelsBeforeAfter.java OLD.jar NEW.jar [rounds]
 * </pre>
 * (without the module both builds run their scalar kernels).
 * Prints, per kernel and shape, each build's median ms per call and the median [q1, q3] of the
 * per-round ratios old / new (above 1: the new build is faster).
 */
public class KernelsBeforeAfter {
    /** A kernel call: name, and the tensor shapes it needs (filled with Gaussian values; ids below 20,000). */
    record Case(String name, int[][] shapes, int[][] intShapes) {
    }

    static final Case[] CASES = {
        // the MLP's bias of width 512 and the text model's bias on [64 x 128] rows
        new Case("columnSumScaled 256 x 512", new int[][] {{256, 512}, {256}, {512}}, new int[0][]),
        new Case("columnSumScaled 8192 x 128 (T 128)", new int[][] {{8192, 128}, {64}, {128}}, new int[0][]),
        new Case("embeddingScatterAddScaled 8192 x 128 into 20000 x 128",
                new int[][] {{8192, 128}, {64}, {20000, 128}}, new int[][] {{8192}}),
        new Case("layerNormParamGradScaled 8192 x 256", new int[][] {{8192, 256}, {8192, 256}, {64}, {256}, {256}},
                new int[0][]),
        new Case("linearNormsRowwise 256 x (784 -> 512)", new int[][] {{256, 784}, {256, 512}, {256}}, new int[0][]),
        new Case("biasNorms 64 x 128 x 128", new int[][] {{64, 128, 128}, {64}}, new int[0][]),
        // the GEMMs of the workloads (NN, C = A B: A [m, k], B [k, n]): the MLP's first and second
        // layer at batch 256, the encoder's projections at batch 64 x T 128, a small one near the split grain
        new Case("gemm 256 x 784 x 512", new int[][] {{256, 784}, {784, 512}, {256, 512}}, new int[0][]),
        new Case("gemm 256 x 512 x 512", new int[][] {{256, 512}, {512, 512}, {256, 512}}, new int[0][]),
        new Case("gemm 8192 x 256 x 256", new int[][] {{8192, 256}, {256, 256}, {8192, 256}}, new int[0][]),
        new Case("gemm 64 x 128 x 128", new int[][] {{64, 128}, {128, 128}, {64, 128}}, new int[0][]),
    };

    static final class Build {
        final Object be;
        final Method tensor;
        final Method intTensor;
        final Method toArray;
        final Method columnSum;
        final Method scatter;
        final Method lnGrad;
        final Method rowwise;
        final Method biasNorms;
        final Method gemm;

        Build(Path jar) throws Exception {
            ClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> cpu = cl.loadClass("org.edp4j.tensor.CpuBackend");
            Class<?> t = cl.loadClass("org.edp4j.tensor.Tensor");
            Class<?> it = cl.loadClass("org.edp4j.tensor.IntTensor");
            be = cpu.getMethod("instance").invoke(null);
            tensor = cpu.getMethod("tensor", float[].class, int[].class);
            intTensor = cpu.getMethod("intTensor", int[].class, int[].class);
            toArray = t.getMethod("toArray");
            columnSum = cpu.getMethod("columnSumScaled", int.class, int.class, int.class, t, t, float.class, t);
            scatter = cpu.getMethod("embeddingScatterAddScaled", int.class, int.class, int.class, it, t, t, float.class,
                    t);
            lnGrad = cpu.getMethod("layerNormParamGradScaled", int.class, int.class, int.class, t, t, t, float.class, t,
                    t);
            rowwise = cpu.getMethod("linearNormsRowwise", int.class, int.class, int.class, t, t, boolean.class, t);
            biasNorms = cpu.getMethod("biasNorms", int.class, int.class, int.class, t, t);
            gemm = cpu.getMethod("gemm", boolean.class, boolean.class, int.class, int.class, int.class, float.class, t,
                    t, float.class, t);
        }

        /** Runs case c on tensors x, ints y; returns the output. */
        Object run(Case c, Object[] x, Object[] y) throws Exception {
            switch (c.name().substring(0, c.name().indexOf(' '))) {
                case "columnSumScaled" -> {
                    int rows = c.shapes()[0][0];
                    int cols = c.shapes()[0][1];
                    columnSum.invoke(be, rows, cols, rows / c.shapes()[1][0], x[0], x[1], 0f, x[2]);
                    return x[2];
                }
                case "embeddingScatterAddScaled" -> {
                    int n = c.shapes()[0][0];
                    scatter.invoke(be, n, c.shapes()[0][1], n / c.shapes()[1][0], y[0], x[0], x[1], 0f, x[2]);
                    return x[2];
                }
                case "layerNormParamGradScaled" -> {
                    int rows = c.shapes()[0][0];
                    lnGrad.invoke(be, rows, c.shapes()[0][1], rows / c.shapes()[2][0], x[0], x[1], x[2], 0f, x[3],
                            x[4]);
                    return x[3];
                }
                case "gemm" -> {
                    int[][] sh = c.shapes();
                    gemm.invoke(be, false, false, sh[0][0], sh[1][1], sh[0][1], 1f, x[0], x[1], 0f, x[2]);
                    return x[2];
                }
                case "linearNormsRowwise" -> {
                    rowwise.invoke(be, c.shapes()[0][0], c.shapes()[0][1], c.shapes()[1][1], x[0], x[1], true, x[2]);
                    return x[2];
                }
                default -> {
                    int[] s = c.shapes()[0];
                    biasNorms.invoke(be, s[0], s[1], s[2], x[0], x[1]);
                    return x[1];
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Build[] builds = {new Build(Path.of(args[0])), new Build(Path.of(args[1]))};
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        System.out.printf("%d rounds after 3 warm-up rounds, %d cores%n", rounds,
                Runtime.getRuntime().availableProcessors());
        for (Case c : CASES) {
            SplittableRandom rng = new SplittableRandom(1);
            float[][] values = new float[c.shapes().length][];
            for (int k = 0; k < values.length; k++) {
                values[k] = new float[Arrays.stream(c.shapes()[k]).reduce(1, (a, b) -> a * b)];
                for (int i = 0; i < values[k].length; i++) {
                    values[k][i] = (float) rng.nextGaussian();
                }
            }
            int[][] ints = new int[c.intShapes().length][];
            for (int k = 0; k < ints.length; k++) {
                ints[k] = rng.ints(Arrays.stream(c.intShapes()[k]).reduce(1, (a, b) -> a * b), 0, 20000).toArray();
            }
            Object[][] xs = new Object[2][];
            Object[][] ys = new Object[2][];
            for (int b = 0; b < 2; b++) {
                xs[b] = new Object[values.length];
                for (int k = 0; k < values.length; k++) {
                    xs[b][k] = builds[b].tensor.invoke(builds[b].be, values[k].clone(), c.shapes()[k]);
                }
                ys[b] = new Object[ints.length];
                for (int k = 0; k < ints.length; k++) {
                    ys[b][k] = builds[b].intTensor.invoke(builds[b].be, ints[k], c.intShapes()[k]);
                }
            }
            double[][] ms = new double[2][rounds];
            float[][] out = new float[2][];
            for (int round = -3; round < rounds; round++) {
                for (int i = 0; i < 2; i++) {
                    int b = (round & 1) == 0 ? i : 1 - i;
                    int reps = 5;
                    long t0 = System.nanoTime();
                    Object o = null;
                    for (int r = 0; r < reps; r++) {
                        o = builds[b].run(c, xs[b], ys[b]);
                    }
                    double t = (System.nanoTime() - t0) / 1e6 / reps;
                    if (round >= 0) {
                        ms[b][round] = t;
                    }
                    out[b] = (float[]) builds[b].toArray.invoke(o);
                }
            }
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = ms[0][r] / ms[1][r];
            }
            boolean same = Arrays.equals(out[0], out[1]);
            System.out.printf("%-55s old %8.3f ms  new %8.3f ms  old/new %.2f [%.2f, %.2f]  %s%n", c.name(),
                    q(ms[0], 0.5), q(ms[1], 0.5), q(ratio, 0.5), q(ratio, 0.25), q(ratio, 0.75),
                    same ? "same bits" : "RESULTS DIFFER");
        }
    }

    static double q(double[] x, double p) {
        double[] s = x.clone();
        Arrays.sort(s);
        double pos = p * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
