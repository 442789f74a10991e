import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Before/after timing of whole training steps: two builds of the benchmarks jar (edp4j-core and
 * edp4j-jmh), each in its own class loader, timed round by round in one JVM (which build goes
 * first alternates), so both see the same load on a shared machine.
 *
 * <pre>
 * java scripts/StepBeforeAfter.java OLD/benchmarks.jar NEW/benchmarks.jar ratio MODEL BATCH [rounds]
 * java scripts/StepBeforeAfter.java OLD/benchmarks.jar NEW/benchmarks.jar naive MODEL BATCH [rounds]
 * </pre>
 * {@code ratio}: per round and build, 4 private then 4 non-private {@code PrivateOptimizer} steps
 * (after one dropped step of each), the ratio of their medians; prints each build's median step
 * times and the median [q1, q3] of its per-round ratios, and of the old / new step times per round. {@code naive}: one
 * {@code NaivePerExampleDpSgd} step per round and build; prints the medians and old/new per round.
 * MODEL is {@code mlp} (784-512-512-10) or {@code text} (Embedding 20,000 x 128, T 128), as
 * {@code Workload}. A jar of an earlier revision: {@code git worktree add /tmp/old REV}, then
 * {@code mvn -B -o -pl core-java,jmh -am package -DskipTests} there (no install).
 */
public class StepBeforeAfter {
    /** One build: a workload, and either the two optimizers or the naive loop. */
    static final class Build {
        final Object workload;
        final Object batch;
        Object priv;
        Object plain;
        Object naive;
        Object loader;
        int batchSize;
        Method zeroGrad;
        Method accumulate;
        Method step;
        Method naiveStep;

        Build(Path jar, String mode, String model, int batchSize) throws Exception {
            ClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> backendClass = cl.loadClass("org.edp4j.tensor.Backend");
            Object cpu = cl.loadClass("org.edp4j.tensor.CpuBackend").getMethod("instance").invoke(null);
            Class<?> w = cl.loadClass("org.edp4j.jmh.Workload");
            int width = model.equals("mlp") ? 512 : 128;
            Constructor<?> c = w.getConstructor(backendClass, String.class, int.class, int.class, int.class);
            workload = c.newInstance(cpu, model, batchSize, 128, width);
            batch = w.getField("batch").get(workload);
            this.batchSize = batchSize;
            Class<?> batchClass = cl.loadClass("org.edp4j.nn.Batch");
            if (mode.equals("ratio")) {
                priv = w.getMethod("privateOptimizer").invoke(workload);
                plain = w.getMethod("nonPrivateOptimizer").invoke(workload.getClass()
                        .getConstructor(backendClass, String.class, int.class, int.class, int.class)
                        .newInstance(cpu, model, batchSize, 128, width));
                Class<?> po = priv.getClass();
                zeroGrad = po.getMethod("zeroGrad");
                accumulate = po.getMethod("accumulate", batchClass);
                step = po.getMethod("step");
            } else {
                Class<?> nv = cl.loadClass("org.edp4j.jmh.NaivePerExampleDpSgd");
                Class<?> sequential = cl.loadClass("org.edp4j.nn.Sequential");
                Class<?> noise = cl.loadClass("org.edp4j.dp.noise.GaussianNoise");
                Class<?> exampleLoader = cl.loadClass("org.edp4j.jmh.NaivePerExampleDpSgd$ExampleLoader");
                Object net = w.getMethod("buildModel", backendClass, String.class, int.class, int.class)
                        .invoke(null, cpu, model, width, 128);
                Object one = w.getMethod("singleRowBatch").invoke(workload);
                double q = (double) w.getMethod("sampleRate").invoke(workload);
                Object g = noise.getMethod("insecureSeeded", long.class).invoke(null, 7L);
                naive = nv.getConstructor(sequential, batchClass, double.class, double.class, double.class, double.class,
                        noise).newInstance(net, one, 1.0, 1.0, q * 60_000, 0.05, g);
                Method load = w.getMethod("loadExample", batchClass, int.class);
                loader = Proxy.newProxyInstance(cl, new Class<?>[] {exampleLoader},
                        (proxy, m, args) -> load.invoke(workload, args));
                naiveStep = nv.getMethod("step", int.class, exampleLoader);
            }
        }

        /** {median private ms, median non-private ms} of k steps each, one dropped step before each. */
        double[] block(int k) throws Exception {
            return new double[] {steps(priv, k), steps(plain, k)};
        }

        private double steps(Object opt, int k) throws Exception {
            double[] t = new double[k];
            Object b = batch;
            for (int i = 0; i <= k; i++) {
                long t0 = System.nanoTime();
                zeroGrad.invoke(opt);
                accumulate.invoke(opt, b);
                step.invoke(opt);
                if (i > 0) {
                    t[i - 1] = (System.nanoTime() - t0) / 1e6;
                }
            }
            return q(t, 0.5);
        }

        double naiveStep() throws Exception {
            long t0 = System.nanoTime();
            naiveStep.invoke(naive, batchSize, loader);
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    public static void main(String[] a) throws Exception {
        String mode = a[2];
        String model = a[3];
        int batch = Integer.parseInt(a[4]);
        int rounds = a.length > 5 ? Integer.parseInt(a[5]) : 10;
        String[] names = {"old", "new"};
        Build[] builds = {new Build(Path.of(a[0]), mode, model, batch), new Build(Path.of(a[1]), mode, model, batch)};
        double[][] tp = new double[2][rounds];
        double[][] tn = new double[2][rounds];
        double[][] ratio = new double[2][rounds];
        int warm = 2;
        for (int i = -warm; i < rounds; i++) {
            for (int k = 0; k < 2; k++) {
                int b = (i & 1) == 0 ? k : 1 - k;
                if (mode.equals("ratio")) {
                    double[] m = builds[b].block(4);
                    if (i >= 0) {
                        tp[b][i] = m[0];
                        tn[b][i] = m[1];
                        ratio[b][i] = m[0] / m[1];
                    }
                } else {
                    double ms = builds[b].naiveStep();
                    if (i >= 0) {
                        tp[b][i] = ms;
                    }
                }
            }
        }
        System.out.printf("%s %s batch %d, %d rounds after %d warm-up rounds, %d threads%n", mode, model, batch, rounds,
                warm, Integer.getInteger("edp4j.threads", Runtime.getRuntime().availableProcessors()));
        for (int b = 0; b < 2; b++) {
            if (mode.equals("ratio")) {
                System.out.printf("%s: private %.2f ms, non-private %.2f ms, private / non-private %.3f [%.3f, %.3f]%n",
                        names[b], q(tp[b], 0.5), q(tn[b], 0.5), q(ratio[b], 0.5), q(ratio[b], 0.25), q(ratio[b], 0.75));
            } else {
                System.out.printf("%s: naive step %.1f ms [%.1f, %.1f]%n", names[b], q(tp[b], 0.5), q(tp[b], 0.25),
                        q(tp[b], 0.75));
            }
        }
        double[] per = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            per[i] = mode.equals("ratio") ? tn[0][i] / tn[1][i] : tp[0][i] / tp[1][i];
        }
        System.out.printf("old / new %s time per round: %.3f [%.3f, %.3f]%n", mode.equals("ratio") ? "non-private"
                : "naive", q(per, 0.5), q(per, 0.25), q(per, 0.75));
        if (mode.equals("ratio")) {
            for (int i = 0; i < rounds; i++) {
                per[i] = tp[0][i] / tp[1][i];
            }
            System.out.printf("old / new private time per round: %.3f [%.3f, %.3f]%n", q(per, 0.5), q(per, 0.25),
                    q(per, 0.75));
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
