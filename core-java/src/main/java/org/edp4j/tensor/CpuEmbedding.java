package org.edp4j.tensor;

import java.util.Arrays;

/**
 * The CPU's embedding kernels on arrays with offsets: the lookup, the clipped sum (scatter-add
 * with per-sample factors) and the per-sample squared norm (ghost norm with the token-equality
 * mask); and the same three for an embedding bag (the masked mean of a sample's rows) without
 * the {@code [B, T, d]} rows. A table is {@code [vocab, d]} row-major; token ids are checked
 * where they are read.
 */
final class CpuEmbedding {
    /** Table entries cleared plus terms added below which the bag's scatter runs on one thread. */
    static final long SPLIT_WORK = 1L << 19;
    /** The inner loops' {@code y += f (w x)} on rows: C2 on JDK 17 leaves them scalar (see {@link RowKernel}). */
    static final RowKernel ROWS = Vectorization.pick(RowKernel.class, "org.edp4j.tensor.VectorRowKernel",
            ScalarRowKernel::new);

    private CpuEmbedding() {
    }

    /** {@code out[r, :] = table[tok[r], :]} for {@code r < n}. */
    static void lookup(int n, int d, int vocab, float[] table, int to, int[] tok, int tko, float[] out, int oo) {
        for (int r = 0; r < n; r++) {
            int id = checkId(tok[tko + r], r, vocab);
            System.arraycopy(table, to + id * d, out, oo + r * d, d);
        }
    }

    /**
     * {@code grad = beta grad; grad[tok[r], :] += s[r / rowsPerSample] g[r, :]}; rows whose factor
     * is 0 are skipped (their id is not read, their g may be NaN). The ids are checked first, so a
     * bad one throws before the table changes. Serial: split across the two cores of the build
     * machine, the scaling and the scatter took longer (scripts/KernelsBeforeAfter.java: 2.2 ms
     * serial against 3.6 ms for 8,192 rows of 128 into 20,000 x 128, loaded machine, 2026-11-30).
     */
    static void scatterAddScaled(int n, int d, int vocab, int rowsPerSample, int[] tok, int tko, float[] g, int go,
                                 float[] s, int so, float beta, float[] grad, int gro) {
        for (int r = 0; r < n; r++) {
            if (s[so + r / rowsPerSample] != 0f) {
                checkId(tok[tko + r], r, vocab);
            }
        }
        CpuElementwise.betaScale(grad, gro, vocab * d, beta);
        for (int r = 0; r < n; r++) {
            float f = s[so + r / rowsPerSample];
            if (f == 0f) {
                continue;
            }
            ROWS.addScaled(grad, gro + tok[tko + r] * d, g, go + r * d, d, 1f, f);
        }
    }

    /**
     * {@code out[b] += sum_{t,s: tok_bt = tok_bs} g_bt . g_bs}: equal tokens share one table row,
     * so their gradients add before the norm. Positions are grouped by token with an
     * open-addressing table, {@code O(T d)} per sample, no sort and no {@code [vocab, d]} buffer.
     */
    static void norms(int batch, int seq, int d, int[] tok, int tko, float[] g, int go, float[] out, int oo) {
        int tableSize = Integer.highestOneBit(Math.max(1, 2 * seq - 1)) << 1; // a power of two >= 2 seq
        Parallel.range(batch, 4, (b0, b1) -> {
            int[] table = CpuScratch.hashTable(tableSize);
            int[] slotOf = CpuScratch.slots(tableSize);
            float[] acc = CpuScratch.floats(seq * d);
            for (int b = b0; b < b1; b++) {
                int slots = 0;
                for (int t = 0; t < seq; t++) {
                    int id = tok[tko + b * seq + t];
                    int h = slot(table, id, tableSize);
                    int src = go + (b * seq + t) * d;
                    if (table[h] == -1) {
                        table[h] = id;
                        slotOf[h] = slots;
                        System.arraycopy(g, src, acc, slots * d, d);
                        slots++;
                    } else {
                        ROWS.addScaled(acc, slotOf[h] * d, g, src, d, 1f, 1f);
                    }
                }
                out[oo + b] += (float) CpuElementwise.sumSquares(acc, 0, slots * d);
                for (int t = 0; t < seq; t++) { // clear only what this sample used
                    clear(table, tok[tko + b * seq + t], tableSize);
                }
            }
        });
    }

    /**
     * Embedding bag, the masked mean of the looked-up rows:
     * {@code out[b, :] = sum_t m[b,t] table[tok[b,t], :] / max(1, sum_t m[b,t])}. The same float
     * operations in the same order as {@link #lookup} then {@link CpuPooling#maskedMeanPool} (so
     * the same bits), without their {@code [B, T, d]} rows. Every id is checked first, so a bad one
     * throws before {@code out} changes.
     */
    static void bagMean(int batch, int seq, int d, int vocab, float[] table, int to, int[] tok, int tko, float[] m,
                        int mo, float[] o, int oo) {
        for (int r = 0; r < batch * seq; r++) {
            checkId(tok[tko + r], r, vocab);
        }
        Parallel.range(batch, 8, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int or = oo + b * d;
                Arrays.fill(o, or, or + d, 0f);
                float count = 0f;
                for (int t = 0; t < seq; t++) {
                    float w = m[mo + b * seq + t];
                    if (w == 0f) {
                        continue;
                    }
                    count += w;
                    ROWS.addScaled(o, or, table, to + tok[tko + b * seq + t] * d, d, w, 1f);
                }
                float inv = 1f / Math.max(1f, count);
                for (int j = 0; j < d; j++) {
                    o[or + j] *= inv;
                }
            }
        });
    }

    /**
     * Clipped sum of an embedding bag: {@code grad = beta grad}, then for every sample b whose
     * factor {@code f = s[b / rowsPerSample]} is not 0 and every position t of weight
     * {@code w = m[b,t] / max(1, sum_t m[b,t]) != 0}: {@code grad[tok[b,t], :] += f (w g[b, :])}.
     * Each term is rounded as {@link CpuPooling#maskedMeanPoolBackward} then {@link #scatterAddScaled}
     * round it, so the sum has their bits (they also add the {@code f * 0} of padding positions,
     * which changes only a {@code -0} entry); the {@code [B, T, d]} pooled gradient is never
     * written. The ids of the positions used are checked first, so a bad one throws before the
     * table changes. The threads split the table's rows (each scans every position and adds those
     * of its rows, in the same order as one thread: the same bits for any thread count).
     */
    static void bagScatterAddScaled(int batch, int seq, int d, int vocab, int rowsPerSample, int[] tok, int tko,
                                    float[] m, int mo, float[] g, int go, float[] s, int so, float beta, float[] grad,
                                    int gro) {
        for (int b = 0; b < batch; b++) {
            if (s[so + b / rowsPerSample] != 0f) {
                for (int t = 0; t < seq; t++) {
                    if (m[mo + b * seq + t] != 0f) {
                        checkId(tok[tko + b * seq + t], b * seq + t, vocab);
                    }
                }
            }
        }
        float[] inv = new float[batch];
        for (int b = 0; b < batch; b++) {
            inv[b] = inverseCount(m, mo + b * seq, seq);
        }
        // One thread for small work (a federated device's batch of 4: a loop's hand-off costs more than
        // it saves); else ranges of rows large enough that a range's share of the positions outweighs
        // scanning them all.
        long work = (long) vocab * d + (long) batch * seq * d;
        Parallel.range(vocab, work < SPLIT_WORK ? vocab : Math.max(1, vocab / 64), (v0, v1) -> {
            CpuElementwise.betaScale(grad, gro + v0 * d, (v1 - v0) * d, beta);
            for (int b = 0; b < batch; b++) {
                float f = s[so + b / rowsPerSample];
                if (f == 0f) {
                    continue;
                }
                int src = go + b * d;
                for (int t = 0; t < seq; t++) {
                    int id = tok[tko + b * seq + t];
                    float w = m[mo + b * seq + t] * inv[b];
                    if (id < v0 || id >= v1 || w == 0f) {
                        continue;
                    }
                    ROWS.addScaled(grad, gro + id * d, g, src, d, w, f);
                }
            }
        });
    }

    /**
     * Per-unit squared gradient norms of an embedding bag: unit u holds samples
     * {@code [u k, u k + k)} ({@code k = rowsPerUnit}), and its gradient puts
     * {@code sum_{(b,t): tok[b,t] = v} w_bt g_b} in row v, with {@code w_bt = m[b,t] / max(1, sum_t m[b,t])}:
     * {@code out[u] += sum_v ||sum_{(b,t): tok[b,t] = v} w_bt g_b||^2}. One sample per unit, that is
     * {@code ||g_b||^2 sum_v (sum_{t: tok[b,t] = v} w_bt)^2}: O(T + d) a sample. Several, the
     * weighted rows of each distinct token are added up first, as {@link #norms}: O(k T d) a unit.
     * Positions of weight 0 (padding) take no part (their ids may be anything).
     */
    static void bagNorms(int units, int rowsPerUnit, int seq, int d, int[] tok, int tko, float[] m, int mo, float[] g,
                         int go, float[] out, int oo) {
        int positions = rowsPerUnit * seq;
        int tableSize = Integer.highestOneBit(Math.max(1, 2 * positions - 1)) << 1; // a power of two >= 2 positions
        Parallel.range(units, 4, (u0, u1) -> {
            int[] table = CpuScratch.hashTable(tableSize);
            int[] slotOf = CpuScratch.slots(tableSize);
            double[] weight = CpuScratch.doubles(positions);
            float[] acc = rowsPerUnit == 1 ? null : CpuScratch.floats(positions * d);
            for (int u = u0; u < u1; u++) {
                int slots = 0;
                for (int b = u * rowsPerUnit; b < (u + 1) * rowsPerUnit; b++) {
                    float inv = inverseCount(m, mo + b * seq, seq);
                    for (int t = 0; t < seq; t++) {
                        float w = m[mo + b * seq + t] * inv;
                        if (w == 0f) {
                            continue;
                        }
                        int id = tok[tko + b * seq + t];
                        int h = slot(table, id, tableSize);
                        boolean fresh = table[h] == -1;
                        if (fresh) {
                            table[h] = id;
                            slotOf[h] = slots++;
                        }
                        int k = slotOf[h];
                        if (acc == null) {
                            weight[k] = fresh ? w : weight[k] + w;
                        } else {
                            int dst = k * d;
                            int src = go + b * d;
                            if (fresh) {
                                for (int j = 0; j < d; j++) {
                                    acc[dst + j] = w * g[src + j];
                                }
                            } else {
                                ROWS.addScaled(acc, dst, g, src, d, w, 1f);
                            }
                        }
                    }
                }
                double sq;
                if (acc == null) {
                    double c = 0;
                    for (int k = 0; k < slots; k++) {
                        c += weight[k] * weight[k];
                    }
                    sq = c * CpuElementwise.sumSquares(g, go + u * d, d);
                } else {
                    sq = CpuElementwise.sumSquares(acc, 0, slots * d);
                }
                out[oo + u] += (float) sq;
                for (int b = u * rowsPerUnit; b < (u + 1) * rowsPerUnit; b++) { // clear only what this unit used
                    for (int t = 0; t < seq; t++) {
                        clear(table, tok[tko + b * seq + t], tableSize);
                    }
                }
            }
        });
    }

    /** The slot of {@code id} in an open-addressing table: where it is, or the free one where it goes. */
    private static int slot(int[] table, int id, int tableSize) {
        int h = home(id, tableSize);
        while (table[h] != -1 && table[h] != id) {
            h = (h + 1) & (tableSize - 1);
        }
        return h;
    }

    /** Empties the run of used slots from {@code id}'s home slot on (which holds {@code id} if it is in). */
    private static void clear(int[] table, int id, int tableSize) {
        for (int h = home(id, tableSize); table[h] != -1; h = (h + 1) & (tableSize - 1)) {
            table[h] = -1;
        }
    }

    private static int home(int id, int tableSize) {
        return (id * 0x9E3779B9) >>> 1 & (tableSize - 1);
    }

    /** {@code 1 / max(1, sum_t m[t])}, summed in order as {@link CpuPooling#maskedMeanPoolBackward}. */
    private static float inverseCount(float[] m, int mo, int seq) {
        float count = 0f;
        for (int t = 0; t < seq; t++) {
            count += m[mo + t];
        }
        return 1f / Math.max(1f, count);
    }

    private static int checkId(int id, int position, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " at position " + position
                    + " is outside the vocabulary [0, " + vocab + ")");
        }
        return id;
    }
}
