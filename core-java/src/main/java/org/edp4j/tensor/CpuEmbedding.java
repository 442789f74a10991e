package org.edp4j.tensor;

/**
 * The CPU's embedding kernels on arrays with offsets: the lookup, the clipped sum (scatter-add
 * with per-sample factors) and the per-sample squared norm (ghost norm with the token-equality
 * mask). A table is {@code [vocab, d]} row-major; token ids are checked where they are read.
 */
final class CpuEmbedding {
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
            int dst = gro + tok[tko + r] * d;
            int src = go + r * d;
            for (int j = 0; j < d; j++) {
                grad[dst + j] += f * g[src + j];
            }
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
                    int h = (id * 0x9E3779B9) >>> 1 & (tableSize - 1);
                    while (table[h] != -1 && table[h] != id) {
                        h = (h + 1) & (tableSize - 1);
                    }
                    int src = go + (b * seq + t) * d;
                    if (table[h] == -1) {
                        table[h] = id;
                        slotOf[h] = slots;
                        System.arraycopy(g, src, acc, slots * d, d);
                        slots++;
                    } else {
                        int dst = slotOf[h] * d;
                        for (int j = 0; j < d; j++) {
                            acc[dst + j] += g[src + j];
                        }
                    }
                }
                out[oo + b] += (float) CpuElementwise.sumSquares(acc, 0, slots * d);
                for (int t = 0; t < seq; t++) { // clear only what this sample used
                    int id = tok[tko + b * seq + t];
                    int h = (id * 0x9E3779B9) >>> 1 & (tableSize - 1);
                    while (table[h] != -1) {
                        table[h] = -1;
                        h = (h + 1) & (tableSize - 1);
                    }
                }
            }
        });
    }

    private static int checkId(int id, int position, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " at position " + position
                    + " is outside the vocabulary [0, " + vocab + ")");
        }
        return id;
    }
}
