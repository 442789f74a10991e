package org.edp4j.fairness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.edp4j.io.InputFileException;

/**
 * A lexicon of protected-attribute word pairs (he/she, his/her, mr/mrs, john/sarah, ...): the words
 * a {@link CounterfactualSwap} exchanges and the tokens whose weight is 1 in
 * {@link PredictionSensitivity}. {@link #english()} is the bundled English gender lexicon; users
 * can load their own with {@link #load(Path)}.
 *
 * <h2>File format</h2>
 * UTF-8 text, one pair per line: two words separated by a tab or spaces (the first of one group, the
 * second of the other, e.g. male then female). Lines that start with {@code #} and blank lines are
 * skipped. Each word is lower-cased per code point and must be one token of
 * {@link org.edp4j.data.Tokenizer}: at least 2 and at most {@value #MAX_WORD_LENGTH} letters or digits,
 * nothing else (a hyphenated name is two tokens and cannot be one word here). A word's upper- and
 * title-case forms must lower-case back to it.
 *
 * <h2>A word with two partners</h2>
 * A word may be in two pairs only when exactly one of its two partners is a possessive determiner
 * ({@value #DETERMINERS_TEXT}): English {@code her} is paired with {@code his} (before a noun:
 * "her book" / "his book") and with {@code him} (elsewhere: "saw her." / "saw him."), and {@code his}
 * with {@code her} and {@code hers}. {@link #partner(String, boolean)} picks by the reading;
 * {@link CounterfactualSwap} decides the reading from the next word. Any other word in two pairs, a
 * word in three, a word paired with itself or a repeated pair is an error naming both lines.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPairs {

    /** The bundled English lexicon's resource, beside this class. */
    public static final String ENGLISH_RESOURCE = "gender-pairs.tsv";
    /** The longest word, in code points (the tokenizer's default longest token). */
    public static final int MAX_WORD_LENGTH = 32;
    /** The possessive determiners that may be the second partner of a word. */
    static final Set<String> DETERMINERS = Set.of("his", "her", "its", "their", "my", "your", "our");
    static final String DETERMINERS_TEXT = "his, her, its, their, my, your, our";

    /**
     * One pair of the file.
     *
     * @param first the first column's word, lower case
     * @param second the second column's word, lower case
     * @param line the 1-based line it came from
     */
    public record Pair(String first, String second, long line) {
    }

    private static volatile WordPairs english;

    private final String name;
    private final List<Pair> pairs;
    /** word -> its partner when it has one; the partner before a noun when it has two */
    private final Map<String, String> determinerReading;
    /** word -> its partner elsewhere (the same as determinerReading for a word with one partner) */
    private final Map<String, String> standaloneReading;

    private WordPairs(String name, List<Pair> pairs, Map<String, String> determinerReading,
            Map<String, String> standaloneReading) {
        this.name = name;
        this.pairs = List.copyOf(pairs);
        this.determinerReading = Collections.unmodifiableMap(determinerReading);
        this.standaloneReading = Collections.unmodifiableMap(standaloneReading);
    }

    /**
     * The bundled English gender lexicon: hand-written word pairs (pronouns, kinship, titles, roles) and
     * 100 pairs of common first names; its header says where each part comes from and under which
     * licence (docs/fairness.md, data/fairness/).
     *
     * @return the lexicon (one shared instance)
     */
    public static WordPairs english() {
        WordPairs e = english;
        if (e == null) {
            try (InputStream in = WordPairs.class.getResourceAsStream(ENGLISH_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the resource " + ENGLISH_RESOURCE + " is missing from the jar");
                }
                e = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + ENGLISH_RESOURCE);
            } catch (IOException ex) {
                throw new IllegalStateException("cannot read the resource " + ENGLISH_RESOURCE + ": " + ex.getMessage(), ex);
            }
            english = e;
        }
        return e;
    }

    /**
     * Reads a pairs file (class javadoc).
     *
     * @param file the file; UTF-8
     * @return the lexicon, named by the file
     * @throws InputFileException for a missing, unreadable or non-UTF-8 file, and for the first bad line
     */
    public static WordPairs load(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new InputFileException(name, 0, "is a directory; expected a word-pairs file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputFileException(name, 0, "no such file; expected a word-pairs file (two words per line)");
        } catch (IOException e) {
            throw new InputFileException(name, 0, "cannot read it (" + e.getMessage() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int line = 1;
            int at = firstInvalidUtf8(bytes);
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new InputFileException(name, line, "invalid UTF-8; expected UTF-8 text");
        }
        return parse(text, name);
    }

    /**
     * Parses the text of a pairs file.
     *
     * @param content the text; not null
     * @param name the file's name for messages
     * @return the lexicon
     * @throws InputFileException for the first bad line, or when there is no pair
     */
    public static WordPairs parse(String content, String name) {
        Objects.requireNonNull(content, "content");
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        List<Pair> pairs = new ArrayList<>();
        Map<String, List<Pair>> byWord = new LinkedHashMap<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            long lineNo = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.strip().split("[\\t ]+");
            if (f.length != 2) {
                throw new InputFileException(name, lineNo, f.length + " word" + (f.length == 1 ? "" : "s")
                        + "; expected two words separated by a tab or spaces");
            }
            String a = word(f[0], name, lineNo);
            String b = word(f[1], name, lineNo);
            if (a.equals(b)) {
                throw new InputFileException(name, lineNo, "'" + a + "' is paired with itself; expected two different words");
            }
            for (Pair p : byWord.getOrDefault(a, List.of())) {
                if (p.first.equals(b) || p.second.equals(b)) {
                    throw new InputFileException(name, lineNo, "the pair " + a + "/" + b + " is already on line "
                            + p.line + "; expected each pair once");
                }
            }
            Pair p = new Pair(a, b, lineNo);
            pairs.add(p);
            byWord.computeIfAbsent(a, k -> new ArrayList<>()).add(p);
            byWord.computeIfAbsent(b, k -> new ArrayList<>()).add(p);
        }
        if (pairs.isEmpty()) {
            throw new InputFileException(name, 0, "no pair; expected lines of two words separated by a tab or spaces");
        }
        Map<String, String> det = new LinkedHashMap<>();
        Map<String, String> alone = new LinkedHashMap<>();
        for (Map.Entry<String, List<Pair>> e : byWord.entrySet()) {
            String w = e.getKey();
            List<Pair> ps = e.getValue();
            if (ps.size() == 1) {
                det.put(w, other(ps.get(0), w));
                alone.put(w, other(ps.get(0), w));
                continue;
            }
            Pair second = ps.get(1);
            if (ps.size() > 2) {
                throw new InputFileException(name, ps.get(2).line, "'" + w + "' is in a third pair (lines "
                        + ps.get(0).line + " and " + second.line + " hold the others); expected at most two pairs per word");
            }
            String p1 = other(ps.get(0), w);
            String p2 = other(second, w);
            boolean d1 = DETERMINERS.contains(p1);
            boolean d2 = DETERMINERS.contains(p2);
            if (d1 == d2) {
                throw new InputFileException(name, second.line, "'" + w + "' is already paired with '" + p1
                        + "' on line " + ps.get(0).line + "; a word may have a second partner only when exactly one of "
                        + "the two is a possessive determiner (" + DETERMINERS_TEXT + "), as her: his before a noun, "
                        + "him elsewhere");
            }
            det.put(w, d1 ? p1 : p2);
            alone.put(w, d1 ? p2 : p1);
        }
        // The swap must undo itself: a word with two partners must be each partner's partner in the same reading.
        for (String w : det.keySet()) {
            String d = det.get(w);
            String s = alone.get(w);
            if (!d.equals(s) && (!det.get(d).equals(w) || !alone.get(s).equals(w))) {
                throw new InputFileException(name, byWord.get(w).get(1).line, "'" + w + "' goes to '" + d
                        + "' before a noun and to '" + s + "' elsewhere, but they go to '" + det.get(d) + "' and '"
                        + alone.get(s) + "'; expected pairs that swap back");
            }
        }
        return new WordPairs(name, pairs, det, alone);
    }

    private static String other(Pair p, String w) {
        return p.first.equals(w) ? p.second : p.first;
    }

    /** Checks and lower-cases one word (class javadoc). */
    private static String word(String raw, String name, long line) {
        String w = WordCase.lower(raw);
        int n = w.codePointCount(0, w.length());
        if (!w.codePoints().allMatch(Character::isLetterOrDigit)) {
            throw new InputFileException(name, line, "'" + raw + "' is not one word; expected letters or digits only "
                    + "(the tokenizer splits a text at every other character)");
        }
        if (n < 2 || n > MAX_WORD_LENGTH) {
            throw new InputFileException(name, line, "'" + raw + "' has " + n + " letters; expected 2 to "
                    + MAX_WORD_LENGTH + " (one letter cannot tell UPPER from Title case)");
        }
        if (!WordCase.lower(WordCase.upper(w)).equals(w) || !WordCase.lower(WordCase.title(w)).equals(w)
                || WordCase.of(w) != WordCase.LOWER || WordCase.of(WordCase.title(w)) != WordCase.TITLE
                || WordCase.of(WordCase.upper(w)) != WordCase.UPPER) {
            throw new InputFileException(name, line, "'" + raw + "' does not keep its letters through upper and title "
                    + "case; expected a word whose case can be changed and changed back");
        }
        return w;
    }

    private static int firstInvalidUtf8(byte[] bytes) {
        var dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        dec.decode(in, out, true);
        return in.position();
    }

    /** @return the name of the lexicon (its file, or {@code bundled gender-pairs.tsv}) */
    public String name() {
        return name;
    }

    /** @return the pairs in file order */
    public List<Pair> pairs() {
        return pairs;
    }

    /** @return the number of pairs */
    public int size() {
        return pairs.size();
    }

    /**
     * @param word a lower-case token
     * @return whether it is in a pair: a protected-attribute word
     */
    public boolean contains(String word) {
        return determinerReading.containsKey(word);
    }

    /**
     * @param word a lower-case token
     * @return whether it has two partners (her, his in the English lexicon)
     */
    public boolean hasTwoPartners(String word) {
        String d = determinerReading.get(word);
        return d != null && !d.equals(standaloneReading.get(word));
    }

    /**
     * The word a swap puts in place of {@code word}.
     *
     * @param word a lower-case token
     * @param beforeNoun for a word with two partners, whether it stands before a noun (the
     *     determiner reading: her -> his) or not (her -> him); ignored for a word with one partner
     * @return the partner, lower case, or null when the word is in no pair
     */
    public String partner(String word, boolean beforeNoun) {
        return (beforeNoun ? determinerReading : standaloneReading).get(word);
    }

    /** @return every word of the lexicon, lower case */
    public Set<String> words() {
        return determinerReading.keySet();
    }

    @Override
    public String toString() {
        return "WordPairs[" + name + ", " + pairs.size() + " pairs]";
    }
}
