package org.edp4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DataSpecTest {

    @Test
    void roundTripsThroughTheCheckpointMap() {
        DataSpec d = new DataSpec("a.csv", "b.jsonl", 0.3, "body", "cat", "hashed:512", 0.25, 16, 100, 1234);
        assertEquals(d, DataSpec.fromMap(d.toMap()));
        assertEquals(DataSpec.bundled(), DataSpec.fromMap(DataSpec.bundled().toMap()));
        assertTrue(d.hashed());
        assertFalse(d.privateVocabulary());
        assertEquals(512, DataSpec.hashedSize(d.vocabulary()));
    }

    @Test
    void aCheckpointWithoutDataKeysIsTheOldFittedVocabularySoAResumeIsRefused() {
        DataSpec old = DataSpec.fromMap(Map.of("model", "bag"));
        assertEquals("fitted", old.vocabulary());
        assertTrue(old.isBundled());
        assertFalse(old.toMap().equals(DataSpec.bundled().toMap()));
    }

    @Test
    void optionsOutOfRangeNameTheOption() {
        assertEquals("--test-fraction must be in (0, 1), got 1.0", assertThrows(IllegalArgumentException.class,
                () -> new DataSpec("a.csv", "", 1.0, "text", "label", "dp", 0.2, 64, 0, 10)).getMessage());
        assertEquals("--vocab-share must be in (0, 1), got 0.0", assertThrows(IllegalArgumentException.class,
                () -> new DataSpec("", "", 0.2, "text", "label", "dp", 0, 64, 0, 10)).getMessage());
        assertEquals("--vocab-tokens-per-document must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new DataSpec("", "", 0.2, "text", "label", "dp", 0.2, 0, 0, 10)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new DataSpec("", "", 0.2, "x", "x", "dp", 0.2, 4, 0, 10)).getMessage()
                .startsWith("--text-column and --label-column must be two different"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new DataSpec("", "t.csv", 0.2, "text", "label", "dp", 0.2, 4, 0, 10)).getMessage()
                .startsWith("--test needs --train"));
        assertEquals("--vocabulary hashed:V needs an integer V >= 3, got 'hashed:x'",
                assertThrows(IllegalArgumentException.class,
                        () -> new DataSpec("", "", 0.2, "text", "label", "hashed:x", 0.2, 4, 0, 10)).getMessage());
    }
}
