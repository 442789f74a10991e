package org.edp4j.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CounterfactualSwapTest {

    static final CounterfactualSwap SWAP = CounterfactualSwap.of(WordPairs.english());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "He gave HER his book, Mr. Smith!      | She gave HIM her book, Mrs. Smith!",
        "she said: he's here                   | he said: she's here",
        "I saw her.                            | I saw him.",
        "her book and her own car              | his book and his own car",
        "gave her the book                     | gave him the book",
        "her 3 kids                            | his 3 kids",
        "her, then him                         | him, then her",
        "the book is his.                      | the book is hers.",
        "hers is red                           | his is red",
        "John met Mary; JOHN met MARY          | Sarah met Jack; SARAH met JACK",
        "hE and mIsTeR                         | she and missus",
        "HeLLo Man                             | HeLLo Woman",
        "ManMade manhood e-mail he2            | ManMade manhood e-mail he2",
        "his\tbook                             | her\tbook",
        "his\u00a0book                          | her\u00a0book",
        "her\u2014book                          | him\u2014book",
    })
    void examples(String in, String out) {
        assertEquals(out.strip(), SWAP.swap(in.strip()));
    }

    @Test
    void aTextWithoutLexiconWordsIsReturnedAsIs() {
        String t = "Win a FREE cruise, click now \uD83D\uDE00";
        CounterfactualSwap.Result r = SWAP.apply(t);
        assertSame(t, r.text());
        assertEquals(0, r.swaps());
        assertEquals(3, SWAP.apply("he, she and Mary").swaps());
        assertEquals("", SWAP.swap(""));
    }

    @Test
    void pronounsCountAsFunctionWordsAndNamesDoNot() {
        for (String w : List.of("he", "she", "him", "her", "his", "hers", "himself", "herself")) {
            assertTrue(SWAP.isFunctionWord(w), w);
        }
        for (String w : List.of("john", "sarah", "book", "man", "woman")) {
            assertFalse(SWAP.isFunctionWord(w), w);
        }
        assertTrue(SWAP.isFunctionWord("the"));
    }

    /** Pieces of a text: lexicon words in the three reversible case patterns, other words, separators. */
    static final List<String> OTHER = List.of("the", "book", "own", "and", "to", "a", "saw", "car", "x", "42", "Über",
            "naïve", "日本", "don", "t", "s", "mail");
    static final List<String> SEPARATORS = List.of(" ", "  ", "\t", "\n", ", ", ". ", "'", "-", "\u00a0", " \u2014 ",
            "!?", " (", ") ", "\uD83D\uDE00", "_", "\r\n");

    @Provide
    Arbitrary<String> texts() {
        List<String> lexicon = new ArrayList<>(WordPairs.english().words());
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of(lexicon).flatMap(w -> Arbitraries.of(w, WordCase.title(w), WordCase.upper(w))),
                Arbitraries.of(OTHER));
        Arbitrary<String> piece = Combinators.combine(word, Arbitraries.of(SEPARATORS)).as((w, s) -> w + s);
        return piece.list().ofMinSize(0).ofMaxSize(14).map(ps -> {
            StringBuilder sb = new StringBuilder();
            for (String p : ps) {
                sb.append(p);
            }
            return grammatical(sb.toString());
        });
    }

    /** Puts a function word after every him/hers that precedes a word after white space (see the swap's javadoc). */
    static String grammatical(String text) {
        // Word boundaries as the swap sees them (letters and digits), not the regex \b, for which '_' is a
        // word character: "he_him man" has the word "him" before "man".
        return text.replaceAll("(?iU)(?<![\\p{L}\\p{Nd}])(him|hers)(\\s+)(?=[\\p{L}\\p{Nd}])", "$1$2the ");
    }

    @Test
    void underscoreSeparatesWordsInTheGenerator() {
        assertEquals("he_him the man ", grammatical("he_him man "));
    }

    @Property(tries = 2000)
    void swappingTwiceGivesTheTextBack(@ForAll("texts") String text) {
        assertEquals(text, SWAP.swap(SWAP.swap(text)));
    }

    @Property(tries = 1000)
    void onlyLexiconWordsChangeAndEverythingBetweenWordsStays(@ForAll("texts") String text) {
        String swapped = SWAP.swap(text);
        assertEquals(text.replaceAll("[\\p{L}\\p{Nd}]+", "W"), swapped.replaceAll("[\\p{L}\\p{Nd}]+", "W"));
        String[] a = text.split("[^\\p{L}\\p{Nd}]+");
        String[] b = swapped.split("[^\\p{L}\\p{Nd}]+");
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            String lower = WordCase.lower(a[i]);
            if (WordPairs.english().contains(lower)) {
                assertEquals(WordCase.of(a[i]), WordCase.of(b[i]), a[i] + " -> " + b[i]);
                assertTrue(WordPairs.english().contains(WordCase.lower(b[i])), b[i]);
            } else {
                assertEquals(a[i], b[i]);
            }
        }
    }
}
