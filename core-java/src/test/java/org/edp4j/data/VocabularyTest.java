package org.edp4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    private static final List<List<String>> DOCS = List.of(
            List.of("b", "a", "c", "c", "c"),
            List.of("a", "b", "d"),
            List.of("c", "e"),
            List.of("a"));

    @Test
    void mostFrequentFirstByDocumentFrequencyTiesAlphabetical() {
        Vocabulary v = Vocabulary.build(DOCS, 100, 1);
        // document frequency: a=3, b=2, c=2 (four occurrences, two documents), d=1, e=1
        assertEquals(List.of("<pad>", "<unk>", "a", "b", "c", "d", "e"), v.tokens());
        assertEquals(Vocabulary.PAD, v.id("<pad>"));
        assertEquals(Vocabulary.UNK, v.id("<unk>"));
        assertEquals(2, v.id("a"));
        assertEquals(Vocabulary.UNK, v.id("zzz"));
        assertEquals("c", v.token(4));
        assertEquals(7, v.size());
        assertTrue(v.contains("e"));
        assertFalse(v.contains("zzz"));
    }

    @Test
    void maxSizeAndMinCount() {
        assertEquals(List.of("<pad>", "<unk>", "a", "b"), Vocabulary.build(DOCS, 4, 1).tokens());
        assertEquals(List.of("<pad>", "<unk>", "a", "b", "c"), Vocabulary.build(DOCS, 100, 2).tokens());
        assertEquals(List.of("<pad>", "<unk>"), Vocabulary.build(DOCS, 2, 1).tokens());
        assertEquals(List.of("<pad>", "<unk>"), Vocabulary.build(List.of(), 10, 1).tokens());
    }

    @Test
    void reservedStringsInTheDocumentsAreIgnored() {
        Vocabulary v = Vocabulary.build(List.of(List.of("<unk>", "<pad>", "x")), 10, 1);
        assertEquals(List.of("<pad>", "<unk>", "x"), v.tokens());
    }

    @Test
    void tokensRoundTrip() {
        Vocabulary v = Vocabulary.build(DOCS, 100, 1);
        Vocabulary back = Vocabulary.of(List.copyOf(v.tokens()));
        assertEquals(v, back);
        for (String t : List.of("a", "b", "c", "d", "e", "nope")) {
            assertEquals(v.id(t), back.id(t));
        }
    }

    @Test
    void badArgumentsNameTheArgument() {
        assertMessage("maxSize", () -> Vocabulary.build(DOCS, 1, 1));
        assertMessage("minCount", () -> Vocabulary.build(DOCS, 10, 0));
        assertMessage("tokens must start with", () -> Vocabulary.of(List.of("<unk>", "<pad>")));
        assertMessage("tokens must start with", () -> Vocabulary.of(List.of("<pad>")));
        assertMessage("distinct", () -> Vocabulary.of(List.of("<pad>", "<unk>", "a", "a")));
        assertMessage("line breaks", () -> Vocabulary.of(List.of("<pad>", "<unk>", "a\nb")));
        assertMessage("non-empty", () -> Vocabulary.of(List.of("<pad>", "<unk>", "")));
        assertMessage("id must be in [0, 7)", () -> Vocabulary.build(DOCS, 100, 1).token(7));
        assertMessage("id must be in [0, 7)", () -> Vocabulary.build(DOCS, 100, 1).token(-1));
    }

    @Test
    void builtFromTrainOnlyTestOnlyTokensAreUnknown() {
        DatasetSplits data = SpamAssassin.load();
        Tokenizer tok = Tokenizer.standard();
        List<List<String>> train = tok.tokenizeAll(data.train());
        Vocabulary v = Vocabulary.build(train, Integer.MAX_VALUE, 1);
        Set<String> trainTokens = new HashSet<>();
        train.forEach(trainTokens::addAll);
        assertEquals(trainTokens.size() + Vocabulary.RESERVED, v.size());
        int testOnly = 0;
        for (List<String> doc : tok.tokenizeAll(data.test())) {
            for (String t : doc) {
                if (!trainTokens.contains(t)) {
                    assertEquals(Vocabulary.UNK, v.id(t), t);
                    testOnly++;
                } else {
                    assertNotEquals(Vocabulary.UNK, v.id(t), t);
                }
            }
        }
        assertTrue(testOnly > 0, "the test split should contain tokens never seen in training");
        // Deterministic: the same documents give the same ids.
        assertEquals(v, Vocabulary.build(tok.tokenizeAll(data.train()), Integer.MAX_VALUE, 1));
        assertEquals("the", v.token(2));
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
