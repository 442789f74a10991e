package org.edp4j.dp.noise;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2L;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.SQRT;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link NoiseKernel} written with Java's Vector API ({@code jdk.incubator.vector}), loaded only
 * when that module is readable ({@code org.edp4j.tensor.Vectorization}). Same values as
 * {@link ScalarNoiseKernel}, bit for bit.
 *
 * <p>A group is one block per int lane of the preferred vector ({@code G} = 16 blocks, 128 normals,
 * with 512-bit vectors), in four steps, each its own method so that C2 can inline every Vector API
 * call in it (JDK 17's Vector API boxes every vector of a method it could not fully inline):
 * <ol>
 *   <li>{@link #chacha}: ChaCha20 on G blocks at once, block b in lane b, state word w in vector w
 *       (RFC 8439's quarter rounds on whole vectors), stored word-major.</li>
 *   <li>{@link #logStage}: the uniforms {@code u1} of the 4 pairs of every block (the exact
 *       {@code ((x >>> 12) + 0.5) 2^-52}, built from the bits) and {@code r = sqrt(-2 log u1)} with
 *       fdlibm's {@code log} (e_log.c), lane-wise: its branches become blends of both sides.</li>
 *   <li>{@link #cosSinStage}: {@code u2}, {@code t = 2 pi u2}, fdlibm's {@code cos} and {@code sin}
 *       with one argument reduction (e_rem_pio2.c's first step, k_cos.c, k_sin.c), the quadrant
 *       applied by swapping and sign flips, then {@code stddev * (r cos t)} and
 *       {@code stddev * (r sin t)} in double.</li>
 *   <li>The normals are rounded to float and written out in element order (block-major), a
 *       transposition done with scalar moves (a gather of the float-rounded rows was no faster).</li>
 * </ol>
 * The rare lanes where fdlibm takes a branch not vectorized here (e_log.c's {@code |f| < 2^-20},
 * i.e. u1 within about 2^-20 of 1 or of a power of two; e_rem_pio2.c's second and third reduction
 * steps for t near a multiple of pi/2, flagged as {@code |t - n pi/2| < 2^-17}, which also covers
 * k_sin/k_cos's {@code |x| < 2^-27}) are detected per vector and their blocks recomputed with the
 * scalar {@link FdLibm} code, about one vector in 10^4.
 *
 * <p>All arithmetic is IEEE binary64 add, subtract, multiply, divide and square root, without
 * fused multiply-adds, in fdlibm's order: the same roundings as {@link StrictMath}.
 *
 * <p>Only the preferred vector shape is used, for every element type (and no float vectors at all):
 * with JDK 17, a second shape of the same element type anywhere in the JVM (say 256-bit float
 * vectors next to the GEMM's 512-bit ones) makes C2's type profiles inside the Vector API
 * bimorphic, its intrinsics then fail and every vector is boxed, 10-50x slower.
 */
public final class VectorNoiseKernel implements NoiseKernel {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Blocks per group: one per int lane. */
    private static final int G = I.length();
    /** Blocks per half group: one per long / double lane. */
    private static final int H = D.length();
    /** Vectors of (pair, half) per group: 4 pairs x 2 halves. */
    private static final int V = 8;
    /** 0, 1, ..., G - 1 (addIndex builds a shuffle, which JDK 17 checks in plain Java on every call). */
    private static final int[] IOTA = java.util.stream.IntStream.range(0, G).toArray();

    private static final int C0 = 0x61707865;
    private static final int C1 = 0x3320646e;
    private static final int C2 = 0x79622d32;
    private static final int C3 = 0x6b206574;

    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double LG1 = 6.666666666666735130e-01;
    private static final double LG2 = 3.999999999940941908e-01;
    private static final double LG3 = 2.857142874366239149e-01;
    private static final double LG4 = 2.222219843214978396e-01;
    private static final double LG5 = 1.818357216161805012e-01;
    private static final double LG6 = 1.531383769920937332e-01;
    private static final double LG7 = 1.479819860511658591e-01;
    private static final double S1 = -1.66666666666666324348e-01;
    private static final double S2 = 8.33333333332248946124e-03;
    private static final double S3 = -1.98412698298579493134e-04;
    private static final double S4 = 2.75573137070700676789e-06;
    private static final double S5 = -2.50507602534068634195e-08;
    private static final double S6 = 1.58969099521155010221e-10;
    private static final double CC1 = 4.16666666666666019037e-02;
    private static final double CC2 = -1.38888888888741095749e-03;
    private static final double CC3 = 2.48015872894767294178e-05;
    private static final double CC4 = -2.75573143513906633035e-07;
    private static final double CC5 = 2.08757232129817482790e-09;
    private static final double CC6 = -1.13596475577881948265e-11;
    private static final double INVPIO2 = 6.36619772367581382433e-01;
    private static final double PIO2_1 = 1.57079632673412561417e+00;
    private static final double PIO2_1T = 6.07710050650619224932e-11;
    /** 1.5 2^52: adding it to a small integer-valued double (or its bits to a small long) converts exactly. */
    private static final double MAGIC = 0x1.8p52;
    private static final long MAGIC_BITS = Double.doubleToRawLongBits(MAGIC);
    private static final long ONE_BITS = 0x3FF0000000000000L;

    /** Per-thread scratch of one group. */
    private static final class Scratch {
        /** Keystream, word-major: word w of block b at {@code w * G + b}. */
        final int[] words = new int[16 * G];
        /** r of pair i of block h H + b at {@code (h * 4 + i) * H + b}. */
        final double[] rad = new double[V * H];
        /**
         * The normals {@code stddev (r cos t)} of pair i, half h at {@code (h * 4 + i) * 2 H + b},
         * {@code stddev (r sin t)} at {@code + H}, in double: rounded to float while being written out.
         */
        final double[] z = new double[2 * V * H];
        final int[] block = new int[16];
        final double[] zd = new double[8];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Public for {@code Vectorization.pick}. */
    public VectorNoiseKernel() {
    }

    @Override
    public int blocksPerGroup() {
        return G;
    }

    @Override
    public void normals(int[] key, int counter0, int nonce0, int nonce1, int nonce2, int blocks, double stddev,
                        float[] dst, int off) {
        Scratch w = SCRATCH.get();
        int[] words = w.words;
        double[] z = w.z;
        for (int g = 0; g < blocks; g += G) {
            chacha(key, counter0 + g, nonce0, nonce1, nonce2, words);
            int special = logStage(words, w.rad) | cosSinStage(words, w.rad, stddev, z);
            int base = off + 8 * g;
            for (int h = 0; h < 2; h++) {
                for (int b = 0; b < H; b++) {
                    int o = base + 8 * (h * H + b);
                    int zb = h * 8 * H + b;
                    dst[o] = (float) z[zb];
                    dst[o + 1] = (float) z[zb + H];
                    dst[o + 2] = (float) z[zb + 2 * H];
                    dst[o + 3] = (float) z[zb + 3 * H];
                    dst[o + 4] = (float) z[zb + 4 * H];
                    dst[o + 5] = (float) z[zb + 5 * H];
                    dst[o + 6] = (float) z[zb + 6 * H];
                    dst[o + 7] = (float) z[zb + 7 * H];
                }
            }
            if (special != 0) {
                redo(special, words, stddev, dst, base, w);
            }
        }
    }

    /** The blocks of every flagged (pair, half) vector, recomputed by the scalar definition. */
    private static void redo(int special, int[] words, double stddev, float[] dst, int base, Scratch w) {
        for (int v = 0; v < V; v++) {
            if ((special & (1 << v)) == 0) {
                continue;
            }
            int h = v / 4;
            for (int b = h * H; b < (h + 1) * H; b++) {
                for (int x = 0; x < 16; x++) {
                    w.block[x] = words[x * G + b];
                }
                GaussianNoise.normals(w.block, w.zd);
                for (int p = 0; p < 8; p++) {
                    dst[base + 8 * b + p] = (float) (stddev * w.zd[p]);
                }
            }
        }
    }

    @Override
    public void uniforms(int[] key, int counter0, int nonce0, int nonce1, int nonce2, int blocks, double[] dst,
                         int off) {
        Scratch w = SCRATCH.get();
        int[] words = w.words;
        for (int g = 0; g < blocks; g += G) {
            chacha(key, counter0 + g, nonce0, nonce1, nonce2, words);
            for (int b = 0; b < G; b++) {
                int o = off + 8 * (g + b);
                for (int p = 0; p < 8; p++) {
                    long x = (words[2 * p * G + b] & 0xFFFFFFFFL) | ((long) words[(2 * p + 1) * G + b] << 32);
                    dst[o + p] = GaussianNoise.toUniform(x);
                }
            }
        }
    }

    /**
     * Runs the group code itself: the uniforms (which must lie on the stream's grid
     * {@code (m + 0.5) 2^-52}) are encoded back into keystream words, 4 G pairs at a time, and the
     * double results of the log and cos/sin stages read out (lanes the scalar code would redo are
     * redone here too).
     */
    @Override
    public void boxMuller(double[] u1, double[] u2, int n, double[] zc, double[] zs) {
        Scratch w = SCRATCH.get();
        int per = V * H;
        for (int j0 = 0; j0 < n; j0 += per) {
            int count = Math.min(per, n - j0);
            java.util.Arrays.fill(w.words, 0);
            for (int j = 0; j < per; j++) {
                int v = j / H;
                int b = (v / 4) * H + j % H;
                int pair = v % 4;
                encode(j < count ? u1[j0 + j] : 0x1p-53, 2 * pair, b, w.words);
                encode(j < count ? u2[j0 + j] : 0x1p-53, 2 * pair + 1, b, w.words);
            }
            int special = logStage(w.words, w.rad) | cosSinStage(w.words, w.rad, 1.0, w.z);
            for (int j = 0; j < count; j++) {
                int v = j / H;
                if ((special & (1 << v)) != 0) {
                    double[] cs = new double[2];
                    FdLibm.cosSin(GaussianNoise.TWO_PI * u2[j0 + j], cs, 0);
                    double r = StrictMath.sqrt(-2.0 * FdLibm.log(u1[j0 + j]));
                    zc[j0 + j] = r * cs[0];
                    zs[j0 + j] = r * cs[1];
                } else {
                    // r cos t and r sin t times stddev 1.0 (exact): vector v, lane j % H
                    zc[j0 + j] = w.z[2 * v * H + j % H];
                    zs[j0 + j] = w.z[(2 * v + 1) * H + j % H];
                }
            }
        }
    }

    /** Stores the 64-bit value whose uniform is {@code u} as words {@code 2k, 2k + 1} of block b. */
    private static void encode(double u, int k, int b, int[] words) {
        long m = (long) (u * 0x1p52 - 0.5);
        if ((m + 0.5) * 0x1p-52 != u) {
            throw new IllegalArgumentException("not on the uniform grid (m + 0.5) 2^-52: " + u);
        }
        long x = m << 12;
        words[2 * k * G + b] = (int) x;
        words[(2 * k + 1) * G + b] = (int) (x >>> 32);
    }

    // ------------------------------------------------------------------------------------------------
    // ChaCha20

    /** Blocks {@code counter0 .. counter0 + G - 1}, word w of block b at {@code out[w * G + b]}. */
    private static void chacha(int[] key, int counter0, int n0, int n1, int n2, int[] out) {
        IntVector ctr = IntVector.fromArray(I, IOTA, 0).add(counter0);
        IntVector x0 = IntVector.broadcast(I, C0);
        IntVector x1 = IntVector.broadcast(I, C1);
        IntVector x2 = IntVector.broadcast(I, C2);
        IntVector x3 = IntVector.broadcast(I, C3);
        IntVector x4 = IntVector.broadcast(I, key[0]);
        IntVector x5 = IntVector.broadcast(I, key[1]);
        IntVector x6 = IntVector.broadcast(I, key[2]);
        IntVector x7 = IntVector.broadcast(I, key[3]);
        IntVector x8 = IntVector.broadcast(I, key[4]);
        IntVector x9 = IntVector.broadcast(I, key[5]);
        IntVector x10 = IntVector.broadcast(I, key[6]);
        IntVector x11 = IntVector.broadcast(I, key[7]);
        IntVector x12 = ctr;
        IntVector x13 = IntVector.broadcast(I, n0);
        IntVector x14 = IntVector.broadcast(I, n1);
        IntVector x15 = IntVector.broadcast(I, n2);
        for (int r = 0; r < 10; r++) {
            // column rounds (0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15)
            x0 = x0.add(x4); x12 = x12.lanewise(XOR, x0).lanewise(ROL, 16);
            x8 = x8.add(x12); x4 = x4.lanewise(XOR, x8).lanewise(ROL, 12);
            x0 = x0.add(x4); x12 = x12.lanewise(XOR, x0).lanewise(ROL, 8);
            x8 = x8.add(x12); x4 = x4.lanewise(XOR, x8).lanewise(ROL, 7);
            x1 = x1.add(x5); x13 = x13.lanewise(XOR, x1).lanewise(ROL, 16);
            x9 = x9.add(x13); x5 = x5.lanewise(XOR, x9).lanewise(ROL, 12);
            x1 = x1.add(x5); x13 = x13.lanewise(XOR, x1).lanewise(ROL, 8);
            x9 = x9.add(x13); x5 = x5.lanewise(XOR, x9).lanewise(ROL, 7);
            x2 = x2.add(x6); x14 = x14.lanewise(XOR, x2).lanewise(ROL, 16);
            x10 = x10.add(x14); x6 = x6.lanewise(XOR, x10).lanewise(ROL, 12);
            x2 = x2.add(x6); x14 = x14.lanewise(XOR, x2).lanewise(ROL, 8);
            x10 = x10.add(x14); x6 = x6.lanewise(XOR, x10).lanewise(ROL, 7);
            x3 = x3.add(x7); x15 = x15.lanewise(XOR, x3).lanewise(ROL, 16);
            x11 = x11.add(x15); x7 = x7.lanewise(XOR, x11).lanewise(ROL, 12);
            x3 = x3.add(x7); x15 = x15.lanewise(XOR, x3).lanewise(ROL, 8);
            x11 = x11.add(x15); x7 = x7.lanewise(XOR, x11).lanewise(ROL, 7);
            // diagonal rounds (0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14)
            x0 = x0.add(x5); x15 = x15.lanewise(XOR, x0).lanewise(ROL, 16);
            x10 = x10.add(x15); x5 = x5.lanewise(XOR, x10).lanewise(ROL, 12);
            x0 = x0.add(x5); x15 = x15.lanewise(XOR, x0).lanewise(ROL, 8);
            x10 = x10.add(x15); x5 = x5.lanewise(XOR, x10).lanewise(ROL, 7);
            x1 = x1.add(x6); x12 = x12.lanewise(XOR, x1).lanewise(ROL, 16);
            x11 = x11.add(x12); x6 = x6.lanewise(XOR, x11).lanewise(ROL, 12);
            x1 = x1.add(x6); x12 = x12.lanewise(XOR, x1).lanewise(ROL, 8);
            x11 = x11.add(x12); x6 = x6.lanewise(XOR, x11).lanewise(ROL, 7);
            x2 = x2.add(x7); x13 = x13.lanewise(XOR, x2).lanewise(ROL, 16);
            x8 = x8.add(x13); x7 = x7.lanewise(XOR, x8).lanewise(ROL, 12);
            x2 = x2.add(x7); x13 = x13.lanewise(XOR, x2).lanewise(ROL, 8);
            x8 = x8.add(x13); x7 = x7.lanewise(XOR, x8).lanewise(ROL, 7);
            x3 = x3.add(x4); x14 = x14.lanewise(XOR, x3).lanewise(ROL, 16);
            x9 = x9.add(x14); x4 = x4.lanewise(XOR, x9).lanewise(ROL, 12);
            x3 = x3.add(x4); x14 = x14.lanewise(XOR, x3).lanewise(ROL, 8);
            x9 = x9.add(x14); x4 = x4.lanewise(XOR, x9).lanewise(ROL, 7);
        }
        x0.add(C0).intoArray(out, 0);
        x1.add(C1).intoArray(out, G);
        x2.add(C2).intoArray(out, 2 * G);
        x3.add(C3).intoArray(out, 3 * G);
        x4.add(key[0]).intoArray(out, 4 * G);
        x5.add(key[1]).intoArray(out, 5 * G);
        x6.add(key[2]).intoArray(out, 6 * G);
        x7.add(key[3]).intoArray(out, 7 * G);
        x8.add(key[4]).intoArray(out, 8 * G);
        x9.add(key[5]).intoArray(out, 9 * G);
        x10.add(key[6]).intoArray(out, 10 * G);
        x11.add(key[7]).intoArray(out, 11 * G);
        x12.add(ctr).intoArray(out, 12 * G);
        x13.add(n0).intoArray(out, 13 * G);
        x14.add(n1).intoArray(out, 14 * G);
        x15.add(n2).intoArray(out, 15 * G);
    }

    // ------------------------------------------------------------------------------------------------
    // log

    /**
     * {@code rad[v H + b] = sqrt(-2 log u1)} of pair {@code v % 4} of block {@code (v / 4) H + b},
     * fdlibm e_log.c for {@code 2^-53 <= u1 < 1} (normal, positive), lane-wise; returns a bit per
     * vector v that has a lane needing e_log.c's {@code |f| < 2^-20} branch (that lane's value here
     * is not fdlibm's).
     */
    private static int logStage(int[] words, double[] rad) {
        int special = 0;
        for (int v = 0; v < V; v++) {
            int o = v * H;
            // u1 = U(x_k), k = 2 (v % 4), as in the class comment; written out in each stage because one
            // more level of calls puts some Vector API intrinsics past C2's inlining depth (they then box).
            // Blocks [h H, h H + H) are part h of the int vector (convertShape part 1 slices it): loading
            // a vector that starts at them and converting part 0 instead was slower on JDK 17 (166-178M
            // against 212-228M normals/s, scripts in BENCHMARKS.md 2026-11-30 16:30).
            int k1 = 2 * (v % 4);
            IntVector lo1 = IntVector.fromArray(I, words, 2 * k1 * G);
            IntVector hi1 = IntVector.fromArray(I, words, (2 * k1 + 1) * G);
            LongVector x1 = ((LongVector) hi1.convertShape(I2L, L, v / 4)).lanewise(LSHL, 32)
                    .or(((LongVector) lo1.convertShape(I2L, L, v / 4)).and(0xFFFFFFFFL));
            LongVector bits = x1.lanewise(LSHR, 12).or(ONE_BITS).reinterpretAsDoubles().sub(1.0).add(0x1p-53)
                    .reinterpretAsLongs();
            LongVector hx = bits.lanewise(LSHR, 32);
            LongVector hxm = hx.and(0xfffffL);
            LongVector i = hxm.add(0x95f64L).and(0x100000L);
            LongVector k = hx.lanewise(ASHR, 20).sub(1023L).add(i.lanewise(LSHR, 20));
            // x or x/2 normalized into [sqrt(2)/2, sqrt(2)): the high word's exponent replaced
            DoubleVector x = hxm.or(i.lanewise(XOR, 0x3ff00000L)).lanewise(LSHL, 32).or(bits.and(0xFFFFFFFFL))
                    .reinterpretAsDoubles();
            if (hxm.add(2L).and(0xfffffL).compare(LT, 3L).anyTrue()) {
                special |= 1 << v;
            }
            DoubleVector f = x.sub(1.0);
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector dk = k.add(MAGIC_BITS).reinterpretAsDoubles().sub(MAGIC);
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            DoubleVector t1 = w.mul(w.mul(w.mul(LG6).add(LG4)).add(LG2));
            DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(LG7).add(LG5)).add(LG3)).add(LG1));
            DoubleVector r = t2.add(t1);
            // i = (hx - 0x6147a) | (0x6b851 - hx) > 0: the hfsq branch
            VectorMask<Double> hfsqBranch = hxm.sub(0x6147aL).or(LongVector.broadcast(L, 0x6b851L).sub(hxm))
                    .compare(GT, 0L).cast(D);
            // e_log.c's k == 0 formulas equal its k != 0 ones at dk = 0 (x - y = -(y - x) exactly, and
            // a nonzero result), so only the k != 0 forms are evaluated.
            DoubleVector dkhi = dk.mul(LN2_HI);
            DoubleVector dklo = dk.mul(LN2_LO);
            DoubleVector hfsq = f.mul(0.5).mul(f);
            DoubleVector a = dkhi.sub(hfsq.sub(s.mul(hfsq.add(r)).add(dklo)).sub(f));
            DoubleVector b = dkhi.sub(s.mul(f.sub(r)).sub(dklo).sub(f));
            b.blend(a, hfsqBranch).mul(-2.0).lanewise(SQRT).intoArray(rad, o);
        }
        return special;
    }

    // ------------------------------------------------------------------------------------------------
    // cos, sin

    /**
     * For pair {@code v % 4} of blocks {@code [(v / 4) H, (v / 4 + 1) H)}, with {@code t = 2 pi u2}
     * ({@code 0 < t < 2 pi}) and fdlibm's cos t and sin t: the normals {@code out[2 v H + b] =
     * stddev (r cos t)}, {@code out[(2 v + 1) H + b] = stddev (r sin t)} with {@code r = rad[v H + b]},
     * in double (the caller rounds them to float once);
     * returns a bit per vector that has a lane near a multiple of pi/2 (e_rem_pio2.c's further
     * reduction steps, or k_sin/k_cos's tiny-argument shortcut), where the values here are not fdlibm's.
     */
    private static int cosSinStage(int[] words, double[] rad, double stddev, double[] out) {
        int special = 0;
        for (int v = 0; v < V; v++) {
            int o = v * H;
            // u2 = U(x_k), k = 2 (v % 4) + 1, written out (see logStage)
            int k2 = 2 * (v % 4) + 1;
            IntVector lo2 = IntVector.fromArray(I, words, 2 * k2 * G);
            IntVector hi2 = IntVector.fromArray(I, words, (2 * k2 + 1) * G);
            LongVector x2 = ((LongVector) hi2.convertShape(I2L, L, v / 4)).lanewise(LSHL, 32)
                    .or(((LongVector) lo2.convertShape(I2L, L, v / 4)).and(0xFFFFFFFFL));
            DoubleVector t = x2.lanewise(LSHR, 12).or(ONE_BITS).reinterpretAsDoubles().sub(1.0).add(0x1p-53)
                    .mul(GaussianNoise.TWO_PI);
            // |t| <= pi/4 by the high word, as s_sin.c: no reduction (n = 0, y = t, tail 0)
            VectorMask<Double> small = t.reinterpretAsLongs().compare(LE, 0x3fe921fbffffffffL).cast(D);
            // else n = (int) (t 2/pi + 0.5), 1..4 here (e_rem_pio2.c; its |t| < 3pi/4 case is n = 1 of the same
            // formulas: t - 1.0 * PIO2_1 is t - PIO2_1 exactly)
            DoubleVector an = t.mul(INVPIO2).add(0.5);
            DoubleVector fn = DoubleVector.broadcast(D, 1.0).blend(2.0, an.compare(GE, 2.0))
                    .blend(3.0, an.compare(GE, 3.0)).blend(4.0, an.compare(GE, 4.0)).blend(0.0, small);
            DoubleVector red = t.sub(fn.mul(PIO2_1));
            DoubleVector w = fn.mul(PIO2_1T);
            DoubleVector y0 = red.sub(w);
            DoubleVector y1 = red.sub(y0).sub(w);
            DoubleVector ay = y0.abs();
            if (ay.compare(LT, 0x1p-17).anyTrue()) {
                special |= 1 << v;
            }
            // k_sin.c
            DoubleVector z = y0.mul(y0);
            DoubleVector zy = z.mul(y0);
            DoubleVector sr = z.mul(z.mul(z.mul(z.mul(S6).add(S5)).add(S4)).add(S3)).add(S2);
            DoubleVector sinTail = y0.sub(z.mul(y1.mul(0.5).sub(zy.mul(sr))).sub(y1).sub(zy.mul(S1)));
            DoubleVector sinNoTail = y0.add(zy.mul(z.mul(sr).add(S1)));
            DoubleVector sin = sinTail.blend(sinNoTail, small);
            // k_cos.c
            DoubleVector cr = z.mul(z.mul(z.mul(z.mul(z.mul(z.mul(CC6).add(CC5)).add(CC4)).add(CC3)).add(CC2))
                    .add(CC1));
            DoubleVector hz = z.mul(0.5);
            DoubleVector zrxy = z.mul(cr).sub(y0.mul(y1));
            DoubleVector cosNear = DoubleVector.broadcast(D, 1.0).sub(hz.sub(zrxy));
            LongVector iy = ay.reinterpretAsLongs();
            DoubleVector qx = iy.lanewise(LSHR, 32).sub(0x00200000L).lanewise(LSHL, 32).reinterpretAsDoubles()
                    .blend(0.28125, iy.compare(GT, 0x3fe90000ffffffffL).cast(D));
            DoubleVector cosFar = DoubleVector.broadcast(D, 1.0).sub(qx).sub(hz.sub(qx).sub(zrxy));
            DoubleVector cos = cosFar.blend(cosNear, iy.compare(LT, 0x3fd3333300000000L).cast(D));
            // quadrant n & 3: swap when odd; cos negated for 1, 2; sin negated for 2, 3
            LongVector q = fn.add(MAGIC).reinterpretAsLongs().sub(MAGIC_BITS);
            VectorMask<Double> swap = q.and(1L).compare(NE, 0L).cast(D);
            LongVector cosSign = q.add(1L).and(2L).lanewise(LSHL, 62);
            LongVector sinSign = q.and(2L).lanewise(LSHL, 62);
            DoubleVector c = cos.blend(sin, swap).reinterpretAsLongs().lanewise(XOR, cosSign).reinterpretAsDoubles();
            DoubleVector s = sin.blend(cos, swap).reinterpretAsLongs().lanewise(XOR, sinSign).reinterpretAsDoubles();
            DoubleVector r = DoubleVector.fromArray(D, rad, o);
            r.mul(c).mul(stddev).intoArray(out, 2 * o);
            r.mul(s).mul(stddev).intoArray(out, 2 * o + H);
        }
        return special;
    }
}
