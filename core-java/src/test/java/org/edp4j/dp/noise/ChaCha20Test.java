package org.edp4j.dp.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChaCha20Test {

    /** RFC 8439 key 00:01:02:...:1f as little-endian words. */
    static int[] rfcKey() {
        int[] key = new int[8];
        for (int i = 0; i < 8; i++) {
            int b = 4 * i;
            key[i] = b | (b + 1) << 8 | (b + 2) << 16 | (b + 3) << 24;
        }
        return key;
    }

    @Test
    void rfc8439Section232BlockFunction() {
        int[] nonce = {0x09000000, 0x4a000000, 0x00000000};
        int[] out = new int[16];
        ChaCha20.block(rfcKey(), 1, nonce, out);
        int[] expected = {
            0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
            0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
            0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
            0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
        assertArrayEquals(expected, out);
    }

    @Test
    void rfc8439Section242Encryption() {
        String plaintext = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
                + "future, sunscreen would be it.";
        String expectedHex = "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                + "5af90bbf74a35be6b40b8eedf2785e42874d";
        byte[] pt = plaintext.getBytes(StandardCharsets.US_ASCII);
        byte[] ct = new byte[pt.length];
        int[] nonce = {0x00000000, 0x4a000000, 0x00000000};
        int[] block = new int[16];
        for (int j = 0; j * 64 < pt.length; j++) {
            ChaCha20.block(rfcKey(), 1 + j, nonce, block);
            for (int i = 0; i < 64 && j * 64 + i < pt.length; i++) {
                int ks = (block[i / 4] >>> (8 * (i % 4))) & 0xff;
                ct[j * 64 + i] = (byte) (pt[j * 64 + i] ^ ks);
            }
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : ct) {
            hex.append(String.format("%02x", b & 0xff));
        }
        assertEquals(expectedHex, hex.toString());
    }

    @Test
    void scalarNonceOverloadEqualsArrayOverload() {
        int[] a = new int[16];
        int[] b = new int[16];
        ChaCha20.block(rfcKey(), -5, new int[] {7, -8, 9}, a);
        ChaCha20.block(rfcKey(), -5, 7, -8, 9, b);
        assertArrayEquals(a, b);
    }

    @Test
    void wrongLengthsAreRejectedWithTheArgumentName() {
        int[] out = new int[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChaCha20.block(new int[7], 0, new int[3], out));
        assertTrue(e.getMessage().contains("'key'"));
        e = assertThrows(IllegalArgumentException.class, () -> ChaCha20.block(new int[8], 0, new int[2], out));
        assertTrue(e.getMessage().contains("'nonce'"));
        e = assertThrows(IllegalArgumentException.class,
                () -> ChaCha20.block(new int[8], 0, new int[3], new int[15]));
        assertTrue(e.getMessage().contains("'out'"));
    }

    @Test
    void laneBlocksEqualSingleBlocksIncludingTheCounterWrap() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        int[][] lanes = new int[ChaCha20.BLOCK_WORDS][ChaCha20.LANES];
        int[] one = new int[ChaCha20.BLOCK_WORDS];
        int[] counters = {0, 1, 12345, -ChaCha20.LANES / 2, -1, Integer.MAX_VALUE - 3, r.nextInt()};
        for (int counter0 : counters) {
            int[] key = new int[8];
            for (int i = 0; i < 8; i++) {
                key[i] = r.nextInt();
            }
            int n0 = r.nextInt();
            int n1 = r.nextInt();
            int n2 = r.nextInt();
            ChaCha20.blocks(key, counter0, n0, n1, n2, lanes);
            for (int l = 0; l < ChaCha20.LANES; l++) {
                ChaCha20.block(key, counter0 + l, n0, n1, n2, one);
                for (int w = 0; w < ChaCha20.BLOCK_WORDS; w++) {
                    assertEquals(one[w], lanes[w][l], "counter " + counter0 + " lane " + l + " word " + w);
                }
            }
        }
        ChaCha20.blocks(rfcKey(), 1, 0x09000000, 0x4a000000, 0, lanes);
        int[] expected = new int[ChaCha20.BLOCK_WORDS];
        ChaCha20.block(rfcKey(), 1, new int[] {0x09000000, 0x4a000000, 0}, expected);
        for (int w = 0; w < ChaCha20.BLOCK_WORDS; w++) {
            assertEquals(expected[w], lanes[w][0]);
        }
    }
}
