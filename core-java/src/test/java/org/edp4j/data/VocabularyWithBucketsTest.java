package org.edp4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyWithBucketsTest {

    private static final Vocabulary BASE = Vocabulary.of(List.of("<pad>", "<unk>", "free", "money"));

    @Test
    void knownTokensKeepTheirIdsAndOthersLandInTheBuckets() {
        VocabularyWithBuckets v = VocabularyWithBuckets.of(BASE, 10);
        assertEquals(14, v.size());
        assertEquals(2, v.id("free"));
        assertEquals(3, v.id("money"));
        for (int i = 0; i < 1000; i++) {
            int id = v.id("w" + i);
            assertTrue(id >= 4 && id < 14, "id " + id);
        }
        // the bucket is the documented function of the token alone
        assertEquals(4 + (int) Math.floorMod(HashedVocabulary.hash("zebra"), 10L), v.id("zebra"));
    }

    @Test
    void anEncoderUsesTheBucketsInsteadOfUnk() {
        Encoder e = Encoder.of(Tokenizer.standard(), VocabularyWithBuckets.of(BASE, 5), 4);
        int[] row = e.encode("free zebra money");
        assertEquals(2, row[0]);
        assertTrue(row[1] >= 4 && row[1] < 9);
        assertEquals(3, row[2]);
        assertEquals(Vocabulary.PAD, row[3]);
    }

    @Test
    void badBucketCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> VocabularyWithBuckets.of(BASE, 0));
        assertThrows(IllegalArgumentException.class, () -> VocabularyWithBuckets.of(BASE, Integer.MAX_VALUE));
    }
}
