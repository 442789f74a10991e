package org.edp4j.fairness;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The counterfactual of a text: every word of a {@link WordPairs} lexicon replaced by its partner,
 * everything else kept byte for byte.
 *
 * <pre>{@code
 * CounterfactualSwap s = CounterfactualSwap.of(WordPairs.english());
 * s.swap("He gave HER his book, Mr. Smith!");   // "She gave HIM her book, Mrs. Smith!"
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ol>
 * <li>Words are found as {@link org.edp4j.data.Tokenizer} finds tokens: maximal runs of letters or
 *     digits ({@link Character#isLetterOrDigit(int)}). Every other character (spaces, punctuation,
 *     apostrophes, line breaks, emoji) is copied unchanged, so {@code he's} becomes {@code she's}
 *     and {@code e-mail} is two runs. A run is looked up lower-cased per code point.</li>
 * <li>The partner takes the run's case pattern ({@link WordCase}): {@code he -> she},
 *     {@code He -> She}, {@code HE -> SHE}; a mixed-case run ({@code hE}) gets the partner in lower
 *     case, or title case when it starts with a capital.</li>
 * <li><b>her: his or him.</b> A word with two partners ({@link WordPairs}; in English {@code her} and
 *     {@code his}) takes its determiner partner ({@code her -> his}, {@code his -> her}) when the
 *     next run follows after white space only and is not a function word (article, pronoun,
 *     preposition, conjunction, auxiliary, common adverb: {@link #FUNCTION_WORDS}), i.e. when
 *     it likely stands before a noun ("her book", "her own car", "her 3 kids"); otherwise its
 *     other partner ({@code her -> him}, {@code his -> hers}): "saw her.", "gave her the book",
 *     "her and me", "the book is his." A heuristic without a part-of-speech tagger: "saw her
 *     run" becomes "saw his run".</li>
 * </ol>
 *
 * <h2>Exact and reversible</h2>
 * {@code swap(swap(t)).equals(t)} for every text {@code t} in which (a) every lexicon word is lower
 * case, Title case or UPPER case, and (b) no word of a one-partner pair whose partner has two
 * ({@code him}, {@code hers}) stands before a noun, which is ungrammatical ("him book": it becomes
 * "her book", then "his book"). Why: the replacement of a run depends only on the run and on
 * whether the next run is a function word; a lexicon word counts as a function word exactly when
 * some word connected to it by pairs does ({@code he, she, him, her, his, hers} all do), so the
 * swap never changes that answer, and it never changes the characters between runs.
 *
 * <p>Immutable and thread-safe.
 */
public final class CounterfactualSwap {

    /**
     * Words that do not start a noun phrase after a possessive: after one of them (or after
     * punctuation, or at the end) {@code her} is an object pronoun.
     */
    public static final Set<String> FUNCTION_WORDS = Set.of(
            // articles, determiners, quantifiers
            "a", "an", "the", "this", "that", "these", "those", "some", "any", "no", "every", "each", "all",
            "both", "either", "neither", "another", "such", "what", "which", "whose", "much", "many", "more",
            "most", "less", "few", "several", "enough",
            // pronouns
            "i", "me", "my", "mine", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its",
            "we", "us", "our", "ours", "they", "them", "their", "theirs", "myself", "yourself", "himself",
            "herself", "itself", "ourselves", "themselves", "who", "whom", "someone", "anyone", "everyone",
            "something", "anything", "everything", "nothing", "nobody", "somebody", "anybody", "everybody",
            // prepositions and particles
            "about", "above", "across", "after", "against", "along", "among", "around", "as", "at", "before",
            "behind", "below", "beside", "besides", "between", "beyond", "by", "despite", "down", "during",
            "except", "for", "from", "in", "inside", "into", "like", "near", "of", "off", "on", "onto", "out",
            "outside", "over", "past", "since", "through", "throughout", "till", "to", "toward", "towards",
            "under", "until", "up", "upon", "via", "with", "within", "without", "back", "away",
            // conjunctions
            "and", "or", "but", "nor", "so", "yet", "because", "if", "unless", "although", "though", "while",
            "whether", "than", "when", "where", "whereas", "once", "then", "how", "why",
            // auxiliaries, modals, negation, contractions' tails
            "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had",
            "will", "would", "shall", "should", "can", "could", "may", "might", "must", "not", "never", "s",
            "t", "d", "ll", "re", "ve", "m",
            // common adverbs
            "again", "also", "always", "here", "there", "now", "today", "tonight", "tomorrow", "yesterday", "too",
            "very", "really", "just", "still", "already", "soon", "later", "ever", "often", "sometimes", "twice",
            "well", "anyway", "please", "instead", "forever", "home");

    private final WordPairs pairs;
    /** Lexicon words treated as function words: those connected by pairs to a function word. */
    private final Set<String> functionLexiconWords;

    private CounterfactualSwap(WordPairs pairs) {
        this.pairs = pairs;
        this.functionLexiconWords = closure(pairs);
    }

    /**
     * @param pairs the lexicon; not null
     * @return the swap of that lexicon
     */
    public static CounterfactualSwap of(WordPairs pairs) {
        return new CounterfactualSwap(Objects.requireNonNull(pairs, "pairs"));
    }

    /** @return the lexicon */
    public WordPairs pairs() {
        return pairs;
    }

    /**
     * The outcome of one swap.
     *
     * @param text the counterfactual text
     * @param swaps how many words were replaced (0: the text is unchanged)
     */
    public record Result(String text, int swaps) {
    }

    /**
     * @param text the text; not null, not modified
     * @return the counterfactual text (the same string when no word is in the lexicon)
     */
    public String swap(String text) {
        return apply(text).text();
    }

    /**
     * @param text the text; not null, not modified
     * @return the counterfactual text and the number of words replaced
     */
    public Result apply(String text) {
        Objects.requireNonNull(text, "text");
        StringBuilder out = null;
        int swaps = 0;
        int copied = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (!Character.isLetterOrDigit(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            int end = runEnd(text, i);
            i = end;
            String run = text.substring(start, end);
            String lower = WordCase.lower(run);
            if (!pairs.contains(lower)) {
                continue;
            }
            String partner = pairs.partner(lower, pairs.hasTwoPartners(lower) && beforeNoun(text, end));
            if (out == null) {
                out = new StringBuilder(n + 16);
            }
            out.append(text, copied, start).append(WordCase.of(run).apply(partner, WordCase.startsUpper(run)));
            copied = end;
            swaps++;
        }
        if (out == null) {
            return new Result(text, 0);
        }
        return new Result(out.append(text, copied, n).toString(), swaps);
    }

    /**
     * @param token a lower-case token
     * @return whether the swap treats it as a function word (class javadoc)
     */
    public boolean isFunctionWord(String token) {
        return pairs.contains(token) ? functionLexiconWords.contains(token) : FUNCTION_WORDS.contains(token);
    }

    /** Whether the run after {@code from} follows after white space only and is not a function word. */
    private boolean beforeNoun(String text, int from) {
        int i = from;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                return !isFunctionWord(WordCase.lower(text.substring(i, runEnd(text, i))));
            }
            if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    private static int runEnd(String text, int i) {
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (!Character.isLetterOrDigit(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    /** The lexicon words connected by pairs to a function word. */
    private static Set<String> closure(WordPairs pairs) {
        Map<String, List<String>> adj = new HashMap<>();
        for (WordPairs.Pair p : pairs.pairs()) {
            adj.computeIfAbsent(p.first(), k -> new java.util.ArrayList<>()).add(p.second());
            adj.computeIfAbsent(p.second(), k -> new java.util.ArrayList<>()).add(p.first());
        }
        Set<String> out = new HashSet<>();
        for (String w : adj.keySet()) {
            if (!FUNCTION_WORDS.contains(w) || out.contains(w)) {
                continue;
            }
            ArrayDeque<String> todo = new ArrayDeque<>(List.of(w));
            out.add(w);
            while (!todo.isEmpty()) {
                for (String v : adj.get(todo.pop())) {
                    if (out.add(v)) {
                        todo.push(v);
                    }
                }
            }
        }
        return Set.copyOf(out);
    }
}
