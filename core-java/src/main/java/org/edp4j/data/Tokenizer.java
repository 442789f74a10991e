package org.edp4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Splits text into lower-case word and number tokens. Deterministic: the same text gives the same
 * tokens in every locale and on every run (character classes come from the JDK's Unicode tables, so
 * only code points whose Unicode properties changed between JDK versions could tokenize differently).
 *
 * <p>Rules, applied per Unicode code point:
 * <ol>
 * <li>A token is a maximal run of letters or digits ({@link Character#isLetterOrDigit(int)});
 *     every other code point (space, punctuation, symbols, apostrophes, hyphens) separates tokens
 *     and is dropped. So {@code "Don't"} gives {@code [don, t]}, {@code "$1,000"} gives
 *     {@code [1, 000]} and {@code "e-mail"} gives {@code [e, mail]}.</li>
 * <li>Each code point is lower-cased with {@link Character#toLowerCase(int)} (no locale).</li>
 * <li>A run longer than {@link #maxTokenLength()} code points is cut to its first
 *     {@code maxTokenLength} code points (base64, hashes and long URLs stay one token and do not
 *     flood the vocabulary with unique strings).</li>
 * </ol>
 *
 * <pre>{@code
 * Tokenizer.standard().tokenize("FREE!!! Win $1,000 at www.Example.com")
 *   // [free, win, 1, 000, at, www, example, com]
 * }</pre>
 */
public final class Tokenizer {

    /** Maximum token length of {@link #standard()}, in code points. */
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 32;

    private static final Tokenizer STANDARD = new Tokenizer(DEFAULT_MAX_TOKEN_LENGTH);

    private final int maxTokenLength;

    private Tokenizer(int maxTokenLength) {
        this.maxTokenLength = maxTokenLength;
    }

    /** @return the tokenizer with maximum token length {@value #DEFAULT_MAX_TOKEN_LENGTH} */
    public static Tokenizer standard() {
        return STANDARD;
    }

    /**
     * @param maxTokenLength the longest token kept whole, in code points, {@code >= 1}; longer runs are cut
     * @return a tokenizer with that maximum token length
     * @throws IllegalArgumentException if maxTokenLength is less than 1
     */
    public static Tokenizer withMaxTokenLength(int maxTokenLength) {
        if (maxTokenLength < 1) {
            throw new IllegalArgumentException("maxTokenLength must be >= 1, got " + maxTokenLength);
        }
        return new Tokenizer(maxTokenLength);
    }

    /** @return the longest token this tokenizer emits, in code points */
    public int maxTokenLength() {
        return maxTokenLength;
    }

    /**
     * Tokenizes one text.
     *
     * @param text the text; not null, not modified
     * @return the tokens in text order, a new modifiable list; empty if the text has no letter or digit
     * @throws NullPointerException if text is null
     */
    public List<String> tokenize(String text) {
        return tokenize(text, Integer.MAX_VALUE);
    }

    /**
     * Tokenizes the start of a text: the first {@code maxTokens} tokens of {@link #tokenize(String)},
     * without reading further (an encoder that keeps {@code maxLen} tokens needs no more).
     *
     * @param text the text; not null, not modified
     * @param maxTokens the most tokens returned, {@code >= 0}
     * @return the first tokens in text order, a new modifiable list
     * @throws NullPointerException if text is null
     * @throws IllegalArgumentException if maxTokens is negative
     */
    public List<String> tokenize(String text, int maxTokens) {
        Objects.requireNonNull(text, "text");
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        int tokenLength = 0;
        int i = 0;
        while (i < text.length() && tokens.size() < maxTokens) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                if (tokenLength < maxTokenLength) {
                    token.appendCodePoint(Character.toLowerCase(cp));
                }
                tokenLength++;
            } else if (tokenLength > 0) {
                tokens.add(token.toString());
                token.setLength(0);
                tokenLength = 0;
            }
        }
        if (tokenLength > 0 && tokens.size() < maxTokens) {
            tokens.add(token.toString());
        }
        return tokens;
    }

    /**
     * Tokenizes every text of a dataset, in dataset order; the result can go straight to
     * {@link Vocabulary#build(Iterable, int, int)}.
     *
     * @param dataset the dataset; not null, not modified
     * @return one token list per example, unmodifiable
     */
    public List<List<String>> tokenizeAll(TextDataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        List<List<String>> docs = new ArrayList<>(dataset.size());
        for (TextExample e : dataset) {
            docs.add(tokenize(e.text()));
        }
        return Collections.unmodifiableList(docs);
    }

    @Override
    public String toString() {
        return "Tokenizer[maxTokenLength=" + maxTokenLength + "]";
    }
}
