package org.edp4j.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link GemmKernel} written with Java's Vector API ({@code jdk.incubator.vector}), loaded by
 * {@link Vectorization} only when that module is readable.
 *
 * <p>GotoBLAS/BLIS blocking: for every block of {@value #KC} active terms of the shared dimension
 * and {@value #NC} columns of C, the block of op(B) is packed into panels of {@code NR = 2 x lanes}
 * columns ({@code KC x NR} floats each, zero-padded, transposed while packing for NT and TT), each
 * term's values multiplied by its factor {@code alpha * scale_p}; for every block of {@value #MC} rows
 * of the thread's range, the block of op(A) is packed into panels of {@value #MR} rows, except where a
 * k-block's active terms are one run ({@link #oneRun}): A stored {@code [k, m]} is then read in place
 * (see {@link #tile}), and so is a small A stored {@code [m, k]} next to a C two or four panels wide,
 * 4 rows at a time ({@link #rowsInPlace}). The micro-kernel then keeps
 * an {@code MR x NR} tile of C in 16 vector registers (with 512-bit vectors, 8 x 32 floats) and, for
 * every term, loads two B vectors, broadcasts each of the 8 A values and does 16 fused
 * multiply-adds. A tile that sticks out of C (the last rows or columns) runs on a zero-padded copy.
 *
 * <p>Measured on the 2-core AMD EPYC (AVX-512) build VM with a throwaway harness, interleaved with
 * OpenBLAS: 8 x 2 and 8 x 3 vectors ran best; 4 x 4, 6 x 2 and 4 x 3 were 10-30 % slower at some of
 * the workloads' shapes. 8 x 2 also divides every width of the benchmark models (multiples of 32),
 * so no tile of theirs needs the padded copy.
 *
 * <p>Arithmetic: each accumulator starts from the C value and receives {@code fma(a, s b, c)} once per
 * active term in increasing order ({@code s b} the packed, rounded product), the same as
 * {@link ScalarGemm}: the two kernels agree bit for bit.
 *
 * <p>Every method here is kept small enough for C2 to inline all Vector API calls (the JDK 17 Vector
 * API boxes every vector of a method it could not fully inline, which costs 10-100x).
 */
public final class VectorGemm implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the register tile. */
    private static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    private static final int NR = 2 * L;
    /** Active terms per k-block: a B panel of KC x NR floats stays in L1. */
    private static final int KC = 256;
    /** Rows per A block: MC x KC floats stay in L2. */
    private static final int MC = 192;
    /** Columns per B block: KC x NC floats stay in L2. */
    private static final int NC = 512;
    /** Rows of the tile of {@link #kernelRows}, which reads A's rows in place. */
    private static final int RR = 4;
    /** At most this many floats of A for {@link #rowsInPlace} (they stay in L2 across the column tiles). */
    private static final long ROWS_IN_PLACE_MAX = 1L << 16;
    /** The lanes from MR on (used when a vector holds two terms' MR values: {@link #packTermPairs}). */
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, (-1L << MR) & ((1L << L) - 1));

    /** Per-thread packing buffers. */
    private static final class Scratch {
        final int[] p = new int[KC];
        final float[] s = new float[KC];
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * ((NC + NR - 1) / NR * NR)];
        final float[] tile = new float[MR * NR];
        private float[] gram = new float[0];

        float[] gram(int size) {
            if (gram.length < size) {
                gram = new float[size];
            }
            return gram;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Public for {@link Vectorization#pick}. */
    public VectorGemm() {
    }

    @Override
    public int rowBlock() {
        return MR;
    }

    @Override
    public int columnBlock() {
        return NR;
    }

    @Override
    public long minMultiplyAddsPerThread() {
        return 1L << 20;
    }

    @Override
    public void tile(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                     float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
                     float[] scale, int so, int rowsPerScale) {
        Scratch w = SCRATCH.get();
        int kc = even(k, KC, 1);
        int ncMax = even(j1 - j0, NC, NR);
        int mcMax = even(i1 - i0, MC, MR);
        for (int p0 = 0; p0 < k; p0 += kc) {
            int kk = CpuGemm.activeTerms(p0, Math.min(k, p0 + kc), alpha, scale, so, rowsPerScale, w.p, w.s);
            if (kk == 0) {
                continue;
            }
            // The factors go into B's panels, so when the block's active terms are one run (oneRun), A needs
            // no packing. A stored [k, m] (TN) already holds a term's MR values side by side, the next term's
            // lda floats on: the kernel reads it in place, one pointer step of lda per term. Packing cost more
            // than it saved at every shape measured (interleaved: attention's 128x128x64 1.27x, the heads'
            // 512x256x10 1.75x, 256x8192x768 1.12x, 784x256x512 1.0x faster in place). Row ranges that are
            // whole panels only: an edge panel needs padding. A stored [m, k], small, next to a narrow C:
            // kernelRows.
            boolean run = oneRun(kk, w);
            boolean inPlace = run && transA && (i1 - i0) % MR == 0;
            boolean rows = run && rowsInPlace(transA, i1 - i0, j1 - j0, k);
            boolean unit = CpuGemm.unitFactors(kk, w.s);
            for (int jc = j0; jc < j1; jc += ncMax) {
                int nc = Math.min(ncMax, j1 - jc);
                packB(transB, b, bo, ldb, jc, nc, kk, unit, w);
                if (rows) {
                    // the active terms one run: A's row i holds them side by side from ps[0]
                    for (int jp = 0; jp < nc; jp += 2 * NR) {
                        for (int i = i0; i < i1; i += RR) {
                            kernelRows(kk, a, ao + i * lda + w.p[0], lda, w.b, jp * kk, (jp + NR) * kk, c,
                                    co + i * ldc + jc + jp, ldc);
                        }
                    }
                    continue;
                }
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    if (inPlace) {
                        block(kk, a, ao + w.p[0] * lda + ic, 1, lda, ic, mc, jc, nc, c, co, ldc, false, w);
                    } else {
                        packA(transA, a, ao, lda, ic, mc, kk, w);
                        block(kk, w.a, 0, kk, MR, ic, mc, jc, nc, c, co, ldc, false, w);
                    }
                }
            }
        }
    }

    /**
     * Whether {@link #tile} may read A's rows in place with {@link #kernelRows}: A stored {@code [m, k]},
     * whole 4-row tiles, C one or two pairs of B panels wide and A small enough to stay in L2 across
     * them; each k-block then also needs {@link #oneRun}. Attention's products ({@code P V},
     * {@code dO V^T}, {@code dS K}: 128 x 64 x 128, 128 x 128 x 64), where packing A was a third of the
     * product's time and served only two or four panels (2026-12-01, one thread, 128 x 64 x 128: packing
     * 5.3 us + kernel 9.9 us against 11.4 us in place; 128 x 128 x 64: 2.9 + 10.6 against 11.6).
     */
    private static boolean rowsInPlace(boolean transA, int rows, int width, int k) {
        return !transA && rows % RR == 0 && width % (2 * NR) == 0 && width <= 4 * NR
                && (long) rows * k <= ROWS_IN_PLACE_MAX;
    }

    /**
     * Whether the k-block's kk active terms are consecutive: A's values (which carry no factor) may
     * then be read in place. Attention's keys as a scale (1 attended, 0 masked) give one run when the
     * padding is at either end; the clipped sums' per-sample factors when no sample of the block has
     * factor 0.
     */
    private static boolean oneRun(int kk, Scratch w) {
        return w.p[kk - 1] - w.p[0] == kk - 1;
    }

    /**
     * The block size for a dimension of {@code total}: as many blocks as {@code max} needs, made as
     * even as possible and rounded up to a multiple of {@code unit} (k = 784 gives 4 k-blocks of 196
     * rather than 3 of 256 and one of 16, whose C tiles would be loaded and stored for 16 terms).
     */
    private static int even(int total, int max, int unit) {
        int blocks = Math.max(1, (total + max - 1) / max);
        int size = (total + blocks - 1) / blocks;
        return Math.min(max, (size + unit - 1) / unit * unit);
    }

    /**
     * Every tile of the A block (rows {@code [ic, ic + mc)}) times the packed B block (columns
     * {@code [j0, j0 + nc)}), C at {@code c[co + i ldc + j]}; with {@code lower}, only tiles holding
     * some column {@code j < i + MR} (the Gram matrix's lower part). A's value for block row r,
     * term q is {@code ap[a0 + r rowStep + q termStep]} (the packed block: rowStep kk, termStep MR).
     */
    private static void block(int kk, float[] ap, int a0, int rowStep, int termStep, int ic, int mc, int j0, int nc,
                              float[] c, int co, int ldc, boolean lower, Scratch w) {
        for (int jp = 0; jp < nc; jp += NR) {
            int cols = Math.min(NR, nc - jp);
            int j = j0 + jp;
            for (int ip = 0; ip < mc; ip += MR) {
                int i = ic + ip;
                if (lower && j >= i + MR) {
                    continue;
                }
                int rows = Math.min(MR, mc - ip);
                if (rows == MR && cols == NR) {
                    kernel(kk, ap, a0 + ip * rowStep, termStep, w.b, jp * kk, c, co + i * ldc + j, ldc);
                } else {
                    edgeTile(kk, ap, a0 + ip * rowStep, termStep, jp, rows, cols, c, co + i * ldc + j, ldc, w);
                }
            }
        }
    }

    /** A tile that sticks out of C: run on a zero-padded copy, copy the valid part back. */
    private static void edgeTile(int kk, float[] ap, int ao, int termStep, int jp, int rows, int cols, float[] c,
                                 int co, int ldc, Scratch w) {
        float[] t = w.tile;
        // at most one vector of columns (the head of a 10-class classifier, say): the one-vector kernel
        int width = cols <= L ? L : NR;
        Arrays.fill(t, 0, MR * width, 0f);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, co + r * ldc, t, r * width, cols);
        }
        if (width == L) {
            kernelNarrow(kk, ap, ao, termStep, w.b, jp * kk, t, 0, L);
        } else {
            kernel(kk, ap, ao, termStep, w.b, jp * kk, t, 0, NR);
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(t, r * width, c, co + r * ldc, cols);
        }
    }

    /**
     * {@link #kernel} on one vector of columns: the MR x L tile at {@code c[co + r ldc + j]} += the A
     * panel (as there) times L columns of the packed B panel from {@code bp[bo]} (term stride NR).
     */
    private static void kernelNarrow(int kk, float[] ap, int ao, int termStep, float[] bp, int bo, float[] c, int co,
                                     int ldc) {
        FloatVector c0 = FloatVector.fromArray(S, c, co);
        FloatVector c1 = FloatVector.fromArray(S, c, co + ldc);
        FloatVector c2 = FloatVector.fromArray(S, c, co + 2 * ldc);
        FloatVector c3 = FloatVector.fromArray(S, c, co + 3 * ldc);
        FloatVector c4 = FloatVector.fromArray(S, c, co + 4 * ldc);
        FloatVector c5 = FloatVector.fromArray(S, c, co + 5 * ldc);
        FloatVector c6 = FloatVector.fromArray(S, c, co + 6 * ldc);
        FloatVector c7 = FloatVector.fromArray(S, c, co + 7 * ldc);
        int a = ao;
        int b = bo;
        for (int q = 0; q < kk; q++, a += termStep, b += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            c0 = b0.fma(FloatVector.broadcast(S, ap[a]), c0);
            c1 = b0.fma(FloatVector.broadcast(S, ap[a + 1]), c1);
            c2 = b0.fma(FloatVector.broadcast(S, ap[a + 2]), c2);
            c3 = b0.fma(FloatVector.broadcast(S, ap[a + 3]), c3);
            c4 = b0.fma(FloatVector.broadcast(S, ap[a + 4]), c4);
            c5 = b0.fma(FloatVector.broadcast(S, ap[a + 5]), c5);
            c6 = b0.fma(FloatVector.broadcast(S, ap[a + 6]), c6);
            c7 = b0.fma(FloatVector.broadcast(S, ap[a + 7]), c7);
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }

    /**
     * Packs {@code s_q op(B)[p_q, j0 + (0, nc)]} for the active terms (s_q their factors, left out when
     * {@code unit}: all 1) into panels of NR columns: panel {@code jp / NR} at {@code w.b[jp * kk ..]},
     * term q's NR floats at {@code + q * NR}, zero past column nc. B's rows (terms, or columns of op(B)
     * when transposed) are {@code ldb} floats apart.
     */
    private static void packB(boolean transB, float[] b, int bo, int ldb, int j0, int nc, int kk, boolean unit,
                              Scratch w) {
        float[] bp = w.b;
        int[] ps = w.p;
        float[] ss = w.s;
        for (int jp = 0; jp < nc; jp += NR) {
            int cols = Math.min(NR, nc - jp);
            int base = jp * kk;
            if (cols < NR) {
                // the last panel's padding: one fill of the panel, then its columns (rather than a fill of
                // up to NR - 1 floats per term)
                Arrays.fill(bp, base, base + kk * NR, 0f);
            }
            if (!transB && cols == NR) {
                // two vector moves per term (System.arraycopy of 32 floats cost as much as 10 % of the GEMM)
                // (two loops rather than a branch per term: no vector value merged across branches)
                int src = bo + j0 + jp;
                if (unit) {
                    for (int q = 0; q < kk; q++) {
                        int from = src + ps[q] * ldb;
                        int to = base + q * NR;
                        FloatVector.fromArray(S, b, from).intoArray(bp, to);
                        FloatVector.fromArray(S, b, from + L).intoArray(bp, to + L);
                    }
                } else {
                    for (int q = 0; q < kk; q++) {
                        int from = src + ps[q] * ldb;
                        int to = base + q * NR;
                        FloatVector.fromArray(S, b, from).mul(ss[q]).intoArray(bp, to);
                        FloatVector.fromArray(S, b, from + L).mul(ss[q]).intoArray(bp, to + L);
                    }
                }
            } else if (!transB) {
                for (int q = 0; q < kk; q++) {
                    int from = bo + ps[q] * ldb + j0 + jp;
                    int to = base + q * NR;
                    float s = ss[q];
                    for (int x = 0; x < cols; x++) {
                        bp[to + x] = b[from + x] * s;
                    }
                }
            } else if (oneRun(kk, w)) {
                // B stored [n, k], the active terms contiguous: plain indices, whose range checks C2 lifts
                // out of the loop (the indirect ones below cost a check per value)
                for (int x = 0; x < cols; x++) {
                    int src = bo + (j0 + jp + x) * ldb + ps[0];
                    if (unit) {
                        for (int q = 0, dst = base + x; q < kk; q++, dst += NR) {
                            bp[dst] = b[src + q];
                        }
                    } else {
                        for (int q = 0, dst = base + x; q < kk; q++, dst += NR) {
                            bp[dst] = b[src + q] * ss[q];
                        }
                    }
                }
            } else {
                // B stored [n, k]: row j of storage holds column j of op(B).
                for (int x = 0; x < cols; x++) {
                    int src = bo + (j0 + jp + x) * ldb;
                    for (int q = 0; q < kk; q++) {
                        bp[base + q * NR + x] = b[src + ps[q]] * ss[q];
                    }
                }
            }
        }
    }

    /**
     * Packs {@code op(A)[ic + r, p_q]} (the factors are in B's panels) into panels of MR rows: panel
     * {@code ip / MR} at {@code w.a[ip * kk ..]}, term q's MR values at {@code + q * MR}, zero past row
     * mc. A's rows are {@code lda} floats apart (rows of the shared dimension when transposed).
     */
    private static void packA(boolean transA, float[] a, int ao, int lda, int ic, int mc, int kk, Scratch w) {
        float[] ap = w.a;
        int[] ps = w.p;
        for (int ip = 0; ip < mc; ip += MR) {
            int rows = Math.min(MR, mc - ip);
            int base = ip * kk;
            if (transA) {
                // A stored [k, m]: the MR values of a term are contiguous
                int q = rows == MR && L == 2 * MR ? packTermPairs(a, ao + ic + ip, lda, kk, ps, ap, base) : 0;
                for (; q < kk; q++) {
                    int src = ao + ps[q] * lda + ic + ip;
                    int dst = base + q * MR;
                    for (int r = 0; r < rows; r++) {
                        ap[dst + r] = a[src + r];
                    }
                }
            } else if (rows == MR) {
                // eight rows of A read side by side, the panel written in order
                int s0 = ao + (ic + ip) * lda;
                if (oneRun(kk, w)) {
                    // the active terms contiguous: plain indices (range checks lifted, as in packB)
                    packRows(a, s0 + ps[0], lda, kk, ap, base);
                    continue;
                }
                int s1 = s0 + lda;
                int s2 = s1 + lda;
                int s3 = s2 + lda;
                int s4 = s3 + lda;
                int s5 = s4 + lda;
                int s6 = s5 + lda;
                int s7 = s6 + lda;
                for (int q = 0, dst = base; q < kk; q++, dst += MR) {
                    int p = ps[q];
                    ap[dst] = a[s0 + p];
                    ap[dst + 1] = a[s1 + p];
                    ap[dst + 2] = a[s2 + p];
                    ap[dst + 3] = a[s3 + p];
                    ap[dst + 4] = a[s4 + p];
                    ap[dst + 5] = a[s5 + p];
                    ap[dst + 6] = a[s6 + p];
                    ap[dst + 7] = a[s7 + p];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = ao + (ic + ip + r) * lda;
                    for (int q = 0; q < kk; q++) {
                        ap[base + q * MR + r] = a[src + ps[q]];
                    }
                }
            }
            if (rows < MR) {
                for (int q = 0; q < kk; q++) {
                    Arrays.fill(ap, base + q * MR + rows, base + (q + 1) * MR, 0f);
                }
            }
        }
    }

    /**
     * Eight rows of A from {@code a[s0 ..]} (row stride lda), terms {@code 0 .. kk - 1} at consecutive
     * columns, into the panel at {@code ap[base ..]}: {@link #packA}'s loop with plain indices.
     */
    private static void packRows(float[] a, int s0, int lda, int kk, float[] ap, int base) {
        int s1 = s0 + lda;
        int s2 = s1 + lda;
        int s3 = s2 + lda;
        int s4 = s3 + lda;
        int s5 = s4 + lda;
        int s6 = s5 + lda;
        int s7 = s6 + lda;
        for (int q = 0, dst = base; q < kk; q++, dst += MR) {
            ap[dst] = a[s0 + q];
            ap[dst + 1] = a[s1 + q];
            ap[dst + 2] = a[s2 + q];
            ap[dst + 3] = a[s3 + q];
            ap[dst + 4] = a[s4 + q];
            ap[dst + 5] = a[s5 + q];
            ap[dst + 6] = a[s6 + q];
            ap[dst + 7] = a[s7 + q];
        }
    }

    /**
     * The transposed-A panel two terms per vector when a vector holds 2 MR floats: term q's MR values
     * (row {@code ps[q]} of A from column {@code col}) in the low half, term q + 1's in the high half
     * (its row read from MR columns earlier), stored as the panel's next 2 MR floats; rows of A lda
     * floats apart. Returns the first term not packed (pairs whose reads would leave the array are left
     * to the caller's loop).
     */
    private static int packTermPairs(float[] a, int col, int lda, int kk, int[] ps, float[] ap, int base) {
        int q = 0;
        for (; q + 1 < kk; q += 2) {
            int src0 = col + ps[q] * lda;
            int src1 = col + ps[q + 1] * lda - MR;
            if (src0 + L > a.length || src1 < 0) {
                break;
            }
            FloatVector.fromArray(S, a, src0).blend(FloatVector.fromArray(S, a, src1), HIGH)
                    .intoArray(ap, base + q * MR);
        }
        return q;
    }

    /**
     * The micro-kernel on A's rows in place: the RR x 2 NR tile of C at {@code c[co + r ldc + j]}
     * += A's rows {@code a[ao + r lda + q]} (r &lt; 4, term q &lt; kk) times the packed B panels at
     * {@code bp[b0 ..]} (columns 0 .. NR - 1) and {@code bp[b1 ..]} (the next NR), one fused
     * multiply-add per term in increasing order, as {@link #kernel}. Four rows of four vectors
     * (16 accumulators, as {@link #kernel}): an eight-row variant reading P in place for {@code P V}
     * was slower than packing (2026-11-30, 19.0 against 16.8 us).
     */
    private static void kernelRows(int kk, float[] a, int ao, int lda, float[] bp, int b0, int b1, float[] c, int co,
                                   int ldc) {
        int a1 = ao + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int r1 = co + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, co);
        FloatVector c01 = FloatVector.fromArray(S, c, co + L);
        FloatVector c02 = FloatVector.fromArray(S, c, co + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, c, co + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, r1);
        FloatVector c11 = FloatVector.fromArray(S, c, r1 + L);
        FloatVector c12 = FloatVector.fromArray(S, c, r1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, c, r1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, r2);
        FloatVector c21 = FloatVector.fromArray(S, c, r2 + L);
        FloatVector c22 = FloatVector.fromArray(S, c, r2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, c, r2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, r3);
        FloatVector c31 = FloatVector.fromArray(S, c, r3 + L);
        FloatVector c32 = FloatVector.fromArray(S, c, r3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, c, r3 + 3 * L);
        int p = b0;
        int s = b1;
        for (int q = 0; q < kk; q++, p += NR, s += NR) {
            FloatVector v0 = FloatVector.fromArray(S, bp, p);
            FloatVector v1 = FloatVector.fromArray(S, bp, p + L);
            FloatVector v2 = FloatVector.fromArray(S, bp, s);
            FloatVector v3 = FloatVector.fromArray(S, bp, s + L);
            FloatVector x = FloatVector.broadcast(S, a[ao + q]);
            c00 = v0.fma(x, c00);
            c01 = v1.fma(x, c01);
            c02 = v2.fma(x, c02);
            c03 = v3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + q]);
            c10 = v0.fma(x, c10);
            c11 = v1.fma(x, c11);
            c12 = v2.fma(x, c12);
            c13 = v3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + q]);
            c20 = v0.fma(x, c20);
            c21 = v1.fma(x, c21);
            c22 = v2.fma(x, c22);
            c23 = v3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + q]);
            c30 = v0.fma(x, c30);
            c31 = v1.fma(x, c31);
            c32 = v2.fma(x, c32);
            c33 = v3.fma(x, c33);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
        c03.intoArray(c, co + 3 * L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c12.intoArray(c, r1 + 2 * L);
        c13.intoArray(c, r1 + 3 * L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c22.intoArray(c, r2 + 2 * L);
        c23.intoArray(c, r2 + 3 * L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c32.intoArray(c, r3 + 2 * L);
        c33.intoArray(c, r3 + 3 * L);
    }

    /**
     * The micro-kernel: the MR x NR tile of C at {@code c[co + r ldc + j]} (r &lt; 8, j &lt; 2 lanes)
     * += the A panel at {@code ap[ao ..]} (row r, term q at {@code ao + r + q termStep}: packed, termStep
     * MR; in place, lda) times the packed B panel at {@code bp[bo ..]} (kk x NR), one fused
     * multiply-add per term.
     */
    private static void kernel(int kk, float[] ap, int ao, int termStep, float[] bp, int bo, float[] c, int co,
                               int ldc) {
        int r1 = co + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        int r6 = r5 + ldc;
        int r7 = r6 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, co);
        FloatVector c01 = FloatVector.fromArray(S, c, co + L);
        FloatVector c10 = FloatVector.fromArray(S, c, r1);
        FloatVector c11 = FloatVector.fromArray(S, c, r1 + L);
        FloatVector c20 = FloatVector.fromArray(S, c, r2);
        FloatVector c21 = FloatVector.fromArray(S, c, r2 + L);
        FloatVector c30 = FloatVector.fromArray(S, c, r3);
        FloatVector c31 = FloatVector.fromArray(S, c, r3 + L);
        FloatVector c40 = FloatVector.fromArray(S, c, r4);
        FloatVector c41 = FloatVector.fromArray(S, c, r4 + L);
        FloatVector c50 = FloatVector.fromArray(S, c, r5);
        FloatVector c51 = FloatVector.fromArray(S, c, r5 + L);
        FloatVector c60 = FloatVector.fromArray(S, c, r6);
        FloatVector c61 = FloatVector.fromArray(S, c, r6 + L);
        FloatVector c70 = FloatVector.fromArray(S, c, r7);
        FloatVector c71 = FloatVector.fromArray(S, c, r7 + L);
        int a = ao;
        int b = bo;
        for (int q = 0; q < kk; q++, a += termStep, b += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, ap[a]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, ap[a + 6]);
            c60 = b0.fma(x, c60);
            c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, ap[a + 7]);
            c70 = b0.fma(x, c70);
            c71 = b1.fma(x, c71);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + L);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + L);
    }

    /**
     * The Gram matrix's tiles that hold a column {@code j < i + MR}, into a flat scratch, then rows
     * copied out up to column {@code i - i % 4 + 4} (the contract of {@link CpuGemm#gramLower}). Up to
     * NC rows (a sequence of the ghost norms), X is packed once per k-block, as B, and the kernel reads
     * its A side from those panels: packing A as well took a sixth of the time (without it the ghost
     * norms ran 1.17-1.22x faster at the encoder's shapes, `NormsBeforeAfter`, 9 rounds); the scratch
     * then has room for whole tiles ({@link #gramTiles}).
     */
    @Override
    public void gramLower(float[] x, int xo, int n, int k, float[][] c) {
        Scratch w = SCRATCH.get();
        // n <= NC: one column block, whole tiles written in place; else the general blocking (T > 512)
        int ld = n <= NC ? (n + NR - 1) / NR * NR : n;
        int rows = n <= NC ? (n + MR - 1) / MR * MR : n;
        float[] g = w.gram(rows * ld);
        Arrays.fill(g, 0, rows * ld, 0f);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kk = CpuGemm.activeTerms(p0, Math.min(k, p0 + KC), 1f, null, 0, 1, w.p, w.s);
            if (n <= NC) {
                // its panels hold every row of X (zero-padded past n), and the A side of the product is X
                // too, so the kernel reads a row panel's values out of the B panel that holds those rows
                // (row i at its panel's offset i % NR, term stride NR) instead of packing A
                packB(true, x, xo, k, 0, n, kk, true, w);
                gramTiles(kk, n, g, ld, w);
                continue;
            }
            for (int j0 = 0; j0 < n; j0 += NC) {
                int nc = Math.min(NC, n - j0);
                packB(true, x, xo, k, j0, nc, kk, true, w);
                for (int ic = (j0 / MC) * MC; ic < n; ic += MC) {
                    int mc = Math.min(MC, n - ic);
                    packA(false, x, xo, k, ic, mc, kk, w);
                    block(kk, w.a, 0, kk, MR, ic, mc, j0, nc, g, 0, n, true, w);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(g, i * ld, c[i], 0, Math.min(n, (i & -4) + 4));
        }
    }

    /**
     * One k-block of the lower Gram matrix of n &lt;= NC rows, X packed as B (every row in the panels,
     * zero past n), into g (leading dimension ld, a multiple of NR; rows to a multiple of MR), every
     * MR x NR tile holding a column {@code j < min(n, i + MR)} written in place; of a tile whose last L
     * columns are all past that, only its first L (the one-vector kernel). Padding rows and columns
     * receive zeros (the panels' padding). Lower, not upper: a short last panel of columns (a sequence
     * of 97 rows has one of a single column) meets only the last rows, where in the upper part it met
     * every row (the one-vector kernel there cost about as much as a full tile: 97 rows took 1.5-1.6x
     * the time of 96, one thread, depth 256).
     */
    private static void gramTiles(int kk, int n, float[] g, int ld, Scratch w) {
        float[] bp = w.b;
        // a block of NR rows (one A panel) against the column panels, the order block() runs
        for (int ic = 0; ic < n; ic += NR) {
            int iEnd = Math.min(n, ic + NR);
            for (int jp = 0; jp < iEnd; jp += NR) {
                for (int i = ic; i < iEnd; i += MR) {
                    if (jp >= i + MR) {
                        continue;
                    }
                    // A's rows i .. i + 7 from the panel holding them (offset i - ic); B's from panel jp / NR
                    int a0 = ic * kk + (i - ic);
                    if (jp + L < Math.min(n, i + MR)) {
                        kernel(kk, bp, a0, NR, bp, jp * kk, g, i * ld + jp, ld);
                    } else {
                        kernelNarrow(kk, bp, a0, NR, bp, jp * kk, g, i * ld + jp, ld);
                    }
                }
            }
        }
    }
}
