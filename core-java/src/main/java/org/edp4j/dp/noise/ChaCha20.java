package org.edp4j.dp.noise;

/**
 * The ChaCha20 block function of RFC 8439 (section 2.3), in plain 32-bit int arithmetic.
 *
 * <p>The 4x4 state of 32-bit words is
 * <pre>
 *   c0  c1  c2  c3        c = 0x61707865 0x3320646e 0x79622d32 0x6b206574 ("expand 32-byte k")
 *   k0  k1  k2  k3        k = the 256-bit key as 8 little-endian words
 *   k4  k5  k6  k7
 *   b   n0  n1  n2        b = 32-bit block counter, n = 96-bit nonce as 3 little-endian words
 * </pre>
 * Twenty rounds (ten column/diagonal double rounds of the quarter round
 * {@code a += b; d ^= a; d <<<= 16; c += d; b ^= c; b <<<= 12; a += b; d ^= a; d <<<= 8; c += d; b ^= c; b <<<= 7})
 * are applied and the input state is added word by word (mod 2^32). The 16 output words are the keystream
 * block; serialized little-endian they are the 64 keystream bytes of RFC 8439.
 *
 * <p>Words are Java {@code int}s; their bits are the unsigned 32-bit words of the RFC (the sign is irrelevant
 * to addition, xor and rotation). The block counter is likewise an unsigned 32-bit word passed as an
 * {@code int}: counters 2^31 .. 2^32-1 are the negative ints.
 *
 * <p>Allocation-free and stateless; all methods are thread-safe as long as callers do not share {@code out}.
 */
public final class ChaCha20 {

    /** Number of 32-bit words in a key (256 bits). */
    public static final int KEY_WORDS = 8;
    /** Number of 32-bit words in a nonce (96 bits). */
    public static final int NONCE_WORDS = 3;
    /** Number of 32-bit words in a keystream block (512 bits). */
    public static final int BLOCK_WORDS = 16;

    private static final int C0 = 0x61707865;
    private static final int C1 = 0x3320646e;
    private static final int C2 = 0x79622d32;
    private static final int C3 = 0x6b206574;

    private ChaCha20() {
    }

    /**
     * Computes one ChaCha20 keystream block, {@code out[0..15] = ChaCha20Block(key, counter, nonce)}.
     *
     * @param key     the 256-bit key as 8 words, {@code key.length == 8}. Not modified.
     * @param counter the 32-bit block counter (unsigned; any int).
     * @param nonce   the 96-bit nonce as 3 words, {@code nonce.length == 3}. Not modified.
     * @param out     receives the 16 output words in {@code out[0..15]}, {@code out.length >= 16}. Modified.
     * @throws IllegalArgumentException if an array has the wrong length
     * @throws NullPointerException     if an array is null
     */
    public static void block(int[] key, int counter, int[] nonce, int[] out) {
        if (nonce.length != NONCE_WORDS) {
            throw new IllegalArgumentException("The 'nonce' must have 3 words, got " + nonce.length);
        }
        block(key, counter, nonce[0], nonce[1], nonce[2], out);
    }

    /**
     * Computes one ChaCha20 keystream block with the nonce given as its three words:
     * {@code out[0..15] = ChaCha20Block(key, counter, (nonce0, nonce1, nonce2))}.
     *
     * @param key     the 256-bit key as 8 words, {@code key.length == 8}. Not modified.
     * @param counter the 32-bit block counter (unsigned; any int).
     * @param nonce0  nonce word 0 (state word 13).
     * @param nonce1  nonce word 1 (state word 14).
     * @param nonce2  nonce word 2 (state word 15).
     * @param out     receives the 16 output words in {@code out[0..15]}, {@code out.length >= 16}. Modified.
     * @throws IllegalArgumentException if an array has the wrong length
     * @throws NullPointerException     if an array is null
     */
    public static void block(int[] key, int counter, int nonce0, int nonce1, int nonce2, int[] out) {
        if (key.length != KEY_WORDS) {
            throw new IllegalArgumentException("The 'key' must have 8 words, got " + key.length);
        }
        if (out.length < BLOCK_WORDS) {
            throw new IllegalArgumentException("The 'out' array must have at least 16 words, got " + out.length);
        }
        final int k0 = key[0], k1 = key[1], k2 = key[2], k3 = key[3];
        final int k4 = key[4], k5 = key[5], k6 = key[6], k7 = key[7];

        int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
        int x4 = k0, x5 = k1, x6 = k2, x7 = k3;
        int x8 = k4, x9 = k5, x10 = k6, x11 = k7;
        int x12 = counter, x13 = nonce0, x14 = nonce1, x15 = nonce2;

        for (int i = 0; i < 10; i++) {
            // column rounds: (0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15)
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);  x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);  x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);  x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);  x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonal rounds: (0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14)
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);  x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);  x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);  x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);  x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }

        out[0] = x0 + C0;
        out[1] = x1 + C1;
        out[2] = x2 + C2;
        out[3] = x3 + C3;
        out[4] = x4 + k0;
        out[5] = x5 + k1;
        out[6] = x6 + k2;
        out[7] = x7 + k3;
        out[8] = x8 + k4;
        out[9] = x9 + k5;
        out[10] = x10 + k6;
        out[11] = x11 + k7;
        out[12] = x12 + counter;
        out[13] = x13 + nonce0;
        out[14] = x14 + nonce1;
        out[15] = x15 + nonce2;
    }

    /** Number of consecutive blocks {@link #blocks} computes at once. */
    public static final int LANES = 64;

    /**
     * Computes {@value #LANES} consecutive keystream blocks at once, SIMD across blocks:
     * {@code out[w][l]} = word {@code w} of {@code ChaCha20Block(key, counter0 + l, nonce)} for
     * {@code 0 <= l < LANES}, the counter wrapping mod 2^32 as in {@link #block}. The values are
     * exactly those of {@link #block}; only the order of work differs: every word lives in its own
     * array of {@code LANES} ints, and each quarter round is one loop over the lanes that C2
     * compiles to vector instructions (about three times the single-block speed with AVX2).
     *
     * @param key      the 256-bit key as 8 words. Not modified.
     * @param counter0 the counter of block 0 (unsigned; any int)
     * @param nonce0   nonce word 0 (state word 13)
     * @param nonce1   nonce word 1 (state word 14)
     * @param nonce2   nonce word 2 (state word 15)
     * @param out      16 arrays of at least {@code LANES} words, word-major. Modified.
     * @throws IllegalArgumentException if an array has the wrong length
     */
    public static void blocks(int[] key, int counter0, int nonce0, int nonce1, int nonce2, int[][] out) {
        if (key.length != KEY_WORDS) {
            throw new IllegalArgumentException("The 'key' must have 8 words, got " + key.length);
        }
        if (out.length != BLOCK_WORDS) {
            throw new IllegalArgumentException("The 'out' array must have 16 word arrays, got " + out.length);
        }
        for (int[] w : out) {
            if (w.length < LANES) {
                throw new IllegalArgumentException("Each 'out' word array must have at least " + LANES
                        + " lanes, got " + w.length);
            }
        }
        final int[] input = {C0, C1, C2, C3, key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
            0, nonce0, nonce1, nonce2};
        for (int w = 0; w < BLOCK_WORDS; w++) {
            if (w == 12) {
                int[] x = out[12];
                for (int l = 0; l < LANES; l++) {
                    x[l] = counter0 + l;
                }
            } else {
                java.util.Arrays.fill(out[w], 0, LANES, input[w]);
            }
        }
        final int[] x0 = out[0], x1 = out[1], x2 = out[2], x3 = out[3];
        final int[] x4 = out[4], x5 = out[5], x6 = out[6], x7 = out[7];
        final int[] x8 = out[8], x9 = out[9], x10 = out[10], x11 = out[11];
        final int[] x12 = out[12], x13 = out[13], x14 = out[14], x15 = out[15];
        for (int i = 0; i < 10; i++) {
            quarterRounds(x0, x4, x8, x12);
            quarterRounds(x1, x5, x9, x13);
            quarterRounds(x2, x6, x10, x14);
            quarterRounds(x3, x7, x11, x15);
            quarterRounds(x0, x5, x10, x15);
            quarterRounds(x1, x6, x11, x12);
            quarterRounds(x2, x7, x8, x13);
            quarterRounds(x3, x4, x9, x14);
        }
        for (int w = 0; w < BLOCK_WORDS; w++) {
            int[] x = out[w];
            if (w == 12) {
                for (int l = 0; l < LANES; l++) {
                    x[l] += counter0 + l;
                }
            } else {
                int v = input[w];
                for (int l = 0; l < LANES; l++) {
                    x[l] += v;
                }
            }
        }
    }

    /** The quarter round on {@code (a, b, c, d)} of every lane. */
    private static void quarterRounds(int[] a, int[] b, int[] c, int[] d) {
        for (int l = 0; l < LANES; l++) {
            int xa = a[l];
            int xb = b[l];
            int xc = c[l];
            int xd = d[l];
            xa += xb; xd = Integer.rotateLeft(xd ^ xa, 16); xc += xd; xb = Integer.rotateLeft(xb ^ xc, 12);
            xa += xb; xd = Integer.rotateLeft(xd ^ xa, 8);  xc += xd; xb = Integer.rotateLeft(xb ^ xc, 7);
            a[l] = xa;
            b[l] = xb;
            c[l] = xc;
            d[l] = xd;
        }
    }
}
