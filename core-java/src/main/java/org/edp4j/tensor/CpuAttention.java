package org.edp4j.tensor;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention on the CPU ({@link Backend#attention},
 * {@link Backend#attentionBackward}).
 *
 * <p>Work is split over the {@code B * H} (sample, head) pairs with {@link Parallel#range}; each
 * pair is independent and writes disjoint columns of the outputs. Every product is written in
 * i-k-j order so the innermost loop is an axpy over contiguous memory that the JIT vectorizes:
 * <ul>
 *   <li>scores {@code S_t = sum_j (q_tj / sqrt(dh)) K^T[j, :]} over a per-thread transposed copy
 *       {@code K^T [dh, T]}, written straight into the {@code probs} row;
 *   <li>{@code out_t = sum_s P_ts v_s}, reading the value rows of {@code qkv} in place.
 * </ul>
 * The softmax subtracts the maximum over unmasked keys; masked keys get probability exactly 0,
 * and a sample without any unmasked key gets an all-zero row (never NaN).
 *
 * <p>Backward, one query row t at a time (so {@code dS} needs only a row of scratch):
 * {@code dP_t = dO_t V^T} (stored in {@code scratch}), {@code dV += P_t^T dO_t},
 * {@code dS_t = P_t (dP_t - P_t . dP_t)}, {@code dQ_t = dS_t K / sqrt(dh)},
 * {@code dK += dS_t^T q_t / sqrt(dh)}. Keys with {@code P_ts = 0} (masked) are skipped.
 *
 * <p>Scratch is per thread ({@code [dh, T]} plus one row of T) and grows once; a step with fixed
 * shapes allocates nothing.
 */
final class CpuAttention {
    private static final ThreadLocal<float[]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private CpuAttention() {
    }

    /** See {@link Backend#attention}; arguments already checked. */
    static void forward(int batch, int seq, int heads, int headDim, float[] qkv, float[] keyMask, float[] probs,
                        float[] out) {
        final int d = heads * headDim;
        final int stride = 3 * d;
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.range(batch * heads, 1, (p0, p1) -> {
            float[] kt = scratch(TRANSPOSED, headDim * seq);
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int rowBase = b * seq;
                int maskOff = b * seq;
                int qCol = h * headDim;
                int kCol = d + h * headDim;
                int vCol = 2 * d + h * headDim;
                // K^T [dh, T] for this (sample, head).
                for (int s = 0; s < seq; s++) {
                    int src = (rowBase + s) * stride + kCol;
                    for (int j = 0; j < headDim; j++) {
                        kt[j * seq + s] = qkv[src + j];
                    }
                }
                boolean anyKey = false;
                for (int s = 0; s < seq; s++) {
                    if (keyMask[maskOff + s] != 0f) {
                        anyKey = true;
                        break;
                    }
                }
                int pBase = pair * seq * seq;
                for (int t = 0; t < seq; t++) {
                    int pr = pBase + t * seq;
                    int or = (rowBase + t) * d + qCol;
                    if (!anyKey) {
                        Arrays.fill(probs, pr, pr + seq, 0f);
                        Arrays.fill(out, or, or + headDim, 0f);
                        continue;
                    }
                    Arrays.fill(probs, pr, pr + seq, 0f);
                    int q = (rowBase + t) * stride + qCol;
                    for (int j = 0; j < headDim; j++) {
                        float qj = qkv[q + j] * scale;
                        int kr = j * seq;
                        for (int s = 0; s < seq; s++) {
                            probs[pr + s] += qj * kt[kr + s];
                        }
                    }
                    softmaxRow(probs, pr, keyMask, maskOff, seq);
                    Arrays.fill(out, or, or + headDim, 0f);
                    for (int s = 0; s < seq; s++) {
                        float p = probs[pr + s];
                        if (p == 0f) {
                            continue;
                        }
                        int v = (rowBase + s) * stride + vCol;
                        for (int j = 0; j < headDim; j++) {
                            out[or + j] += p * qkv[v + j];
                        }
                    }
                }
            }
        });
    }

    /**
     * Masked softmax of {@code x[off .. off+n)} in place, over the keys with a non-zero mask (at
     * least one); the others become exactly 0.
     */
    private static void softmaxRow(float[] x, int off, float[] mask, int maskOff, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < n; s++) {
            if (mask[maskOff + s] != 0f && x[off + s] > max) {
                max = x[off + s];
            }
        }
        double sum = 0;
        for (int s = 0; s < n; s++) {
            if (mask[maskOff + s] != 0f) {
                float e = (float) Math.exp(x[off + s] - max);
                x[off + s] = e;
                sum += e;
            } else {
                x[off + s] = 0f;
            }
        }
        float inv = (float) (1.0 / sum); // sum >= 1: the maximum contributes exp(0)
        for (int s = 0; s < n; s++) {
            x[off + s] *= inv;
        }
    }

    /** See {@link Backend#attentionBackward}; arguments already checked. */
    static void backward(int batch, int seq, int heads, int headDim, float[] qkv, float[] probs, float[] gOut,
                         float[] dProbs, float[] gQkv) {
        final int d = heads * headDim;
        final int stride = 3 * d;
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.range(batch * heads, 1, (p0, p1) -> {
            float[] vt = scratch(TRANSPOSED, headDim * seq);
            float[] row = scratch(ROW, seq + headDim); // dS_t, then dQ_t
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int rowBase = b * seq;
                int qCol = h * headDim;
                int kCol = d + h * headDim;
                int vCol = 2 * d + h * headDim;
                for (int s = 0; s < seq; s++) {
                    int src = (rowBase + s) * stride + vCol;
                    for (int j = 0; j < headDim; j++) {
                        vt[j * seq + s] = qkv[src + j];
                    }
                    int dst = (rowBase + s) * stride;
                    Arrays.fill(gQkv, dst + qCol, dst + qCol + headDim, 0f);
                    Arrays.fill(gQkv, dst + kCol, dst + kCol + headDim, 0f);
                    Arrays.fill(gQkv, dst + vCol, dst + vCol + headDim, 0f);
                }
                int pBase = pair * seq * seq;
                for (int t = 0; t < seq; t++) {
                    int pr = pBase + t * seq;
                    int go = (rowBase + t) * d + qCol;
                    // dP_t = dO_t V^T
                    Arrays.fill(dProbs, pr, pr + seq, 0f);
                    for (int j = 0; j < headDim; j++) {
                        float gj = gOut[go + j];
                        int vr = j * seq;
                        for (int s = 0; s < seq; s++) {
                            dProbs[pr + s] += gj * vt[vr + s];
                        }
                    }
                    // rowsum(dP ⊙ P), several accumulators
                    float a0 = 0f;
                    float a1 = 0f;
                    float a2 = 0f;
                    float a3 = 0f;
                    int s = 0;
                    for (; s + 4 <= seq; s += 4) {
                        a0 += dProbs[pr + s] * probs[pr + s];
                        a1 += dProbs[pr + s + 1] * probs[pr + s + 1];
                        a2 += dProbs[pr + s + 2] * probs[pr + s + 2];
                        a3 += dProbs[pr + s + 3] * probs[pr + s + 3];
                    }
                    for (; s < seq; s++) {
                        a0 += dProbs[pr + s] * probs[pr + s];
                    }
                    float dot = (a0 + a1) + (a2 + a3);
                    for (s = 0; s < seq; s++) {
                        row[s] = probs[pr + s] * (dProbs[pr + s] - dot) * scale;
                    }
                    Arrays.fill(row, seq, seq + headDim, 0f);
                    int qt = (rowBase + t) * stride + qCol;
                    for (s = 0; s < seq; s++) {
                        float p = probs[pr + s];
                        if (p == 0f) {
                            continue; // a masked key: P, dS and its dV, dK contributions are 0
                        }
                        int rs = (rowBase + s) * stride;
                        // dV_s += P_ts dO_t
                        int dv = rs + vCol;
                        for (int j = 0; j < headDim; j++) {
                            gQkv[dv + j] += p * gOut[go + j];
                        }
                        float dst = row[s];
                        // dQ_t += dS_ts k_s, dK_s += dS_ts q_t (the 1/sqrt(dh) is in dS)
                        int k = rs + kCol;
                        for (int j = 0; j < headDim; j++) {
                            row[seq + j] += dst * qkv[k + j];
                        }
                        for (int j = 0; j < headDim; j++) {
                            gQkv[k + j] += dst * qkv[qt + j];
                        }
                    }
                    System.arraycopy(row, seq, gQkv, qt, headDim);
                }
            }
        });
    }

    private static float[] scratch(ThreadLocal<float[]> holder, int n) {
        float[] s = holder.get();
        if (s.length < n) {
            s = new float[n];
            holder.set(s);
        }
        return s;
    }
}
