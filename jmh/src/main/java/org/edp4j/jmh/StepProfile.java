package org.edp4j.jmh;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.dp.noise.NoisePrefetcher;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.SoftmaxCrossEntropy;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Backends;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * Where the private overhead goes, with manual timers (not JMH): two parts, both written as
 * markdown to the file given as the first argument.
 *
 * <ol>
 *   <li><b>Interleaved ratio.</b> The real {@link PrivateOptimizer} steps, private and non-private
 *       alternating in short blocks, so a neighbour's load on the shared machine hits both alike;
 *       the median of the per-block ratios with its inter-quartile range.
 *   <li><b>Stages.</b> The private step replayed stage by stage with the same public calls
 *       {@link PrivateOptimizer} makes (forward + loss, backward, per-sample norms, clip factors,
 *       clipped sum, the finite check of the summed gradients, waiting for the prefetched noise,
 *       fused noise + update), each timed; the non-private step likewise (its clipped sum uses the
 *       row mask, its update has no noise; it checks the sums as the private step does). Medians
 *       over the steps.
 * </ol>
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar org.edp4j.jmh.StepProfile OUT.md
 * [steps] [backend] [model:batch,...]} (without the module the scalar kernels run).
 */
public final class StepProfile {
    private static final String[] STAGES = {"forward+loss", "backward", "norms", "clip factors", "clipped sum",
        "finite check", "noise wait", "update", "total"};

    private StepProfile() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "step-profile.md");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        String backendName = args.length > 2 ? args[2] : "cpu";
        Backend backend = Backends.byName(backendName);
        String[][] all = {{"mlp", "64"}, {"mlp", "256"}, {"mlp", "1024"}, {"text", "64"}, {"text", "256"},
            {"text", "1024"}, {"encoder", "64"}};
        // optional 4th argument: only these cases, e.g. "mlp:256,text:256"
        String only = args.length > 3 ? "," + args[3] + "," : null;
        String[][] cases = java.util.Arrays.stream(all)
                .filter(c -> only == null || only.contains("," + c[0] + ":" + c[1] + ","))
                .toArray(String[][]::new);
        StringBuilder md = new StringBuilder();
        md.append("Interleaved private / non-private ratio: blocks of ").append(BLOCK - 1)
                .append(" private then ").append(BLOCK - 1).append(" non-private steps (each block's first step "
                + "dropped), ~").append(steps).append(" steps of each; ratio of the block medians, median over "
                + "blocks [q1, q3] (the encoder, whose step takes seconds, a quarter of the steps):\n\n");
        md.append("| model | batch | non-private ms (median) | private ms (median) | ratio median [q1, q3] |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (String[] c : cases) {
            md.append(interleaved(backend, c[0], Integer.parseInt(c[1]), stepsFor(c[0], steps)));
            System.out.print('.');
        }
        if (only == null) {
            md.append("\nInterleaved ratio at batch 256 against sequence length and width (as ScalingBenchmark):\n\n");
            md.append("| shape | batch | non-private ms (median) | private ms (median) | ratio median [q1, q3] |\n");
            md.append("|---|---:|---:|---:|---:|\n");
            String[] shapes = {"text-s32-w128", "text-s128-w128", "text-s512-w128", "text-s128-w64", "text-s128-w256",
                "mlp-w256", "mlp-w512", "mlp-w1024"};
            for (String shape : shapes) {
                String[] parts = shape.split("-");
                int seq = parts[0].equals("text") ? Integer.parseInt(parts[1].substring(1)) : 1;
                int w = Integer.parseInt(parts[parts.length - 1].substring(1));
                int n = parts[0].equals("mlp") && w > 512 ? Math.max(8, steps / 2) : steps;
                md.append(interleaved(backend, parts[0], 256, seq, w, n, shape));
                System.out.print('.');
            }
        }
        md.append("\nStage medians in ms (replayed step; the stages do not sum exactly to the total, "
                + "which is measured separately):\n\n");
        md.append("| model | batch | step |");
        for (String s : STAGES) {
            md.append(' ').append(s).append(" |");
        }
        md.append("\n|---|---:|---|");
        md.append("---:|".repeat(STAGES.length)).append('\n');
        for (String[] c : cases) {
            int b = Integer.parseInt(c[1]);
            md.append(stages(backend, c[0], b, stepsFor(c[0], steps), false));
            md.append(stages(backend, c[0], b, stepsFor(c[0], steps), true));
            System.out.print('.');
        }
        System.out.println();
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
    }

    private static int width(String model) {
        return switch (model) {
            case "mlp" -> 512;
            case "encoder" -> 256;
            default -> 128;
        };
    }

    /** The encoder's step takes seconds on a CPU: a quarter of the steps (at least 8). */
    private static int stepsFor(String model, int steps) {
        return model.equals("encoder") ? Math.max(8, steps / 4) : steps;
    }

    /** Steps per block of the interleaved comparison; the first of each block is not counted. */
    private static final int BLOCK = 5;

    private static String interleaved(Backend backend, String model, int batch, int steps) {
        return interleaved(backend, model, batch, 128, width(model), steps, model);
    }

    private static String interleaved(Backend backend, String model, int batch, int seq, int width, int steps,
                                      String label) {
        try (Workload wp = new Workload(backend, model, batch, seq, width);
             Workload wn = new Workload(backend, model, batch, seq, width);
             PrivateOptimizer p = wp.privateOptimizer();
             PrivateOptimizer n = wn.nonPrivateOptimizer()) {
            // Blocks of BLOCK private steps, then BLOCK non-private steps. The first step of a block
            // is dropped: it pays for what the other mode left running (the private step's
            // prefetch of its next noise runs on after it returns).
            int blocks = Math.max(2, steps / (BLOCK - 1));
            int warm = model.equals("encoder") ? 1 : 2;
            double[] tp = new double[blocks * (BLOCK - 1)];
            double[] tn = new double[blocks * (BLOCK - 1)];
            double[] ratio = new double[blocks];
            double[] bp = new double[BLOCK - 1];
            double[] bn = new double[BLOCK - 1];
            for (int blk = -warm; blk < blocks; blk++) {
                for (int k = 0; k < BLOCK; k++) {
                    long t0 = System.nanoTime();
                    p.zeroGrad();
                    p.accumulate(wp.batch);
                    p.step();
                    if (k > 0) {
                        bp[k - 1] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                for (int k = 0; k < BLOCK; k++) {
                    long t0 = System.nanoTime();
                    n.zeroGrad();
                    n.accumulate(wn.batch);
                    n.step();
                    if (k > 0) {
                        bn[k - 1] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                if (blk >= 0) {
                    System.arraycopy(bp, 0, tp, blk * (BLOCK - 1), BLOCK - 1);
                    System.arraycopy(bn, 0, tn, blk * (BLOCK - 1), BLOCK - 1);
                    ratio[blk] = quantile(bp, 0.5) / quantile(bn, 0.5);
                }
            }
            return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.3f [%.3f, %.3f] |%n", label, batch,
                    quantile(tn, 0.5), quantile(tp, 0.5), quantile(ratio, 0.5), quantile(ratio, 0.25),
                    quantile(ratio, 0.75));
        }
    }

    private static String stages(Backend backend, String model, int batch, int steps, boolean priv) {
        try (Workload w = new Workload(backend, model, batch, 128, width(model))) {
            List<Parameter> params = w.net.parameters();
            List<Layer> layers = w.net.layers();
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(backend);
            long total = 0;
            long[] offsets = new long[params.size()];
            for (int i = 0; i < params.size(); i++) {
                offsets[i] = total;
                total += params.get(i).size();
            }
            GaussianNoise noise = GaussianNoise.insecureSeeded(Workload.NOISE_SEED);
            int[] key = noise.key();
            NoisePrefetcher prefetcher = priv ? new NoisePrefetcher(noise, GaussianNoise.GRADIENT_NOISE, (int) total)
                    : null;
            Tensor sq = backend.zeros(batch);
            Tensor factors = backend.zeros(batch);
            float[] hostNorms = new float[batch];
            float[] hostFactors = new float[batch];
            List<Tensor> grads = params.stream().map(Parameter::grad).toList();
            float std = (float) (Workload.SIGMA * Workload.CLIP);
            float gradScale = (float) (1.0 / batch);
            float lr = (float) Workload.LR;
            int warm = model.equals("encoder") ? 2 : Math.max(5, steps / 4);
            double[][] t = new double[STAGES.length][steps];
            for (int s = -warm; s < steps; s++) {
                long[] ts = new long[STAGES.length + 1];
                long start = System.nanoTime();
                Tensor logits = w.net.forward(w.batch);
                loss.forward(logits, w.batch);
                ts[0] = System.nanoTime();
                w.net.backward(loss.gradient(), w.batch);
                ts[1] = System.nanoTime();
                Tensor f = w.batch.rowMask();
                if (priv) {
                    backend.fill(sq, 0f);
                    for (Layer l : layers) {
                        l.addSquaredNorms(sq);
                    }
                    sq.copyTo(hostNorms);
                    for (float v : hostNorms) {
                        if (!Float.isFinite(v)) {
                            throw new IllegalStateException("non-finite norm");
                        }
                    }
                    ts[2] = System.nanoTime();
                    backend.clipFactors(batch, sq, w.batch.rowMask(), (float) Workload.CLIP,
                            (float) Clipping.STABILIZER, false, factors);
                    factors.copyTo(hostFactors);
                    for (float v : hostFactors) {
                        if (!Float.isFinite(v)) {
                            throw new IllegalStateException("non-finite clip factor");
                        }
                    }
                    f = factors;
                    ts[3] = System.nanoTime();
                } else {
                    ts[2] = ts[1];
                    ts[3] = ts[1];
                }
                for (Layer l : layers) {
                    l.clippedSum(f, 0f);
                }
                ts[4] = System.nanoTime();
                if (!backend.allFinite(grads)) {
                    throw new IllegalStateException("non-finite gradient");
                }
                ts[5] = System.nanoTime();
                float[] normals = priv ? prefetcher.take(s + warm) : null;
                ts[6] = System.nanoTime();
                for (int i = 0; i < params.size(); i++) {
                    Parameter p = params.get(i);
                    UpdateNoise un = priv ? new UpdateNoise(std, normals, (int) offsets[i], key,
                            GaussianNoise.GRADIENT_NOISE, s + warm, offsets[i]) : UpdateNoise.NONE;
                    backend.sgdUpdate(p.value(), p.grad(), un, gradScale, lr, 0f, 0f, null);
                }
                ts[7] = System.nanoTime();
                if (s >= 0) {
                    long prev = start;
                    for (int k = 0; k < 8; k++) {
                        t[k][s] = (ts[k] - prev) / 1e6;
                        prev = ts[k];
                    }
                    t[8][s] = (ts[7] - start) / 1e6;
                }
            }
            if (prefetcher != null) {
                prefetcher.close();
            }
            StringBuilder sb = new StringBuilder();
            sb.append("| ").append(model).append(" | ").append(batch).append(" | ")
                    .append(priv ? "private" : "non-private").append(" |");
            for (double[] col : t) {
                sb.append(String.format(Locale.ROOT, " %.2f |", quantile(col, 0.5)));
            }
            return sb.append('\n').toString();
        }
    }

    static double quantile(double[] x, double q) {
        double[] s = x.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
