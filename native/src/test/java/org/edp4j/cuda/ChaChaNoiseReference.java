package org.edp4j.cuda;

/**
 * A float64 reference of edp4j's noise stream, written from its definition (independent of
 * org.edp4j.dp.noise): ChaCha20 block function of RFC 8439, nonce words
 * {@code (streamId, (int) step, (int) (step >>> 32))}, block counter {@code j / 8}; the 16 words of a
 * block form {@code x_k = word[2k] | word[2k+1] << 32}, {@code u_k = ((x_k >>> 12) + 0.5) 2^-52}, and
 * Box-Muller on {@code (u_2m, u_2m+1)}: {@code z_2m = sqrt(-2 ln u_2m) cos(2 pi u_2m+1)},
 * {@code z_2m+1 = sqrt(-2 ln u_2m) sin(2 pi u_2m+1)}; element j is {@code z_{j % 8}} of block {@code j / 8}.
 */
final class ChaChaNoiseReference {
    private ChaChaNoiseReference() {
    }

    /** The 16 output words of the ChaCha20 block (key[8], counter, nonce[3]). */
    static int[] block(int[] key, int counter, int n0, int n1, int n2) {
        int[] s = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1], key[2], key[3], key[4], key[5],
            key[6], key[7], counter, n0, n1, n2};
        int[] x = s.clone();
        for (int r = 0; r < 10; r++) {
            qr(x, 0, 4, 8, 12);
            qr(x, 1, 5, 9, 13);
            qr(x, 2, 6, 10, 14);
            qr(x, 3, 7, 11, 15);
            qr(x, 0, 5, 10, 15);
            qr(x, 1, 6, 11, 12);
            qr(x, 2, 7, 8, 13);
            qr(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++) {
            x[i] += s[i];
        }
        return x;
    }

    private static void qr(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    /** Standard normals {@code z_first .. z_{first+n-1}} of the stream, in double. */
    static double[] normals(int[] key, int streamId, long step, long first, int n) {
        double[] z = new double[n];
        long lastBlock = -1;
        double[] cur = new double[8];
        for (int i = 0; i < n; i++) {
            long j = first + i;
            long blk = j / 8;
            if (blk != lastBlock) {
                int[] w = block(key, (int) blk, streamId, (int) step, (int) (step >>> 32));
                for (int m = 0; m < 4; m++) {
                    double u0 = uniform(w[4 * m], w[4 * m + 1]);
                    double u1 = uniform(w[4 * m + 2], w[4 * m + 3]);
                    double r = Math.sqrt(-2 * Math.log(u0));
                    cur[2 * m] = r * Math.cos(2 * Math.PI * u1);
                    cur[2 * m + 1] = r * Math.sin(2 * Math.PI * u1);
                }
                lastBlock = blk;
            }
            z[i] = cur[(int) (j % 8)];
        }
        return z;
    }

    static double uniform(int lo, int hi) {
        long x = ((long) hi << 32) | (lo & 0xffffffffL);
        return ((x >>> 12) + 0.5) * 0x1.0p-52;
    }
}
