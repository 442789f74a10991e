package org.edp4j.jmh;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Backends;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.Vectorization;

/**
 * Attention's GFLOP/s next to the GEMM's at the encoder's shapes, interleaved in one JVM (a plain
 * {@code main}: rounds alternate the measurements, so a neighbour's load hits them alike).
 *
 * <p>Attention: {@link Backend#attention} and {@link Backend#attentionBackward} at B 64, T 128,
 * 4 heads of 64 (the benchmark encoder), twice: full-length sequences (every key attended), and
 * padded ones (each sample's length drawn from 64..128, the keys past it masked). Flops are the
 * products' over the keys the mask leaves: {@code 4 H T L_b dh} per sample forward (S = Q K^T,
 * O = P V), {@code 8 H T L_b dh} backward (dP, dQ, dK, dV), with {@code L_b = T} at full length;
 * the softmax and its backward count as time, not flops. (Until 2026-11-30 only the padded case was
 * measured and its flops counted at {@code L_b = T}, more than the masked products need.) GEMM:
 * {@link Backend#gemm} NN at the encoder's {@code 8192 x 256 x 256} (B T rows, width 256),
 * {@code 2 M N K} flops.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * org.edp4j.jmh.AttentionVsGemm [rounds] [seconds per measurement] [backend]}; prints a markdown table.
 */
public final class AttentionVsGemm {
    private AttentionVsGemm() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        Backend be = Backends.byName(args.length > 2 ? args[2] : "cpu");
        int batch = 64;
        int seq = 128;
        int heads = 4;
        int dh = 64;
        int d = heads * dh;
        SplittableRandom rng = new SplittableRandom(3);
        Tensor qkv = be.tensor(random(rng, batch * seq * 3 * d), batch, seq, 3 * d);
        float[] padded = new float[batch * seq];
        long keys = 0;
        for (int b = 0; b < batch; b++) {
            int len = seq / 2 + rng.nextInt(seq / 2 + 1);
            Arrays.fill(padded, b * seq, b * seq + len, 1f);
            keys += len;
        }
        float[] ones = new float[batch * seq];
        Arrays.fill(ones, 1f);
        Tensor[] masks = {be.tensor(ones, batch, seq), be.tensor(padded, batch, seq)};
        Tensor probs = be.zeros(batch, heads, seq, seq);
        Tensor out = be.zeros(batch, seq, d);
        Tensor gOut = be.tensor(random(rng, batch * seq * d), batch, seq, d);
        Tensor dProbs = be.zeros(batch, heads, seq, seq);
        Tensor gQkv = be.zeros(batch, seq, 3 * d);
        int m = batch * seq;
        Tensor a = be.tensor(random(rng, m * d), m, d);
        Tensor w = be.tensor(random(rng, d * d), d, d);
        Tensor c = be.zeros(m, d);
        // forward flops over the attended keys: 4 H T L_b dh summed over the samples
        double[] fwdFlops = {4.0 * batch * heads * seq * seq * dh, 4.0 * heads * seq * keys * dh};
        double gemmFlops = 2.0 * m * d * d;
        // rows: forward and backward for each mask, then the GEMM
        double[][] g = new double[5][rounds];
        // Warm-up: C2 compiles the Vector API kernels only after seconds (on a loaded machine tens of
        // seconds); until then they run boxed, far slower than the scalar path. Rounds until both the
        // attention and the GEMM stop improving by 10 %, at least `warm` of them.
        int warm = Math.max(2, Integer.getInteger("warmRounds", 4));
        double prevAtt = 0;
        double prevMm = 0;
        for (int r = 0; r < 60; r++) {
            double att = 0;
            for (Tensor mask : masks) {
                att += time(seconds / 4, () -> be.attention(batch, seq, heads, dh, qkv, mask, probs, out))
                        + time(seconds / 4, () -> be.attentionBackward(batch, seq, heads, dh, qkv, probs, gOut, dProbs,
                        gQkv));
            }
            double mm = time(seconds / 2, () -> be.gemm(false, false, m, d, d, 1f, a, w, 0f, c));
            boolean stable = att > 0.9 * prevAtt && mm > 0.9 * prevMm && att < 1.1 * prevAtt && mm < 1.1 * prevMm;
            prevAtt = att;
            prevMm = mm;
            if (r >= warm && stable) {
                break;
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                Tensor mask = masks[k];
                // the backward reads the probabilities of its own mask's forward
                double fwd = time(seconds, () -> be.attention(batch, seq, heads, dh, qkv, mask, probs, out));
                double bwd = time(seconds, () -> be.attentionBackward(batch, seq, heads, dh, qkv, probs, gOut, dProbs,
                        gQkv));
                g[2 * k][r] = fwdFlops[k] / fwd / 1e9;
                g[2 * k + 1][r] = 2 * fwdFlops[k] / bwd / 1e9;
            }
            double mm = time(seconds, () -> be.gemm(false, false, m, d, d, 1f, a, w, 0f, c));
            g[4][r] = gemmFlops / mm / 1e9;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s; %d rounds of %.1f s, GFLOP/s median [min-max]%n%n",
                Vectorization.description(), rounds, seconds));
        sb.append("| B 64, T 128, 4 heads x 64 | GFLOP/s | / GEMM (per round, median [min-max]) |\n|---|---:|---:|\n");
        String[] names = {"attention forward, full length", "attention backward, full length",
            String.format(Locale.ROOT, "attention forward, padded (%.0f%% of keys)", 100.0 * keys / (batch * seq)),
            "attention backward, padded"};
        for (int i = 0; i < 4; i++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = g[i][r] / g[4][r];
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", names[i], stat(g[i]), stat(ratio)));
        }
        sb.append(String.format(Locale.ROOT, "| GEMM 8192 x 256 x 256 (NN) | %s | 1 |%n", stat(g[4])));
        System.out.print(sb);
    }

    /** Seconds per call: the call repeated for the given time. */
    private static double time(double seconds, Runnable call) {
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        do {
            call.run();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return (now - t0) / 1e9 / calls;
    }

    private static String stat(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", s[s.length / 2], s[0], s[s.length - 1]);
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}
