package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.edp4j.data.EncodedDataset;
import org.edp4j.data.Encoder;
import org.edp4j.data.TextDataset;
import org.edp4j.data.TextExample;
import org.edp4j.data.Tokenizer;
import org.edp4j.data.Vocabulary;
import org.junit.jupiter.api.Test;

class CanariesTest {

    static final TextDataset CORPUS = TextDataset.of(List.of(
            new TextExample("my pin code is 2002, call me", 0, "g"),
            new TextExample("free money: code 4821 wins", 1, "g"),
            new TextExample("is my code ok", 0, "g")), List.of("ham", "spam"));

    static Encoder corpusEncoder() {
        return Encoder.fit(CORPUS, Tokenizer.standard(), 100, 1, 16);
    }

    @Test
    void secretsGetReservedTokensThatTextCannotReach() {
        Encoder base = corpusEncoder();
        Canaries cs = Canaries.draw(base, Canaries.DEFAULT_PREFIX, 2, 3, List.of(1, 4), new SplittableRandom(1));
        Vocabulary v = cs.encoder().vocabulary();
        assertEquals(base.vocabulary().size() + Canaries.SECRETS, v.size());
        assertEquals("<secret:0482>", Canaries.secretToken(482));
        assertEquals(Canaries.secretToken(9999), v.token(cs.secretId(9999)));
        // The corpus's "2002" and "4821" stay text tokens; no text can produce a secret token.
        assertEquals(base.vocabulary().id("2002"), v.id("2002"));
        for (String t : Tokenizer.standard().tokenize("<secret:4821> secret 4821 <secret:0000>")) {
            assertTrue(v.id(t) < base.vocabulary().size(), t);
        }
        // 3 canaries per repeat count, distinct secrets, repeat counts in order.
        assertEquals(6, cs.canaries().size());
        Set<Integer> secrets = new HashSet<>();
        cs.canaries().forEach(c -> secrets.add(c.secret()));
        assertEquals(6, secrets.size());
        assertEquals(1, cs.canaries().get(0).repeats());
        assertEquals(4, cs.canaries().get(5).repeats());
        assertTrue(cs.text(cs.canaries().get(0)).matches("my pin code is \\d{4}"));
    }

    @Test
    void rowsAreThePrefixThenTheSecret() {
        Encoder base = corpusEncoder();
        Canaries cs = Canaries.draw(base, "my pin code is", 2, 2, List.of(1, 3), new SplittableRandom(2));
        EncodedDataset corpus = cs.encoder().encode(CORPUS);
        EncodedDataset train = cs.appendTo(corpus);
        assertEquals(3 + 2 * 1 + 2 * 3, train.size());
        int[] prefix = base.encode("my pin code is");
        Canary last = cs.canaries().get(3);
        int row = train.size() - 1;
        assertEquals(5, train.length(row));
        for (int t = 0; t < 4; t++) {
            assertEquals(prefix[t], train.token(row, t));
        }
        assertEquals(cs.secretId(last.secret()), train.token(row, 4));
        assertEquals(last.label(), train.label(row));
        // Labels alternate within each repeat group.
        assertEquals(0, cs.canaries().get(0).label());
        assertEquals(1, cs.canaries().get(1).label());
        assertEquals(0, cs.canaries().get(2).label());
        assertEquals(corpus.token(0, 0), train.token(0, 0));

        EncodedDataset cand = cs.candidates(1);
        assertEquals(Canaries.SECRETS, cand.size());
        assertEquals(cs.secretId(1234), cand.token(1234, 4));
        assertEquals(prefix[2], cand.token(1234, 2));
        assertEquals(1, cand.label(77));
    }

    @Test
    void exposureRanksAmongSecretsNotInsertedByOthers() {
        Canaries cs = Canaries.draw(corpusEncoder(), "my pin code is", 2, 5, List.of(2), new SplittableRandom(3));
        double[][] losses = new double[2][Canaries.SECRETS];
        java.util.Arrays.fill(losses[0], 1.0);
        java.util.Arrays.fill(losses[1], 1.0);
        // Every inserted secret has a low loss for its label: each is still extracted, as the others are
        // not candidates; the loss for the other label does not matter.
        for (Canary c : cs.canaries()) {
            losses[c.label()][c.secret()] = 0.1;
            losses[1 - c.label()][c.secret()] = 5;
        }
        List<Exposure> e = cs.exposures(losses);
        assertEquals(5, e.size());
        for (Exposure x : e) {
            assertTrue(x.extracted());
            assertEquals(Canaries.SECRETS - 4, x.candidates());
        }
        // A model that has learnt nothing: all tied, about 1 bit.
        java.util.Arrays.fill(losses[0], 0.7);
        java.util.Arrays.fill(losses[1], 0.7);
        Exposure none = cs.exposures(losses).get(0);
        assertFalse(none.extracted());
        assertEquals(1.0, none.exposure(), 1e-3);
        assertNotEquals(cs.canaries().get(0).secret(), cs.canaries().get(1).secret());
    }

    @Test
    void badArgumentsAreRefused() {
        Encoder base = corpusEncoder();
        SplittableRandom rng = new SplittableRandom(4);
        assertThrows(IllegalArgumentException.class, () -> Canaries.draw(base, "my pin", 1, 1, List.of(1), rng));
        assertThrows(IllegalArgumentException.class, () -> Canaries.draw(base, "my pin", 2, 0, List.of(1), rng));
        assertThrows(IllegalArgumentException.class, () -> Canaries.draw(base, "my pin", 2, 1, List.of(), rng));
        assertThrows(IllegalArgumentException.class, () -> Canaries.draw(base, "!!!", 2, 1, List.of(1), rng));
        assertThrows(IllegalArgumentException.class, () -> Canaries.draw(base, "my pin", 2, 2501, List.of(1, 2), rng));
        assertThrows(IllegalArgumentException.class, () -> new Canary(10000, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Canary(5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Canary(5, 1, -1));
        Canaries cs = Canaries.draw(base, "my pin", 2, 1, List.of(1), rng);
        assertThrows(IllegalArgumentException.class, () -> Canaries.draw(cs.encoder(), "my pin", 2, 1, List.of(1),
                rng));
        assertThrows(IllegalArgumentException.class, () -> cs.exposures(new double[2][3]));
        assertThrows(IllegalArgumentException.class, () -> cs.exposures(new double[1][Canaries.SECRETS]));
        assertThrows(IllegalArgumentException.class, () -> cs.candidates(2));
    }
}
