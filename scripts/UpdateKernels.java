import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The optimizers' update loops, scalar against Vector API ({@code ScalarUpdateKernel},
 * {@code VectorUpdateKernel}), alternating in one JVM on one thread: plain SGD, SGD with momentum and
 * Adam, each without and with noise, over N parameters in calls of 32,768 (as the CPU pool's pieces).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector scripts/UpdateKernels.java core.jar [N] [rounds]
 * </pre>
 * Prints per case the median over rounds of each kernel (ms per pass over N) and of the per-round
 * ratios scalar / vector. N defaults to 669,706 (the {@code mlp} model's parameters).
 */
public class UpdateKernels {
    static final int PIECE = 32768;

    public static void main(String[] args) throws Exception {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 669_706;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        ClassLoader loader = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()},
                UpdateKernels.class.getClassLoader());
        Object[] kernels = {create(loader, "org.edp4j.tensor.ScalarUpdateKernel"),
            create(loader, "org.edp4j.tensor.VectorUpdateKernel")};
        Class<?> type = Class.forName("org.edp4j.tensor.UpdateKernel", true, loader);
        Method sgd = accessible(type, "sgd");
        Method momentum = accessible(type, "sgdMomentum");
        Method adam = accessible(type, "adam");
        SplittableRandom rng = new SplittableRandom(1);
        float[] w = new float[n];
        float[] g = new float[n];
        float[] z = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) rng.nextGaussian();
            g[i] = (float) rng.nextGaussian();
            z[i] = (float) rng.nextGaussian();
        }
        System.out.printf("%d parameters, %d rounds, calls of %d, one thread%n", n, rounds, PIECE);
        System.out.println("| case | scalar ms | vector ms | scalar / vector [q1, q3] |");
        System.out.println("|---|---:|---:|---:|");
        for (String op : new String[] {"sgd", "momentum", "adam"}) {
            for (boolean noisy : new boolean[] {false, true}) {
                float[] zz = noisy ? z : null;
                double[][] ms = new double[2][rounds];
                double[] ratio = new double[rounds];
                for (int r = -3; r < rounds; r++) {
                    double[] t = new double[2];
                    for (int k = 0; k < 2; k++) {
                        Object kernel = kernels[(r & 1) == 0 ? k : 1 - k];
                        long t0 = System.nanoTime();
                        for (int rep = 0; rep < 10; rep++) {
                            for (int c = 0; c < n; c += PIECE) {
                                int e = Math.min(n, c + PIECE);
                                switch (op) {
                                    case "sgd" -> sgd.invoke(kernel, c, e, w, 0, g, 0, zz, 0, 0.5f, 0.01f, 1e-6f, 0f);
                                    case "momentum" -> momentum.invoke(kernel, c, e, w, 0, g, 0, zz, 0, 0.5f, 0.01f,
                                            1e-6f, 0f, 0.9f, v, 0);
                                    default -> adam.invoke(kernel, c, e, w, 0, g, 0, zz, 0, 0.5f, 0.01f, 1e-6f, 0f,
                                            0.9f, 0.999f, 1e-8f, 1.1, 1.2, m, 0, v, 0);
                                }
                            }
                        }
                        t[(r & 1) == 0 ? k : 1 - k] = (System.nanoTime() - t0) / 10e6;
                    }
                    if (r >= 0) {
                        ms[0][r] = t[0];
                        ms[1][r] = t[1];
                        ratio[r] = t[0] / t[1];
                    }
                }
                System.out.printf("| %s%s | %.3f | %.3f | %.2f [%.2f, %.2f] |%n", op, noisy ? " + noise" : "",
                        quantile(ms[0], 0.5), quantile(ms[1], 0.5), quantile(ratio, 0.5), quantile(ratio, 0.25),
                        quantile(ratio, 0.75));
            }
        }
    }

    static Object create(ClassLoader loader, String name) throws Exception {
        Constructor<?> c = Class.forName(name, true, loader).getDeclaredConstructor();
        c.setAccessible(true);
        return c.newInstance();
    }

    static Method accessible(Class<?> type, String name) {
        Method found = Arrays.stream(type.getDeclaredMethods()).filter(x -> x.getName().equals(name)).findFirst()
                .orElseThrow();
        found.setAccessible(true);
        return found;
    }

    static double quantile(double[] xs, double q) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }
}
