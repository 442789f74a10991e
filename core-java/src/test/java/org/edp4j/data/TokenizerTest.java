package org.edp4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    private final Tokenizer tok = Tokenizer.standard();

    @Test
    void examples() {
        assertEquals(List.of("free", "win", "1", "000", "at", "www", "example", "com"),
                tok.tokenize("FREE!!! Win $1,000 at www.Example.com"));
        assertEquals(List.of("don", "t", "e", "mail", "me"), tok.tokenize("Don't e-mail me"));
        assertEquals(List.of("re", "razor", "users", "v2", "0"), tok.tokenize("Re: [Razor-users] v2.0"));
        assertEquals(List.of("café", "größe", "日本語"), tok.tokenize("Café GRÖSSE".replace("SS", "ß") + " 日本語"));
        assertEquals(List.of(), tok.tokenize(""));
        assertEquals(List.of(), tok.tokenize(" \t\n--- !!! ***"));
        assertEquals(List.of("a", "b"), tok.tokenize("\ta\u00a0b\u2028"));
    }

    @Test
    void lowerCasingIgnoresTheDefaultLocale() {
        // Turkish locale lower-cases 'I' to dotless 'ı' with String.toLowerCase(); the tokenizer must not.
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            assertEquals(List.of("indigo"), tok.tokenize("INDIGO"));
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void longRunsAreCutToMaxTokenLength() {
        String run = "A".repeat(100);
        assertEquals(List.of("a".repeat(Tokenizer.DEFAULT_MAX_TOKEN_LENGTH), "b"), tok.tokenize(run + " b"));
        assertEquals(List.of("abc", "de"), Tokenizer.withMaxTokenLength(3).tokenize("abcdef de"));
        // Supplementary code points count once.
        assertEquals(List.of("\uD835\uDC00\uD835\uDC00"), Tokenizer.withMaxTokenLength(2).tokenize("\uD835\uDC00".repeat(5)));
    }

    @Test
    void badArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.withMaxTokenLength(0));
        assertTrue(e.getMessage().contains("maxTokenLength"), e.getMessage());
        assertThrows(NullPointerException.class, () -> tok.tokenize(null));
    }

    @Property
    void tokensAreNonEmptyLowerCaseLettersOrDigits(@ForAll String text) {
        for (String t : tok.tokenize(text)) {
            assertTrue(!t.isEmpty() && t.codePointCount(0, t.length()) <= Tokenizer.DEFAULT_MAX_TOKEN_LENGTH, t);
            t.codePoints().forEach(cp -> {
                assertTrue(Character.isLetterOrDigit(cp), t);
                assertEquals(Character.toLowerCase(cp), cp, t);
            });
        }
    }

    @Property
    void deterministicAndSeparatorInsensitive(@ForAll String text) {
        assertEquals(tok.tokenize(text), tok.tokenize(text));
        assertEquals(tok.tokenize(text), tok.tokenize(" " + text.replace(' ', ',') + " ?"));
    }

    @Test
    void aLimitedTokenizationIsThePrefixOfTheFullOne() {
        Tokenizer tok = Tokenizer.withMaxTokenLength(4);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        String alphabet = "ab \u00e9,\ud83d\ude00Z9- ";
        for (int trial = 0; trial < 500; trial++) {
            StringBuilder sb = new StringBuilder();
            int len = rng.nextInt(0, 40);
            for (int k = 0; k < len; k++) {
                sb.append(alphabet.charAt(rng.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            List<String> all = tok.tokenize(text);
            for (int max = 0; max <= all.size() + 1; max++) {
                assertEquals(all.subList(0, Math.min(max, all.size())), tok.tokenize(text, max), text + " / " + max);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> tok.tokenize("a", -1));
    }
}
