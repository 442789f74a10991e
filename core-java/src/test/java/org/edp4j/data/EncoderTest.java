package org.edp4j.data;

import static org.edp4j.data.VocabularyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EncoderTest {

    private final Tokenizer tok = Tokenizer.standard();
    private final Vocabulary vocab = Vocabulary.of(List.of("<pad>", "<unk>", "free", "money", "now"));

    @Test
    void padsShortTexts() {
        Encoder enc = Encoder.of(tok, vocab, 6);
        assertArrayEquals(new int[] {2, 3, 1, 4, 0, 0}, enc.encode("Free MONEY, click now!"));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, enc.encode("?!"));
    }

    @Test
    void truncatesLongTextsKeepingTheHead() {
        Encoder enc = Encoder.of(tok, vocab, 3);
        assertArrayEquals(new int[] {4, 4, 2}, enc.encode("now now free money money"));
        int[] dst = {9, 9, 9, 9, 9, 9};
        assertEquals(3, enc.encode("now now free money", dst, 2));
        assertArrayEquals(new int[] {9, 9, 4, 4, 2, 9}, dst);
        assertEquals(1, enc.encode("money", dst, 3));
        assertArrayEquals(new int[] {9, 9, 4, 3, 0, 0}, dst);
    }

    @Test
    void encodesADatasetFlatRowMajor() {
        TextDataset ds = TextDataset.of(List.of(
                new TextExample("free money now free", 1, "spam"),
                new TextExample("hello", 0, "ham"),
                new TextExample("", 0, "ham")), List.of("ham", "spam"));
        EncodedDataset e = Encoder.of(tok, vocab, 3).encode(ds);
        assertEquals(3, e.size());
        assertEquals(3, e.maxLen());
        assertEquals(2, e.numClasses());
        assertArrayEquals(new int[] {2, 3, 4, 1, 0, 0, 0, 0, 0}, e.tokens());
        assertArrayEquals(new int[] {3, 1, 0}, e.lengths());
        assertArrayEquals(new int[] {1, 0, 0}, e.labels());
        assertEquals(4, e.token(0, 2));
        assertEquals(1, e.length(1));
        assertEquals(1, e.label(0));
        assertEquals(e, EncodedDataset.of(3, 2, e.tokens(), e.lengths(), e.labels()));

        int[] bt = new int[4 * 3];
        int[] bl = new int[4];
        int[] by = new int[4];
        java.util.Arrays.fill(bt, -7);
        e.copyRows(new int[] {1, 0, 0}, 2, bt, bl, by);
        assertArrayEquals(new int[] {1, 0, 0, 2, 3, 4, -7, -7, -7, -7, -7, -7}, bt);
        assertArrayEquals(new int[] {1, 3, 0, 0}, bl);
        assertArrayEquals(new int[] {0, 1, 0, 0}, by);
    }

    @Test
    void returnedArraysAreCopies() {
        EncodedDataset e = EncodedDataset.of(2, 2, new int[] {2, 0}, new int[] {1}, new int[] {1});
        e.tokens()[0] = 99;
        e.lengths()[0] = 99;
        e.labels()[0] = 99;
        assertEquals(2, e.token(0, 0));
        assertEquals(1, e.length(0));
        assertEquals(1, e.label(0));
    }

    @Test
    void fitUsesTheTrainingSplitOnly() {
        DatasetSplits data = SpamAssassin.load();
        Encoder enc = Encoder.fit(data.train(), tok, 20_000, 2, 256);
        assertEquals(20_000, enc.vocabulary().size());
        assertEquals(Vocabulary.build(tok.tokenizeAll(data.train()), 20_000, 2), enc.vocabulary());
        EncodedDataset test = enc.encode(data.test());
        assertEquals(SpamAssassin.TEST_SIZE, test.size());
        assertArrayEquals(data.test().labels(), test.labels());
        for (int i = 0; i < test.size(); i++) {
            assertTrue(test.length(i) >= 1 && test.length(i) <= 256);
        }
    }

    @Test
    void badArgumentsNameTheArgument() {
        assertMessage("maxLen must be >= 1", () -> Encoder.of(tok, vocab, 0));
        assertMessage("maxLen must be >= 1", () -> Encoder.fit(TextDataset.of(List.of(), List.of("a")), tok, 10, 1, 0));
        assertMessage("offset", () -> Encoder.of(tok, vocab, 3).encode("x", new int[4], 2));
        assertMessage("tokens.length must be labels.length * maxLen",
                () -> EncodedDataset.of(3, 2, new int[5], new int[2], new int[2]));
        assertMessage("lengths.length", () -> EncodedDataset.of(3, 2, new int[6], new int[1], new int[2]));
        assertMessage("labels[1] must be in [0, 2)", () -> EncodedDataset.of(1, 2, new int[2], new int[2], new int[] {0, 2}));
        assertMessage("lengths[0] must be in [0, 1]", () -> EncodedDataset.of(1, 2, new int[1], new int[] {2}, new int[1]));
        assertMessage("must be PAD", () -> EncodedDataset.of(2, 2, new int[] {5, 5}, new int[] {1}, new int[1]));
        assertMessage("maxLen must be >= 1", () -> EncodedDataset.of(0, 2, new int[0], new int[0], new int[0]));
        assertMessage("numClasses", () -> EncodedDataset.of(1, 0, new int[0], new int[0], new int[0]));
        EncodedDataset e = EncodedDataset.of(2, 2, new int[] {2, 0}, new int[] {1}, new int[] {1});
        assertMessage("rows[0] must be in [0, 1)", () -> e.copyRows(new int[] {1}, 1, new int[2], new int[1], new int[1]));
        assertMessage("count", () -> e.copyRows(new int[] {0}, 2, new int[4], new int[2], new int[2]));
        assertMessage("dstTokens.length", () -> e.copyRows(new int[] {0}, 1, new int[1], new int[1], new int[1]));
        assertMessage("row must be in [0, 1)", () -> e.length(1));
        assertMessage("position must be in [0, 2)", () -> e.token(0, 2));
    }

    @Test
    void textDatasetValidation() {
        assertMessage("examples[0].label must be in [0, 2)",
                () -> TextDataset.of(List.of(new TextExample("x", 2, "g")), List.of("ham", "spam")));
        assertMessage("classNames must have at least one", () -> TextDataset.of(List.of(), List.of()));
        assertMessage("distinct", () -> TextDataset.of(List.of(), List.of("a", "a")));
        assertMessage("label must be >= 0", () -> new TextExample("x", -1, "g"));
        assertMessage("same classNames", () -> new DatasetSplits(
                TextDataset.of(List.of(), List.of("a")), TextDataset.of(List.of(), List.of("b"))));
    }
}
