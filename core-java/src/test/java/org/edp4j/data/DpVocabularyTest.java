package org.edp4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.privacy.PartitionSelection;
import org.junit.jupiter.api.Test;

class DpVocabularyTest {

    /** {@code n} documents, each the common tokens "c0".."c{common-1}". */
    private static List<List<String>> common(int n, int common) {
        List<List<String>> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> d = new ArrayList<>();
            for (int j = 0; j < common; j++) {
                d.add("c" + j);
            }
            docs.add(d);
        }
        return docs;
    }

    @Test
    void aDocumentContributesAtMostKDistinctTokensOfL2NormOne() {
        List<String> doc = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            doc.add("t" + i);
            doc.add("t" + i);       // repeats count once
        }
        doc.add(Vocabulary.PAD_TOKEN);
        List<String> s = DpVocabulary.contribution(doc, 10);
        assertEquals(10, s.size());
        assertEquals(10, new HashSet<>(s).size());
        assertFalse(s.contains(Vocabulary.PAD_TOKEN));
        // a function of the document alone: same tokens in another order, or in another corpus
        List<String> shuffled = new ArrayList<>(doc);
        java.util.Collections.shuffle(shuffled, new java.util.Random(3));
        assertEquals(new HashSet<>(s), new HashSet<>(DpVocabulary.contribution(shuffled, 10)));
        Map<String, Double> counts = DpVocabulary.weightedCounts(List.of(doc), 10);
        double l2 = 0;
        for (double w : counts.values()) {
            l2 += w * w;
        }
        assertEquals(1.0, l2, 1e-12);
        assertEquals(List.of("a", "b"), DpVocabulary.contribution(List.of("a", "b", "a"), 10));
    }

    @Test
    void addingOneDocumentMovesTheCountsByAtMostOneInL2() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            List<List<String>> docs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                List<String> d = new ArrayList<>();
                int len = rng.nextInt(0, 40);
                for (int j = 0; j < len; j++) {
                    d.add("w" + rng.nextInt(60));
                }
                docs.add(d);
            }
            int k = 1 + rng.nextInt(16);
            Map<String, Double> without = DpVocabulary.weightedCounts(docs.subList(1, docs.size()), k);
            Map<String, Double> with = DpVocabulary.weightedCounts(docs, k);
            Map<String, Double> diff = new HashMap<>(with);
            without.forEach((t, c) -> diff.merge(t, -c, Double::sum));
            double l2 = 0;
            for (double d : diff.values()) {
                l2 += d * d;
            }
            assertTrue(l2 <= 1 + 1e-9, "L2^2 " + l2);
        }
    }

    @Test
    void tokensOfManyDocumentsAreSelected() {
        List<List<String>> docs = common(2000, 8);
        double sigma = 5;
        for (int key = 0; key < 10; key++) {
            DpVocabulary.Selection s = DpVocabulary.select(docs, 8, sigma, 1e-6, 100,
                    GaussianNoise.insecureSeeded(key));
            // count 2000/sqrt(8) = 707, threshold about 5 * 5.4 + 1: every common token is in
            assertEquals(10, s.vocabulary().size(), s.vocabulary().tokens().toString());
            assertEquals(8, s.candidates());
        }
    }

    /**
     * A token used by one document alone is selected with probability at most p: measured over 4,000
     * keys at p = 0.05 (so the frequency is measurable), for a document with 1 and with 4 own tokens.
     * The frequency must also match the exact probability of PartitionSelection.failureProbability.
     */
    @Test
    void tokensOfOneDocumentAreSelectedWithProbabilityAtMostP() {
        double p = 0.05;
        double sigma = 1.0;
        int k = 4;
        for (int own : new int[] {1, 4}) {
            List<List<String>> docs = common(50, 4);
            List<String> lone = new ArrayList<>();
            for (int j = 0; j < own; j++) {
                lone.add("own" + j);
            }
            docs.add(lone);
            int trials = 4000;
            int leaked = 0;
            for (int key = 0; key < trials; key++) {
                DpVocabulary.Selection s = DpVocabulary.select(docs, k, sigma, p, 1000,
                        GaussianNoise.insecureSeeded(1000 + key));
                boolean any = false;
                for (String t : lone) {
                    any |= s.vocabulary().contains(t);
                }
                leaked += any ? 1 : 0;
            }
            double freq = leaked / (double) trials;
            double exact = PartitionSelection.failureProbability(own, sigma, DpVocabulary.select(docs, k, sigma, p,
                    1000, GaussianNoise.insecureSeeded(0)).threshold());
            double sd = Math.sqrt(exact * (1 - exact) / trials);
            assertTrue(exact <= p * (1 + 1e-9), "exact " + exact);
            assertTrue(Math.abs(freq - exact) < 4 * sd + 1e-3, own + " own tokens: measured " + freq + ", exact " + exact);
            assertTrue(freq < p + 4 * Math.sqrt(p * (1 - p) / trials), "measured " + freq);
        }
    }

    @Test
    void tokensWithoutDocumentsNeverGetNoiseAndReservedTokensAreIgnored() {
        List<List<String>> docs = common(3, 2);
        docs.add(List.of(Vocabulary.UNK_TOKEN, Vocabulary.PAD_TOKEN));
        DpVocabulary.Selection s = DpVocabulary.select(docs, 4, 0.5, 0.4, 10, GaussianNoise.insecureSeeded(1));
        assertEquals(2, s.candidates());
        for (String t : s.vocabulary().tokens().subList(2, s.vocabulary().size())) {
            assertTrue(t.startsWith("c"), t);
        }
    }

    @Test
    void theSizeIsCappedByNoisyCountAndAFixedKeyReproduces() {
        List<List<String>> docs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // token "a" in all, "b" in 300, "c" in 200 documents
            List<String> d = new ArrayList<>(List.of("a"));
            if (i < 300) {
                d.add("b");
            }
            if (i < 200) {
                d.add("c");
            }
            docs.add(d);
        }
        DpVocabulary.Selection s = DpVocabulary.select(docs, 3, 1.0, 1e-6, 4, GaussianNoise.insecureSeeded(5));
        assertEquals(List.of("<pad>", "<unk>", "a", "b"), s.vocabulary().tokens());
        assertEquals(s, DpVocabulary.select(docs, 3, 1.0, 1e-6, 4, GaussianNoise.insecureSeeded(5)));
    }

    @Test
    void argumentsOutOfRangeAreRefused() {
        GaussianNoise n = GaussianNoise.insecureSeeded(1);
        List<List<String>> docs = common(2, 2);
        assertThrows(IllegalArgumentException.class, () -> DpVocabulary.select(docs, 0, 1, 1e-6, 10, n));
        assertThrows(IllegalArgumentException.class, () -> DpVocabulary.select(docs, 4, 0, 1e-6, 10, n));
        assertThrows(IllegalArgumentException.class, () -> DpVocabulary.select(docs, 4, 1, 0, 10, n));
        assertThrows(IllegalArgumentException.class, () -> DpVocabulary.select(docs, 4, 1, 1e-6, 1, n));
    }
}
