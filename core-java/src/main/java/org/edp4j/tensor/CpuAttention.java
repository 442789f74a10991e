package org.edp4j.tensor;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention on the CPU ({@link Backend#attention},
 * {@link Backend#attentionBackward}).
 *
 * <p>Work is split over the {@code B * H} (sample, head) pairs with {@link Parallel#range}; each
 * pair is independent and writes disjoint columns of the outputs. Every product is written in
 * i-k-j order so the innermost loop is an axpy over contiguous memory that the JIT vectorizes,
 * blocked four rows at a time ({@code y += a0 x0 + a1 x1 + a2 x2 + a3 x3}: one load and store of
 * y per four multiply-adds):
 * <ul>
 *   <li>scores {@code S_t = sum_j (q_tj / sqrt(dh)) K^T[j, :]} over a transposed copy of K;
 *   <li>{@code out_t = sum_s P_ts v_s} over the unmasked keys s.
 * </ul>
 * The softmax subtracts the maximum over unmasked keys; masked keys get probability exactly 0,
 * and a sample without any unmasked key gets an all-zero row (never NaN).
 *
 * <p>Backward: per query row t, {@code dP_t = dO_t V^T} (stored in {@code scratch}),
 * {@code dS_t = P_t (dP_t - P_t . dP_t) / sqrt(dh)} and {@code dQ_t = dS_t K}; then per key s,
 * {@code dK_s = sum_t dS_ts q_t} and {@code dV_s = sum_t P_ts dO_t}. Keys no query attends to
 * (masked: {@code P_ts = 0} for every t) are skipped and get zero gradient.
 *
 * <p>Operands are first copied into per-thread row arrays indexed from 0 (see {@link Scratch});
 * scratch grows once, so a step with fixed shapes allocates nothing.
 */
final class CpuAttention {
    /**
     * Per-thread scratch. Rows are separate arrays indexed from 0 on purpose: C2 (JDK 17) does not
     * vectorize {@code y[yo + i] += a * x[xo + i]} with two unknown offsets (x and y might be one
     * array), but does vectorize {@code y[i] += a * x[i]} (measured 3.4 vs 12.3 GFMA/s).
     */
    private static final class Scratch {
        float[][] rowsA = new float[0][0]; // [T][dh]: K (forward), Q (backward)
        float[][] rowsB = new float[0][0]; // [T][dh]: V (forward), K (backward)
        float[][] rowsC = new float[0][0]; // [T][dh]: dO (backward)
        float[][] cols = new float[0][0];  // [dh][T]: K^T (forward), V^T (backward)
        float[][] ds = new float[0][0];    // [T][T]: dS (backward)
        float[] rowT = new float[0];
        float[] rowD = new float[0];
        float[] rowD2 = new float[0];
        int[] keys = new int[0];

        void ensure(int seq, int headDim) {
            rowsA = grow(rowsA, seq, headDim);
            rowsB = grow(rowsB, seq, headDim);
            rowsC = grow(rowsC, seq, headDim);
            cols = grow(cols, headDim, seq);
            ds = grow(ds, seq, seq);
            if (rowT.length < seq) {
                rowT = new float[seq];
                keys = new int[seq];
            }
            if (rowD.length < headDim) {
                rowD = new float[headDim];
                rowD2 = new float[headDim];
            }
        }

        private static float[][] grow(float[][] m, int rows, int cols) {
            if (m.length >= rows && (m.length == 0 || m[0].length >= cols)) {
                return m;
            }
            return new float[Math.max(rows, m.length)][Math.max(cols, m.length == 0 ? 0 : m[0].length)];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private CpuAttention() {
    }

    /** See {@link Backend#attention}; arguments already checked. */
    static void forward(int batch, int seq, int heads, int headDim, float[] qkv, float[] keyMask, float[] probs,
                        float[] out) {
        final int d = heads * headDim;
        final int stride = 3 * d;
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.range(batch * heads, 1, (p0, p1) -> {
            Scratch w = SCRATCH.get();
            w.ensure(seq, headDim);
            float[][] kt = w.cols;
            float[][] v = w.rowsB;
            float[] srow = w.rowT;
            float[] orow = w.rowD;
            int[] keys = w.keys;
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int rowBase = b * seq;
                int maskOff = b * seq;
                int qCol = h * headDim;
                int kCol = d + h * headDim;
                int vCol = 2 * d + h * headDim;
                int nk = 0;
                for (int s = 0; s < seq; s++) {
                    if (keyMask[maskOff + s] != 0f) {
                        keys[nk++] = s;
                    }
                }
                int pBase = pair * seq * seq;
                if (nk == 0) {
                    Arrays.fill(probs, pBase, pBase + seq * seq, 0f);
                    for (int t = 0; t < seq; t++) {
                        int or = (rowBase + t) * d + qCol;
                        Arrays.fill(out, or, or + headDim, 0f);
                    }
                    continue;
                }
                // K^T [dh][T] and V [T][dh] of this (sample, head).
                for (int s = 0; s < seq; s++) {
                    int src = (rowBase + s) * stride;
                    for (int j = 0; j < headDim; j++) {
                        kt[j][s] = qkv[src + kCol + j];
                    }
                    System.arraycopy(qkv, src + vCol, v[s], 0, headDim);
                }
                for (int t = 0; t < seq; t++) {
                    int q = (rowBase + t) * stride + qCol;
                    // S_t = sum_j (q_tj / sqrt(dh)) K^T[j, :]
                    combine(qkv, q, scale, kt, headDim, seq, srow);
                    int pr = pBase + t * seq;
                    System.arraycopy(srow, 0, probs, pr, seq);
                    softmaxRow(probs, pr, keyMask, maskOff, seq);
                    // out_t = sum over unmasked s of P_ts v_s
                    combineRows(probs, pr, keys, nk, v, headDim, orow);
                    System.arraycopy(orow, 0, out, (rowBase + t) * d + qCol, headDim);
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
            Scratch w = SCRATCH.get();
            w.ensure(seq, headDim);
            float[][] q = w.rowsA;
            float[][] kr = w.rowsB;
            float[][] dO = w.rowsC;
            float[][] vt = w.cols;
            float[][] ds = w.ds;
            float[] dprow = w.rowT;
            float[] acc = w.rowD;
            float[] acc2 = w.rowD2;
            int[] keys = w.keys;
            for (int pair = p0; pair < p1; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int rowBase = b * seq;
                int qCol = h * headDim;
                int kCol = d + h * headDim;
                int vCol = 2 * d + h * headDim;
                int pBase = pair * seq * seq;
                for (int s = 0; s < seq; s++) {
                    int src = (rowBase + s) * stride;
                    System.arraycopy(qkv, src + qCol, q[s], 0, headDim);
                    System.arraycopy(qkv, src + kCol, kr[s], 0, headDim);
                    System.arraycopy(gOut, (rowBase + s) * d + qCol, dO[s], 0, headDim);
                    for (int j = 0; j < headDim; j++) {
                        vt[j][s] = qkv[src + vCol + j];
                    }
                    Arrays.fill(gQkv, src + kCol, src + kCol + headDim, 0f);
                    Arrays.fill(gQkv, src + vCol, src + vCol + headDim, 0f);
                }
                // The keys some query attends to; the others (masked) get P = dS = 0 and no gradient.
                int nk = 0;
                for (int s = 0; s < seq; s++) {
                    for (int t = 0; t < seq; t++) {
                        if (probs[pBase + t * seq + s] != 0f) {
                            keys[nk++] = s;
                            break;
                        }
                    }
                }
                for (int t = 0; t < seq; t++) {
                    int pr = pBase + t * seq;
                    float[] go = dO[t];
                    // dP_t = dO_t V^T
                    combine(go, 0, 1f, vt, headDim, seq, dprow);
                    System.arraycopy(dprow, 0, dProbs, pr, seq);
                    // dS_t = P_t (dP_t - P_t . dP_t) / sqrt(dh)
                    float dot = (float) CpuBackend.dot(dprow, 0, probs, pr, seq);
                    float[] dst = ds[t];
                    for (int s = 0; s < seq; s++) {
                        dst[s] = probs[pr + s] * (dprow[s] - dot) * scale;
                    }
                    // dQ_t = sum over keys of dS_ts k_s
                    combineRows(dst, 0, keys, nk, kr, headDim, acc);
                    System.arraycopy(acc, 0, gQkv, (rowBase + t) * stride + qCol, headDim);
                }
                // dK_s = sum_t dS_ts q_t, dV_s = sum_t P_ts dO_t, four queries at a time
                for (int k = 0; k < nk; k++) {
                    int s = keys[k];
                    Arrays.fill(acc, 0, headDim, 0f);
                    Arrays.fill(acc2, 0, headDim, 0f);
                    int t = 0;
                    for (; t + 4 <= seq; t += 4) {
                        axpy4(headDim, ds[t][s], q[t], ds[t + 1][s], q[t + 1], ds[t + 2][s], q[t + 2], ds[t + 3][s],
                                q[t + 3], acc);
                        int pc = pBase + t * seq + s;
                        axpy4(headDim, probs[pc], dO[t], probs[pc + seq], dO[t + 1], probs[pc + 2 * seq], dO[t + 2],
                                probs[pc + 3 * seq], dO[t + 3], acc2);
                    }
                    for (; t < seq; t++) {
                        axpy(headDim, ds[t][s], q[t], acc);
                        axpy(headDim, probs[pBase + t * seq + s], dO[t], acc2);
                    }
                    int dst = (rowBase + s) * stride;
                    System.arraycopy(acc, 0, gQkv, dst + kCol, headDim);
                    System.arraycopy(acc2, 0, gQkv, dst + vCol, headDim);
                }
            }
        });
    }

    /**
     * {@code y[0..n) = sum_{j < m} alpha a[aOff + j] x[j][0..n)}: a row vector times the matrix of
     * rows {@code x}, four rows per pass over y.
     */
    private static void combine(float[] a, int aOff, float alpha, float[][] x, int m, int n, float[] y) {
        Arrays.fill(y, 0, n, 0f);
        int j = 0;
        for (; j + 4 <= m; j += 4) {
            axpy4(n, a[aOff + j] * alpha, x[j], a[aOff + j + 1] * alpha, x[j + 1], a[aOff + j + 2] * alpha,
                    x[j + 2], a[aOff + j + 3] * alpha, x[j + 3], y);
        }
        for (; j < m; j++) {
            axpy(n, a[aOff + j] * alpha, x[j], y);
        }
    }

    /**
     * {@code y[0..n) = sum_{k < nk} c[cOff + keys[k]] x[keys[k]][0..n)}: only the listed rows,
     * four per pass over y.
     */
    private static void combineRows(float[] c, int cOff, int[] keys, int nk, float[][] x, int n, float[] y) {
        Arrays.fill(y, 0, n, 0f);
        int k = 0;
        for (; k + 4 <= nk; k += 4) {
            int s0 = keys[k];
            int s1 = keys[k + 1];
            int s2 = keys[k + 2];
            int s3 = keys[k + 3];
            axpy4(n, c[cOff + s0], x[s0], c[cOff + s1], x[s1], c[cOff + s2], x[s2], c[cOff + s3], x[s3], y);
        }
        for (; k < nk; k++) {
            axpy(n, c[cOff + keys[k]], x[keys[k]], y);
        }
    }

    /** {@code y[i] += a x[i]} for {@code i < n}. */
    private static void axpy(int n, float a, float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }

    /** {@code y[i] += a0 x0[i] + a1 x1[i] + a2 x2[i] + a3 x3[i]} for {@code i < n}: one load and store of y per four rows. */
    private static void axpy4(int n, float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3,
                              float[] x3, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] += (a0 * x0[i] + a1 * x1[i]) + (a2 * x2[i] + a3 * x3[i]);
        }
    }
}
