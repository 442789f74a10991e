package org.edp4j.fairness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.model.ModelShape;
import org.edp4j.model.SavedModel;
import org.edp4j.model.TextClassifier;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

class FairnessAuditTest {

    static final List<String> FEMALE = List.of("she", "her", "hers", "mary", "mrs");
    static final List<String> MALE = List.of("he", "him", "his", "john", "mr");

    static FairnessReport audit(SavedModel m, List<FairnessAudit.Example> data) {
        try (TextClassifier c = TextClassifier.of(m, CpuBackend.instance())) {
            return FairnessAudit.run(c, data, WordPairs.english());
        }
    }

    static List<FairnessAudit.Example> mixed() {
        List<FairnessAudit.Example> d = new ArrayList<>();
        for (String t : List.of("he paid the bill", "She gave HIM a book", "mr john wrote to mrs mary", "his book",
                "free money now", "click now", "her, then him")) {
            d.add(new FairnessAudit.Example(t, t.length() % 2, null));
        }
        return d;
    }

    /**
     * A bag of width 2 written by hand: female words have embedding (3, 0), male words (-3, 0), other
     * words 0; the head predicts spam when the first pooled coordinate is positive, ham when negative,
     * ham on the tie of a text without gendered words.
     */
    static SavedModel biased() {
        SavedModel r = Bags.random(ModelShape.BAG, Bags.vocabulary(), 2, 2, 2, 1.0, 1);
        float[] table = new float[r.shape().vocab() * 2];
        for (String w : FEMALE) {
            table[r.tokenIndex().id(w) * 2] = 3;
        }
        for (String w : MALE) {
            table[r.tokenIndex().id(w) * 2] = -3;
        }
        List<float[]> ps = List.of(table, new float[] {1, 0, 0, 1}, new float[2], new float[] {-4, 4, 0, 0},
                new float[2]);
        return new SavedModel(r.shape(), r.tokenizer(), r.tokenIndex(), r.labels(), r.privacy(), r.parameterNames(), ps);
    }

    @Test
    void aModelThatIgnoresGenderedTokensScoresZero() {
        List<String> lexiconInVocabulary = Bags.WORDS.stream().filter(w -> WordPairs.english().contains(w)).toList();
        assertEquals(12, lexiconInVocabulary.size());   // john -> sarah, mary -> jack: both sides known (an unknown name would be the UNK row)
        SavedModel blind = Bags.withRows(Bags.bag(7), lexiconInVocabulary, null);
        FairnessReport r = audit(blind, mixed());
        assertEquals(7, r.texts());
        assertEquals(5, r.swapped());
        assertEquals(5, r.protectedTexts());
        assertEquals(0, r.flips());
        assertEquals(0.0, r.flipRate());
        assertEquals(0.0, r.meanAbsDelta());
        assertEquals(0.0, r.maxAbsDelta());
        assertEquals(0.0, r.sensitivity());
        assertEquals(0.0, r.sensitivityProtected());
        assertNull(r.sensitivityNote());
        // the same model with its gendered rows does react to the swap
        FairnessReport seeing = audit(Bags.bag(7), mixed());
        assertTrue(seeing.maxAbsDelta() > 0 && seeing.sensitivity() > 0, seeing.toString());
    }

    @Test
    void aModelThatReadsGenderIsFlaggedAndTheGroupGapsAreCounted() {
        List<FairnessAudit.Example> d = List.of(
                new FairnessAudit.Example("she wrote", 1, "f"),     // spam, right
                new FairnessAudit.Example("she paid", 0, "f"),      // spam, wrong
                new FairnessAudit.Example("he wrote", 1, "m"),      // ham, wrong
                new FairnessAudit.Example("he paid", 0, "m"),       // ham, right
                new FairnessAudit.Example("her book", 0, "f"),      // spam, wrong
                new FairnessAudit.Example("free money", 0, "n"));   // tie: ham, right
        FairnessReport r = audit(biased(), d);
        assertEquals(5, r.swapped());
        assertEquals(5, r.flips());
        assertEquals(1.0, r.flipRate());
        assertTrue(r.meanAbsDelta() > 0.9 && r.maxAbsDelta() < 1, r.toString());
        assertTrue(r.sensitivity() > 0, r.toString());
        assertEquals(r.sensitivity() * 6 / 5, r.sensitivityProtected(), 1e-12);
        assertEquals(0.5, r.accuracy());
        assertEquals(3, r.groups().size());
        FairnessReport.GroupStats f = r.groups().get(0);
        assertEquals("f", f.name());
        assertEquals(3, f.texts());
        assertEquals(1.0 / 3, f.accuracy(), 1e-15);
        assertArrayEquals(new int[] {2, 1}, f.positives());
        assertArrayEquals(new double[] {0, 1}, f.tpr());
        FairnessReport.GroupStats m = r.groups().get(1);
        assertEquals(0.5, m.accuracy());
        assertArrayEquals(new double[] {1, 0}, m.tpr());
        FairnessReport.GroupStats n = r.groups().get(2);
        assertEquals(Double.NaN, n.tpr()[1]);
        assertEquals(1 - 1.0 / 3, r.accuracyGap(), 1e-15);
        assertArrayEquals(new double[] {1, 1}, r.tprGap());
    }

    @Test
    void anEncoderGetsTheCounterfactualFiguresAndANoteInsteadOfSensitivity() {
        SavedModel enc = Bags.random(ModelShape.ENCODER, HashedVocabulary.of(64), 8, 12, 2, 0.5, 1);
        FairnessReport r = audit(enc, mixed());
        assertEquals(5, r.swapped());
        assertEquals(5, r.protectedTexts());
        assertTrue(Double.isNaN(r.sensitivity()));
        assertTrue(r.sensitivityNote().contains("bag models only"), r.sensitivityNote());
        assertTrue(r.groups().isEmpty());
        assertTrue(Double.isNaN(r.accuracyGap()));
    }

    @Test
    void noSwappedTextGivesNaNRates() {
        FairnessReport r = audit(Bags.bag(1), List.of(new FairnessAudit.Example("free money now", 1, null)));
        assertEquals(0, r.swapped());
        assertTrue(Double.isNaN(r.flipRate()) && Double.isNaN(r.meanAbsDelta()) && Double.isNaN(r.maxAbsDelta()));
        assertEquals(0.0, r.sensitivity());
        assertTrue(Double.isNaN(r.sensitivityProtected()));
    }

    @Test
    void badDataIsRefused() {
        SavedModel m = Bags.bag(1);
        assertThrows(IllegalArgumentException.class, () -> audit(m, List.of()));
        assertThrows(IllegalArgumentException.class, () -> audit(m, List.of(new FairnessAudit.Example("x", 2, null))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> audit(m,
                List.of(new FairnessAudit.Example("x", 0, "a"), new FairnessAudit.Example("y", 1, null))));
        assertTrue(e.getMessage().contains("text 1 has no group"), e.getMessage());
    }
}
