package org.edp4j.tensor;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention on the CPU ({@link Backend#attention},
 * {@link Backend#attentionBackward}), its products on {@link CpuGemm}'s kernel.
 *
 * <p>Work is split over the {@code B * H} (sample, head) pairs with {@link Parallel#items}; each
 * pair is independent and writes disjoint columns of the outputs. A pair runs six single-threaded
 * GEMMs ({@link CpuGemm#single}, the Vector API kernel when it is enabled), about
 * {@code 2 T^2 dh} multiply-adds each, on its Q, K and V where they are: {@code [T, dh]} blocks
 * inside the rows of {@code qkv} (leading dimension {@code 3 d}), read by the GEMM's packing; the
 * outputs and gradients are written into the head's columns the same way. (Until 2026-12-01 each pair
 * copied them into contiguous scratch first and back after: about a sixth of the forward's time.)
 * <ul>
 *   <li>forward: {@code S = Q K^T / sqrt(dh)} (NT) into {@code probs}, the masked softmax of each
 *       row in place ({@link SoftmaxKernel}: {@link ScalarSoftmax}'s exactly specified exponential,
 *       lane-wise with the Vector API), {@code O = P V} (NN, the masked keys' terms left out);
 *   <li>backward: {@code dP = dO V^T} (NT) into {@code dProbs},
 *       {@code dS = P (dP - rowsum(P dP)) / sqrt(dh)} row by row ({@link SoftmaxKernel#backward}),
 *       {@code dQ = dS K} (NN), {@code dK = dS^T Q} and {@code dV = P^T dO} (TN).
 * </ul>
 * The softmax subtracts the maximum over unmasked keys; masked keys get probability exactly 0,
 * and a sample without any unmasked key gets an all-zero row (never NaN). Keys that no query
 * attends to ({@code P[t, s] = 0} for every t: the masked ones) are left out of the products over
 * keys (their rows of V and K never reach the output, even if not finite) and get zero gradient.
 *
 * <p>Scratch (dS and the attended keys) grows once per thread, so a step with fixed shapes allocates
 * nothing.
 */
final class CpuAttention {
    /** Per-thread scratch of one (sample, head). */
    private static final class Scratch {
        float[] ds = new float[0];   // [T][T]: dS
        float[] keys = new float[0]; // [T]: 1 for a key some query attends to, else 0

        void ensure(int seq) {
            if (keys.length < seq) {
                keys = new float[seq];
            }
            if (ds.length < seq * seq) {
                ds = new float[seq * seq];
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The row softmax of this JVM ({@link ScalarSoftmax}'s definition either way). */
    static final SoftmaxKernel SOFTMAX = Vectorization.pick(SoftmaxKernel.class, "org.edp4j.tensor.VectorSoftmax",
            ScalarSoftmax::new);

    private CpuAttention() {
    }

    /** See {@link Backend#attention}; arguments already checked. */
    static void forward(int batch, int seq, int heads, int headDim, float[] qkv, float[] keyMask, float[] probs,
                        float[] out) {
        final int d = heads * headDim;
        final int stride = 3 * d;
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.items(batch * heads, (p0, p1) -> {
            Scratch w = SCRATCH.get();
            w.ensure(seq);
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int pBase = pair * seq * seq;
                int qo = b * seq * stride + h * headDim;
                int oo = b * seq * d + h * headDim;
                int nk = 0;
                for (int s = 0; s < seq; s++) {
                    w.keys[s] = keyMask[b * seq + s] != 0f ? 1f : 0f;
                    nk += (int) w.keys[s];
                }
                if (nk == 0) {
                    Arrays.fill(probs, pBase, pBase + seq * seq, 0f);
                    for (int t = 0; t < seq; t++) {
                        Arrays.fill(out, oo + t * d, oo + t * d + headDim, 0f);
                    }
                    continue;
                }
                // S = Q K^T / sqrt(dh), then each row's masked softmax in place
                CpuGemm.single(false, true, seq, seq, headDim, scale, qkv, qo, stride, qkv, qo + d, stride, probs,
                        pBase, seq, null);
                for (int t = 0; t < seq; t++) {
                    SOFTMAX.maskedSoftmax(probs, pBase + t * seq, seq, keyMask, b * seq);
                }
                // O = P V over the unmasked keys, into the head's columns of out
                CpuGemm.single(false, false, seq, headDim, seq, 1f, probs, pBase, seq, qkv, qo + 2 * d, stride, out,
                        oo, d, w.keys);
            }
        });
    }

    /** See {@link Backend#attentionBackward}; arguments already checked. */
    static void backward(int batch, int seq, int heads, int headDim, float[] qkv, float[] probs, float[] gOut,
                         float[] dProbs, float[] gQkv) {
        final int d = heads * headDim;
        final int stride = 3 * d;
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.items(batch * heads, (p0, p1) -> {
            Scratch w = SCRATCH.get();
            w.ensure(seq);
            float[] ds = w.ds;
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int pBase = pair * seq * seq;
                // Q, K, V (and their gradients) of this head at qo, qo + d, qo + 2 d of qkv's rows; dO at go
                int qo = b * seq * stride + h * headDim;
                int go = b * seq * d + h * headDim;
                // dP = dO V^T
                CpuGemm.single(false, true, seq, seq, headDim, 1f, gOut, go, d, qkv, qo + 2 * d, stride, dProbs,
                        pBase, seq, null);
                // dS_t = P_t (dP_t - P_t . dP_t) / sqrt(dh), and the keys some query attends to (the
                // others, masked, get P = dS = 0 and no gradient)
                Arrays.fill(w.keys, 0, seq, 0f);
                for (int t = 0; t < seq; t++) {
                    int pr = pBase + t * seq;
                    SOFTMAX.backward(probs, pr, dProbs, pr, seq, scale, ds, t * seq, w.keys);
                }
                // dQ = dS K over the attended keys, dK = dS^T Q, dV = P^T dO; the products over
                // queries t: a row s of dK, dV that no query attends to is 0 (its dS, P column is 0)
                CpuGemm.single(false, false, seq, headDim, seq, 1f, ds, 0, seq, qkv, qo + d, stride, gQkv, qo, stride,
                        w.keys);
                CpuGemm.single(true, false, seq, headDim, seq, 1f, ds, 0, seq, qkv, qo, stride, gQkv, qo + d, stride,
                        null);
                zeroUnattended(gQkv, qo + d, stride, w.keys, seq, headDim);
                CpuGemm.single(true, false, seq, headDim, seq, 1f, probs, pBase, seq, gOut, go, d, gQkv, qo + 2 * d,
                        stride, null);
                zeroUnattended(gQkv, qo + 2 * d, stride, w.keys, seq, headDim);
            }
        });
    }

    /** Rows s with {@code keys[s] == 0} of the block at {@code x[xo + s ld ..]} set to 0 (whatever they held). */
    private static void zeroUnattended(float[] x, int xo, int ld, float[] keys, int seq, int cols) {
        for (int s = 0; s < seq; s++) {
            if (keys[s] == 0f) {
                Arrays.fill(x, xo + s * ld, xo + s * ld + cols, 0f);
            }
        }
    }
}
