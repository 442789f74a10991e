package org.edp4j.jmh;

import java.util.Locale;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Backends;
import org.edp4j.tensor.Vectorization;

/**
 * edp4j's side of the step comparison with PyTorch that {@code scripts/peer/step_vs_pytorch.py}
 * runs: for each case, the ordinary step ({@code .nonPrivate()}) and the private step of
 * {@link Workload} (the models of {@link StepBenchmark} and {@link EncoderStepBenchmark}),
 * alternating in blocks as {@link StepProfile} does (blocks of 4 timed steps after one untimed step,
 * so that what one mode leaves running, such as the private step's noise prefetch, is not charged to
 * the other). A plain {@code main}, one process per round of the driver, which alternates it with
 * the PyTorch process.
 *
 * <p>Warm-up: the steps of both modes run, alternating, for at least {@code -Dpeer.warmSeconds}
 * (default 20) seconds and 3 blocks before the first case, {@code -Dpeer.warmSecondsNext} (default 5)
 * before each later one: C2 compiles the Vector API kernels only after seconds (on a busy machine
 * tens of seconds), and until then they run boxed, slower than the scalar ones.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector [-Dedp4j.threads=1] -cp benchmarks.jar
 * org.edp4j.jmh.PeerStep model:batch[:blocks] ...}; prints one JSON object per case: medians of the
 * timed steps in ms and the median [q1, q3] of the per-block ratio private / ordinary.
 */
public final class PeerStep {
    private static final int BLOCK = 5;

    private PeerStep() {
    }

    public static void main(String[] args) {
        Backend backend = Backends.byName(System.getProperty("peer.backend", "cpu"));
        double warmSeconds = Double.parseDouble(System.getProperty("peer.warmSeconds", "20"));
        double warmNext = Double.parseDouble(System.getProperty("peer.warmSecondsNext", "5"));
        for (String c : args) {
            String[] p = c.split(":");
            String model = p[0];
            int batch = Integer.parseInt(p[1]);
            int blocks = p.length > 2 ? Integer.parseInt(p[2]) : (model.equals("encoder") ? 3 : 10);
            System.out.println(run(backend, model, batch, blocks, warmSeconds));
            warmSeconds = warmNext; // the kernels are compiled by now: later cases need less
        }
    }

    static String run(Backend backend, String model, int batch, int blocks, double warmSeconds) {
        int width = switch (model) {
            case "mlp" -> 512;
            case "encoder" -> 256;
            default -> 128;
        };
        try (Workload wp = new Workload(backend, model, batch, 128, width);
             Workload wn = new Workload(backend, model, batch, 128, width);
             PrivateOptimizer priv = wp.privateOptimizer();
             PrivateOptimizer ord = wn.nonPrivateOptimizer()) {
            double[] bp = new double[BLOCK - 1];
            double[] bn = new double[BLOCK - 1];
            long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
            int warmBlocks = 0;
            while (warmBlocks < 3 || System.nanoTime() < warmEnd) {
                block(priv, wp, bp);
                block(ord, wn, bn);
                warmBlocks++;
            }
            double[] tp = new double[blocks * (BLOCK - 1)];
            double[] tn = new double[blocks * (BLOCK - 1)];
            double[] ratio = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                // alternate which mode goes first
                if (b % 2 == 0) {
                    block(ord, wn, bn);
                    block(priv, wp, bp);
                } else {
                    block(priv, wp, bp);
                    block(ord, wn, bn);
                }
                System.arraycopy(bp, 0, tp, b * (BLOCK - 1), BLOCK - 1);
                System.arraycopy(bn, 0, tn, b * (BLOCK - 1), BLOCK - 1);
                ratio[b] = StepProfile.quantile(bp, 0.5) / StepProfile.quantile(bn, 0.5);
            }
            return String.format(Locale.ROOT, "{\"model\": \"%s\", \"batch\": %d, \"threads\": %s, \"ordinary_ms\": %.3f, "
                    + "\"private_ms\": %.3f, \"ratio\": %.4f, \"ratio_q1\": %.4f, \"ratio_q3\": %.4f, \"steps\": %d, "
                    + "\"warm_blocks\": %d, \"kernels\": \"%s\"}",
                    model, batch, System.getProperty("edp4j.threads", "\"all\""), StepProfile.quantile(tn, 0.5),
                    StepProfile.quantile(tp, 0.5), StepProfile.quantile(ratio, 0.5), StepProfile.quantile(ratio, 0.25),
                    StepProfile.quantile(ratio, 0.75), tn.length, warmBlocks, Vectorization.description());
        }
    }

    /** One untimed step, then {@code BLOCK - 1} timed ones into {@code ms}. */
    private static void block(PrivateOptimizer opt, Workload w, double[] ms) {
        for (int k = 0; k < BLOCK; k++) {
            long t0 = System.nanoTime();
            opt.zeroGrad();
            opt.accumulate(w.batch);
            opt.step();
            if (k > 0) {
                ms[k - 1] = (System.nanoTime() - t0) / 1e6;
            }
        }
    }
}
