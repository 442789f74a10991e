package org.edp4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HashedVocabularyTest {

    @Test
    void idsLieInTheBucketsAndNeverOnTheReservedIds() {
        HashedVocabulary h = HashedVocabulary.of(50);
        int[] hits = new int[50];
        for (int i = 0; i < 10_000; i++) {
            int id = h.id("token" + i);
            assertTrue(id >= Vocabulary.RESERVED && id < 50, "id " + id);
            hits[id]++;
        }
        // 10,000 tokens over 48 buckets: about 208 each; a bad hash would leave buckets empty or full
        for (int b = Vocabulary.RESERVED; b < 50; b++) {
            assertTrue(hits[b] > 130 && hits[b] < 290, "bucket " + b + " got " + hits[b]);
        }
    }

    @Test
    void theHashIsTheDocumentedFunction() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; then fmix64, computed independently here.
        long h = 0xaf63dc4c8601ec8cL;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        assertEquals(h, HashedVocabulary.hash("a"));
        assertEquals(2 + (int) Math.floorMod(h, 7998L), HashedVocabulary.of(8000).id("a"));
        // UTF-8 bytes: FNV-1a 64 of "\u00e9" runs over 0xc3 0xa9
        long f = 0xcbf29ce484222325L;
        for (int b : new int[] {0xc3, 0xa9}) {
            f ^= b;
            f *= 0x100000001b3L;
        }
        f ^= f >>> 33;
        f *= 0xff51afd7ed558ccdL;
        f ^= f >>> 33;
        f *= 0xc4ceb9fe1a85ec53L;
        f ^= f >>> 33;
        assertEquals(f, HashedVocabulary.hash("\u00e9"));
    }

    @Test
    void encoderHashesEveryTokenSoNothingIsUnknown() {
        Encoder enc = Encoder.of(Tokenizer.standard(), HashedVocabulary.of(100), 4);
        int[] row = enc.encode("never seen words here and more");
        for (int id : row) {
            assertTrue(id >= 2 && id < 100);
        }
        assertThrows(IllegalStateException.class, enc::vocabulary);
        assertEquals(HashedVocabulary.of(100), enc.tokenIndex());
    }

    @Test
    void sizeBelowThreeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashedVocabulary.of(2));
        assertTrue(e.getMessage().contains("size must be >= 3"));
    }
}
