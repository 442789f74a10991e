package org.edp4j.tensor;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention on the CPU ({@link Backend#attention},
 * {@link Backend#attentionBackward}), its products on {@link CpuGemm}'s kernel.
 *
 * <p>Work is split over the {@code B * H} (sample, head) pairs with {@link Parallel#range}; each
 * pair is independent and writes disjoint columns of the outputs. A pair copies its Q, K and V
 * ({@code [T, dh]} each, strided inside the rows of {@code qkv}) into contiguous per-thread
 * scratch, then runs six single-threaded GEMMs ({@link CpuGemm#single}, the Vector API kernel
 * when it is enabled), about {@code 2 T^2 dh} multiply-adds each:
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
 * <p>Scratch grows once per thread, so a step with fixed shapes allocates nothing.
 */
final class CpuAttention {
    /** Per-thread contiguous copies of one (sample, head). */
    private static final class Scratch {
        float[] q = new float[0];   // [T][dh]: Q (dQ in the backward)
        float[] k = new float[0];   // [T][dh]: K (dK)
        float[] v = new float[0];   // [T][dh]: V (dV)
        float[] g = new float[0];   // [T][dh]: O (forward), dO (backward)
        float[] ds = new float[0];  // [T][T]: dS
        float[] keys = new float[0]; // [T]: 1 for a key some query attends to, else 0

        void ensure(int seq, int headDim) {
            if (q.length < seq * headDim) {
                q = new float[seq * headDim];
                k = new float[seq * headDim];
                v = new float[seq * headDim];
                g = new float[seq * headDim];
            }
            if (ds.length < seq * seq) {
                ds = new float[seq * seq];
                keys = new float[seq];
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
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.range(batch * heads, 1, (p0, p1) -> {
            Scratch w = SCRATCH.get();
            w.ensure(seq, headDim);
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int pBase = pair * seq * seq;
                int nk = 0;
                for (int s = 0; s < seq; s++) {
                    w.keys[s] = keyMask[b * seq + s] != 0f ? 1f : 0f;
                    nk += (int) w.keys[s];
                }
                if (nk == 0) {
                    Arrays.fill(probs, pBase, pBase + seq * seq, 0f);
                    Arrays.fill(w.g, 0, seq * headDim, 0f);
                } else {
                    gather(qkv, b, seq, 3 * d, h * headDim, headDim, w.q);
                    gather(qkv, b, seq, 3 * d, d + h * headDim, headDim, w.k);
                    gather(qkv, b, seq, 3 * d, 2 * d + h * headDim, headDim, w.v);
                    // S = Q K^T / sqrt(dh), then each row's masked softmax in place
                    CpuGemm.single(false, true, seq, seq, headDim, scale, w.q, 0, w.k, 0, probs, pBase, null);
                    for (int t = 0; t < seq; t++) {
                        SOFTMAX.maskedSoftmax(probs, pBase + t * seq, seq, keyMask, b * seq);
                    }
                    // O = P V over the unmasked keys
                    CpuGemm.single(false, false, seq, headDim, seq, 1f, probs, pBase, w.v, 0, w.g, 0, w.keys);
                }
                scatter(w.g, out, b, seq, d, h * headDim, headDim);
            }
        });
    }

    /** See {@link Backend#attentionBackward}; arguments already checked. */
    static void backward(int batch, int seq, int heads, int headDim, float[] qkv, float[] probs, float[] gOut,
                         float[] dProbs, float[] gQkv) {
        final int d = heads * headDim;
        final int stride = 3 * d;
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.range(batch * heads, 1, (p0, p1) -> {
            Scratch w = SCRATCH.get();
            w.ensure(seq, headDim);
            float[] ds = w.ds;
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int pBase = pair * seq * seq;
                gather(qkv, b, seq, stride, h * headDim, headDim, w.q);
                gather(qkv, b, seq, stride, d + h * headDim, headDim, w.k);
                gather(qkv, b, seq, stride, 2 * d + h * headDim, headDim, w.v);
                gather(gOut, b, seq, d, h * headDim, headDim, w.g);
                // dP = dO V^T
                CpuGemm.single(false, true, seq, seq, headDim, 1f, w.g, 0, w.v, 0, dProbs, pBase, null);
                // dS_t = P_t (dP_t - P_t . dP_t) / sqrt(dh), and the keys some query attends to (the
                // others, masked, get P = dS = 0 and no gradient)
                Arrays.fill(w.keys, 0, seq, 0f);
                for (int t = 0; t < seq; t++) {
                    int pr = pBase + t * seq;
                    SOFTMAX.backward(probs, pr, dProbs, pr, seq, scale, ds, t * seq, w.keys);
                }
                // dQ = dS K over the attended keys, dK = dS^T Q, dV = P^T dO; the products over
                // queries t: a row s of dK, dV that no query attends to is 0 (its dS, P column is 0)
                CpuGemm.single(false, false, seq, headDim, seq, 1f, ds, 0, w.k, 0, w.v, 0, w.keys);
                scatter(w.v, gQkv, b, seq, stride, h * headDim, headDim);
                CpuGemm.single(true, false, seq, headDim, seq, 1f, ds, 0, w.q, 0, w.k, 0, null);
                zeroUnattended(w.k, w.keys, seq, headDim);
                scatter(w.k, gQkv, b, seq, stride, d + h * headDim, headDim);
                CpuGemm.single(true, false, seq, headDim, seq, 1f, probs, pBase, w.g, 0, w.v, 0, null);
                zeroUnattended(w.v, w.keys, seq, headDim);
                scatter(w.v, gQkv, b, seq, stride, 2 * d + h * headDim, headDim);
            }
        });
    }

    /** Rows s with {@code keys[s] == 0} set to exactly 0 (whatever the query rows held). */
    private static void zeroUnattended(float[] x, float[] keys, int seq, int cols) {
        for (int s = 0; s < seq; s++) {
            if (keys[s] == 0f) {
                Arrays.fill(x, s * cols, (s + 1) * cols, 0f);
            }
        }
    }

    /** {@code dst[t * cols + j] = src[(b * seq + t) * stride + col + j]} for {@code t < seq}, {@code j < cols}. */
    private static void gather(float[] src, int b, int seq, int stride, int col, int cols, float[] dst) {
        for (int t = 0; t < seq; t++) {
            System.arraycopy(src, (b * seq + t) * stride + col, dst, t * cols, cols);
        }
    }

    /** The inverse of {@link #gather}. */
    private static void scatter(float[] src, float[] dst, int b, int seq, int stride, int col, int cols) {
        for (int t = 0; t < seq; t++) {
            System.arraycopy(src, t * cols, dst, (b * seq + t) * stride + col, cols);
        }
    }
}
