import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.*;

/**
 * Before/after timing of the CPU GEMM ({@code CpuGemm}) at the transformer encoder's Linear shapes:
 * two builds of edp4j-core, each in its own class loader, timed interleaved in one JVM (the order
 * alternates every round, so both see the same load on a shared machine).
 *
 * <pre>
 * java scripts/GemmBeforeAfter.java OLD-core.jar NEW-core.jar [rounds]
 * </pre>
 * Rows B T = 64 x 128 = 8192; per {@code (d, p)}: NN forward {@code Y[8192,p] = X W[d,p]}, NT input
 * gradient {@code dX[8192,d] = dY W^T}, TN scaled weight gradient {@code dW = X^T diag(c) dY}
 * ({@code gemmScaledTN}, one scale per 128 rows). Each timing repeats the call for at least 0.4 s;
 * printed: median [min-max] over rounds of GFLOP/s ({@code 2 x 8192 x d x p} per call) and of the
 * per-round ratio new / old.
 */
public class GemmBeforeAfter {
    static final class Impl {
        final String name; final Object be; final Method tensor, gemm, scaledTN;
        Impl(String name, String jar) throws Exception {
            this.name = name;
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, GemmBeforeAfter.class.getClassLoader().getParent());
            Class<?> cb = cl.loadClass("org.edp4j.tensor.CpuBackend");
            Class<?> bi = cl.loadClass("org.edp4j.tensor.Backend");
            Class<?> ti = cl.loadClass("org.edp4j.tensor.Tensor");
            be = cb.getMethod("instance").invoke(null);
            tensor = bi.getMethod("tensor", float[].class, int[].class);
            gemm = bi.getMethod("gemm", boolean.class, boolean.class, int.class, int.class, int.class, float.class, ti, ti, float.class, ti);
            scaledTN = bi.getMethod("gemmScaledTN", int.class, int.class, int.class, int.class, ti, ti, ti, float.class, ti);
        }
        Object t(float[] x) throws Exception { return tensor.invoke(be, x, new int[] {x.length}); }
    }
    static float[] rnd(SplittableRandom r, int n) { float[] x = new float[n]; for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1) * 0.1f; return x; }

    public static void main(String[] args) throws Exception {
        Impl[] impls = {new Impl("old", args[0]), new Impl("new", args[1])};
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int rows = 8192, T = 128;
        int[][] shapes = {{256, 768}, {256, 256}, {256, 1024}, {1024, 256}};
        String[] variants = {"NN", "NT", "TNs"};
        SplittableRandom r = new SplittableRandom(3);
        // per shape: results[impl][variant] list of GFLOP/s
        for (int[] s : shapes) {
            int d = s[0], p = s[1];
            float[] x = rnd(r, rows * d), w = rnd(r, d * p), gy = rnd(r, rows * p), f = rnd(r, rows / T);
            Object[][] ts = new Object[2][];
            for (int ii = 0; ii < 2; ii++) {
                Impl im = impls[ii];
                ts[ii] = new Object[] {im.t(x), im.t(w), im.t(gy), im.t(f), im.t(new float[rows * p]), im.t(new float[rows * d]), im.t(new float[d * p])};
            }
            double flop = 2.0 * rows * d * p;
            List<List<Double>> res = new ArrayList<>();
            for (int i = 0; i < 6; i++) res.add(new ArrayList<>());
            for (int round = -1; round < rounds; round++) {
                for (int v = 0; v < 3; v++) {
                    for (int ii0 = 0; ii0 < 2; ii0++) {
                        int ii = (round & 1) == 0 ? ii0 : 1 - ii0; // alternate who goes first
                        Impl im = impls[ii]; Object[] o = ts[ii];
                        long t0 = System.nanoTime(); int calls = 0;
                        do {
                            if (v == 0) im.gemm.invoke(im.be, false, false, rows, p, d, 1f, o[0], o[1], 0f, o[4]);
                            else if (v == 1) im.gemm.invoke(im.be, false, true, rows, d, p, 1f, o[2], o[1], 0f, o[5]);
                            else im.scaledTN.invoke(im.be, rows, d, p, T, o[0], o[2], o[3], 0f, o[6]);
                            calls++;
                        } while (System.nanoTime() - t0 < 400_000_000L);
                        double gf = flop * calls / ((System.nanoTime() - t0) / 1e9) / 1e9;
                        if (round >= 0) res.get(v * 2 + ii).add(gf);
                    }
                }
            }
            for (int v = 0; v < 3; v++) {
                List<Double> o = res.get(v * 2), n = res.get(v * 2 + 1);
                List<Double> ratio = new ArrayList<>();
                for (int i = 0; i < o.size(); i++) ratio.add(n.get(i) / o.get(i));
                System.out.printf("d=%d p=%d %-3s old %s  new %s  ratio %s%n", d, p, variants[v], stat(o), stat(n), stat(ratio));
            }
        }
    }
    static String stat(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("%.1f [%.1f-%.1f]", a[a.length / 2], a[0], a[a.length - 1]);
    }
}
