import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Before/after timing of the CPU per-sample norms of Linear on sequences: two builds of
 * edp4j-core, each in its own class loader, timed interleaved in one JVM (round-robin, so both
 * see the same load on a shared machine), next to the weight-gradient GEMM of the same shape
 * ({@code gemmScaledTN}, which private and non-private steps both pay).
 *
 * <pre>
 * java scripts/NormsBeforeAfter.java OLD-core.jar NEW-core.jar [rounds]
 * </pre>
 * Prints, per shape, the median over rounds of each kernel (ms per call, B = 64, T = 128) and
 * the median over rounds of the per-round ratios (new / old, norm / GEMM).
 */
public class NormsBeforeAfter {
    static final int B = 64;
    static final int T = 128;
    static final int[][] SHAPES = {{256, 768}, {256, 256}, {256, 1024}, {1024, 256}};

    /** One build: its backend and the methods called by reflection. */
    static final class Build {
        final Object be;
        final Method tensor;
        final Method zeros;
        final Method fill;
        final Method ghost;
        final Method direct;
        final Method gemm;
        final Method toArray;

        Build(Path jar) throws Exception {
            ClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> cpu = cl.loadClass("org.edp4j.tensor.CpuBackend");
            Class<?> t = cl.loadClass("org.edp4j.tensor.Tensor");
            be = cpu.getMethod("instance").invoke(null);
            tensor = cpu.getMethod("tensor", float[].class, int[].class);
            zeros = cpu.getMethod("zeros", int[].class);
            fill = cpu.getMethod("fill", t, float.class);
            ghost = cpu.getMethod("linearNormsGhost", int.class, int.class, int.class, int.class, t, t, boolean.class, t);
            direct = cpu.getMethod("linearNormsDirect", int.class, int.class, int.class, int.class, t, t, boolean.class, t);
            gemm = cpu.getMethod("gemmScaledTN", int.class, int.class, int.class, int.class, t, t, t, float.class, t);
            toArray = t.getMethod("toArray");
        }
    }

    public static void main(String[] args) throws Exception {
        Build[] builds = {new Build(Path.of(args[0])), new Build(Path.of(args[1]))};
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String[] names = {"old ghost", "new ghost", "old direct", "new direct", "gemmScaledTN"};
        System.out.printf("B=%d T=%d, %d rounds after 2 warm-up rounds, threads %d%n", B, T, rounds,
                java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1);
        SplittableRandom r = new SplittableRandom(1);
        for (int[] sh : SHAPES) {
            int d = sh[0];
            int p = sh[1];
            float[] a = new float[B * T * d];
            float[] g = new float[B * T * p];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) r.nextGaussian();
            }
            Object[][] ts = new Object[2][];
            for (int k = 0; k < 2; k++) {
                Build bd = builds[k];
                Object ta = bd.tensor.invoke(bd.be, a, new int[] {B, T, d});
                Object tg = bd.tensor.invoke(bd.be, g, new int[] {B, T, p});
                Object out = bd.zeros.invoke(bd.be, new int[] {B});
                Object sc = bd.zeros.invoke(bd.be, new int[] {B});
                bd.fill.invoke(bd.be, sc, 1f);
                Object dw = bd.zeros.invoke(bd.be, new int[] {d, p});
                ts[k] = new Object[] {ta, tg, out, sc, dw};
            }
            List<double[]> times = new ArrayList<>();
            float[][] results = new float[4][];
            for (int round = -2; round < rounds; round++) {
                double[] ms = new double[names.length];
                for (int op = 0; op < names.length; op++) {
                    int k = op == 4 ? 1 : op % 2;
                    Build bd = builds[k];
                    Object[] x = ts[k];
                    bd.fill.invoke(bd.be, x[2], 0f);
                    long t0 = System.nanoTime();
                    if (op < 2) {
                        bd.ghost.invoke(bd.be, B, T, d, p, x[0], x[1], true, x[2]);
                    } else if (op < 4) {
                        bd.direct.invoke(bd.be, B, T, d, p, x[0], x[1], true, x[2]);
                    } else {
                        bd.gemm.invoke(bd.be, B * T, d, p, T, x[0], x[1], x[3], 0f, x[4]);
                    }
                    ms[op] = (System.nanoTime() - t0) / 1e6;
                    if (op < 4) {
                        results[op] = (float[]) bd.toArray.invoke(x[2]);
                    }
                }
                if (round >= 0) {
                    times.add(ms);
                }
            }
            System.out.printf("%nLinear %d -> %d  (T(d+p)/2 = %d, d p = %d)%n", d, p, T * (d + p) / 2, d * p);
            for (int op = 0; op < names.length; op++) {
                final int o = op;
                System.out.printf("  %-13s %9.2f ms   (min %.2f)%n", names[op],
                        median(times.stream().mapToDouble(m -> m[o]).toArray()),
                        times.stream().mapToDouble(m -> m[o]).min().orElse(0));
            }
            System.out.printf("  ratios (median of per-round ratios): ghost new/old %.3f, direct new/old %.3f,%n"
                            + "    new ghost / GEMM %.3f, new direct / GEMM %.3f, old ghost / GEMM %.3f, old direct / GEMM %.3f%n",
                    ratio(times, 1, 0), ratio(times, 3, 2), ratio(times, 1, 4), ratio(times, 3, 4), ratio(times, 0, 4),
                    ratio(times, 2, 4));
            double worst = 0;
            for (int op = 1; op < 4; op++) {
                for (int b = 0; b < B; b++) {
                    worst = Math.max(worst, Math.abs(results[op][b] - results[0][b]) / Math.abs(results[0][b]));
                }
            }
            System.out.printf("  max relative difference between the four norm results: %.2e%n", worst);
        }
    }

    static double ratio(List<double[]> times, int num, int den) {
        return median(times.stream().mapToDouble(m -> m[num] / m[den]).toArray());
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
