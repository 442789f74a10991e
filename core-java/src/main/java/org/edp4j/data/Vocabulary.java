package org.edp4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable token-to-id map with two reserved ids: {@link #PAD} = 0 ({@value #PAD_TOKEN}) and
 * {@link #UNK} = 1 ({@value #UNK_TOKEN}). Every other id belongs to one token; a token not in the
 * vocabulary maps to {@code UNK}.
 *
 * <p>{@link #build(Iterable, int, int)} fits a vocabulary to tokenized documents: ids
 * {@code 2, 3, ...} go to the tokens in order of decreasing document frequency (the number of
 * documents that contain the token at least once), ties broken by {@link String#compareTo} order, so
 * the same documents always give the same ids. Build it from the <em>training split only</em>.
 *
 * <p><b>Privacy.</b> A vocabulary fitted to private data is itself a release of that data: a token that
 * appears in few documents (a name, an address) reveals that those documents exist, and this release
 * is not covered by the DP-SGD guarantee. Counting documents rather than occurrences bounds what one
 * document adds to any count by one, and {@code minCount} drops rare tokens, but a threshold alone is
 * not differentially private. Use a vocabulary built from public data, or account for it separately.
 * (The bundled SpamAssassin corpus is public, so fitting to its training split is harmless there.)
 *
 * <p>To save a vocabulary in a checkpoint, write {@link #tokens()} one per line; read it back with
 * {@link #of(List)}. Tokens never contain line breaks.
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizer.standard();
 * Vocabulary vocab = Vocabulary.build(tok.tokenizeAll(SpamAssassin.load().train()), 20_000, 2);
 * vocab.id("free");        // a small id: frequent in the training split
 * vocab.id("qwxzzy");      // Vocabulary.UNK
 * Vocabulary same = Vocabulary.of(vocab.tokens());   // same ids
 * }</pre>
 */
public final class Vocabulary implements TokenIndex {

    /** Id of the padding token; encoders fill unused positions with it. */
    public static final int PAD = 0;

    /** Id of every token that is not in the vocabulary. */
    public static final int UNK = 1;

    /** The token string of {@link #PAD}. */
    public static final String PAD_TOKEN = "<pad>";

    /** The token string of {@link #UNK}. */
    public static final String UNK_TOKEN = "<unk>";

    /** Number of reserved ids ({@code PAD} and {@code UNK}). */
    public static final int RESERVED = 2;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens) {
        this.tokens = tokens;
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    /**
     * Fits a vocabulary to tokenized documents. Occurrences of {@value #PAD_TOKEN} and
     * {@value #UNK_TOKEN} in the documents are ignored.
     *
     * @param tokenizedDocs the documents, each a list of tokens; not null, no null document or token,
     *                      not modified. Pass the training split only.
     * @param maxSize       the largest vocabulary size, reserved ids included, {@code >= 2}
     * @param minCount      the smallest document frequency a token needs to be kept, {@code >= 1}
     * @return the vocabulary: {@code PAD}, {@code UNK}, then at most {@code maxSize - 2} tokens,
     *         most frequent first, ties in {@link String#compareTo} order
     * @throws IllegalArgumentException if maxSize is less than 2 or minCount is less than 1
     * @throws NullPointerException     if tokenizedDocs, a document or a token is null
     */
    public static Vocabulary build(Iterable<? extends List<String>> tokenizedDocs, int maxSize, int minCount) {
        Objects.requireNonNull(tokenizedDocs, "tokenizedDocs");
        if (maxSize < RESERVED) {
            throw new IllegalArgumentException("maxSize must be >= 2 (PAD and UNK are included), got " + maxSize);
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
        }
        Map<String, int[]> df = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (List<String> doc : tokenizedDocs) {
            Objects.requireNonNull(doc, "tokenizedDocs contains a null document");
            seen.clear();
            for (String token : doc) {
                Objects.requireNonNull(token, "tokenizedDocs contains a null token");
                if (seen.add(token) && !token.equals(PAD_TOKEN) && !token.equals(UNK_TOKEN)) {
                    df.computeIfAbsent(token, t -> new int[1])[0]++;
                }
            }
        }
        List<Map.Entry<String, int[]>> entries = new ArrayList<>();
        for (Map.Entry<String, int[]> e : df.entrySet()) {
            if (e.getValue()[0] >= minCount) {
                entries.add(e);
            }
        }
        entries.sort((a, b) -> {
            int c = Integer.compare(b.getValue()[0], a.getValue()[0]);
            return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
        int keep = Math.min(entries.size(), maxSize - RESERVED);
        List<String> tokens = new ArrayList<>(keep + RESERVED);
        tokens.add(PAD_TOKEN);
        tokens.add(UNK_TOKEN);
        for (int i = 0; i < keep; i++) {
            tokens.add(entries.get(i).getKey());
        }
        return new Vocabulary(List.copyOf(tokens));
    }

    /**
     * Restores a vocabulary from its {@link #tokens()} list (id = index).
     *
     * @param tokens {@value #PAD_TOKEN}, {@value #UNK_TOKEN}, then distinct non-empty tokens without
     *               line breaks; not null; copied
     * @return the vocabulary
     * @throws IllegalArgumentException if tokens does not start with the two reserved tokens, or a token
     *                                  is empty, repeated or contains a line break
     * @throws NullPointerException     if tokens or a token is null
     */
    public static Vocabulary of(List<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        List<String> copy = List.copyOf(tokens);
        if (copy.size() < RESERVED || !copy.get(PAD).equals(PAD_TOKEN) || !copy.get(UNK).equals(UNK_TOKEN)) {
            throw new IllegalArgumentException("tokens must start with " + PAD_TOKEN + ", " + UNK_TOKEN
                    + ", got " + copy.subList(0, Math.min(copy.size(), RESERVED)));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < copy.size(); i++) {
            String t = copy.get(i);
            if (t.isEmpty() || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("tokens[" + i + "] must be non-empty without line breaks, got '"
                        + t.replace("\n", "\\n").replace("\r", "\\r") + "'");
            }
            if (!seen.add(t)) {
                throw new IllegalArgumentException("tokens must be distinct, tokens[" + i + "] = '" + t
                        + "' appears earlier");
            }
        }
        return new Vocabulary(copy);
    }

    /** @return the number of ids, reserved ones included; ids are {@code 0 .. size() - 1} */
    @Override
    public int size() {
        return tokens.size();
    }

    /**
     * @param token the token; not null
     * @return its id, or {@link #UNK} if it is not in the vocabulary
     */
    @Override
    public int id(String token) {
        Integer id = ids.get(Objects.requireNonNull(token, "token"));
        return id == null ? UNK : id;
    }

    /**
     * @param token the token; not null
     * @return whether the token has an id of its own (the reserved tokens included)
     */
    public boolean contains(String token) {
        return ids.containsKey(Objects.requireNonNull(token, "token"));
    }

    /**
     * @param id the id, in {@code [0, size())}
     * @return the token with that id
     * @throws IllegalArgumentException if id is out of range
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("id must be in [0, " + tokens.size() + "), got " + id);
        }
        return tokens.get(id);
    }

    /** @return all tokens, index = id, unmodifiable; the checkpoint form (see {@link #of(List)}) */
    public List<String> tokens() {
        return tokens;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && tokens.equals(v.tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[size=" + tokens.size() + "]";
    }
}
