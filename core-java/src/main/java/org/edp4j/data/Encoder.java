package org.edp4j.data;

import java.util.List;
import java.util.Objects;

/**
 * Turns texts into fixed-length rows of token ids: tokenize with a {@link Tokenizer}, map each token
 * with a {@link TokenIndex} (a {@link Vocabulary}, where unknown tokens become {@link Vocabulary#UNK},
 * or a {@link HashedVocabulary}), keep the first
 * {@link #maxLen()} ids (head truncation) and fill the rest of the row with {@link Vocabulary#PAD}.
 *
 * <pre>{@code
 * DatasetSplits data = SpamAssassin.load();
 * Encoder enc = Encoder.fit(data.train(), Tokenizer.standard(), 20_000, 2, 256);  // vocabulary from train only
 * EncodedDataset train = enc.encode(data.train());
 * EncodedDataset test = enc.encode(data.test());
 * }</pre>
 */
public final class Encoder {

    private final Tokenizer tokenizer;
    private final TokenIndex index;
    private final int maxLen;

    private Encoder(Tokenizer tokenizer, TokenIndex index, int maxLen) {
        this.tokenizer = tokenizer;
        this.index = index;
        this.maxLen = maxLen;
    }

    /**
     * @param tokenizer the tokenizer; not null
     * @param index     the token ids: a {@link Vocabulary} or a {@link HashedVocabulary}; not null
     * @param maxLen    the row length, {@code >= 1}
     * @return an encoder
     * @throws IllegalArgumentException if maxLen is less than 1
     */
    public static Encoder of(Tokenizer tokenizer, TokenIndex index, int maxLen) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(index, "index");
        if (maxLen < 1) {
            throw new IllegalArgumentException("maxLen must be >= 1, got " + maxLen);
        }
        return new Encoder(tokenizer, index, maxLen);
    }

    /**
     * Builds the vocabulary from {@code train} with {@link Vocabulary#build(Iterable, int, int)} and
     * returns an encoder that uses it. Pass the training split only (see the privacy note of
     * {@link Vocabulary}).
     *
     * @param train        the training split; not null, not modified
     * @param tokenizer    the tokenizer; not null
     * @param maxVocabSize the largest vocabulary size, reserved ids included, {@code >= 2}
     * @param minCount     the smallest document frequency a token needs, {@code >= 1}
     * @param maxLen       the row length, {@code >= 1}
     * @return the encoder
     * @throws IllegalArgumentException if maxVocabSize, minCount or maxLen is out of range
     */
    public static Encoder fit(TextDataset train, Tokenizer tokenizer, int maxVocabSize, int minCount, int maxLen) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (maxLen < 1) {
            throw new IllegalArgumentException("maxLen must be >= 1, got " + maxLen);
        }
        return new Encoder(tokenizer, Vocabulary.build(tokenizer.tokenizeAll(train), maxVocabSize, minCount), maxLen);
    }

    /** @return the tokenizer */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** @return the token ids (a {@link Vocabulary} or a {@link HashedVocabulary}) */
    public TokenIndex tokenIndex() {
        return index;
    }

    /**
     * @return the vocabulary
     * @throws IllegalStateException if this encoder hashes tokens ({@link HashedVocabulary}) instead
     */
    public Vocabulary vocabulary() {
        if (index instanceof Vocabulary v) {
            return v;
        }
        throw new IllegalStateException("this encoder hashes tokens (" + index + "); it has no vocabulary list");
    }

    /** @return the row length */
    public int maxLen() {
        return maxLen;
    }

    /**
     * Encodes one text into a row.
     *
     * @param text   the text; not null
     * @param dst    receives the row at {@code [offset, offset + maxLen())}; modified there only
     * @param offset the first position written, {@code >= 0}, with {@code offset + maxLen() <= dst.length}
     * @return the number of real tokens written, in {@code [0, maxLen()]}; the rest of the row is PAD
     * @throws IllegalArgumentException if the row does not fit in dst at offset
     */
    public int encode(String text, int[] dst, int offset) {
        Objects.requireNonNull(dst, "dst");
        if (offset < 0 || (long) offset + maxLen > dst.length) {
            throw new IllegalArgumentException("offset must be in [0, dst.length - maxLen] = [0, "
                    + (dst.length - maxLen) + "], got " + offset);
        }
        List<String> tokens = tokenizer.tokenize(text, maxLen);
        int length = Math.min(tokens.size(), maxLen);
        for (int t = 0; t < length; t++) {
            dst[offset + t] = index.id(tokens.get(t));
        }
        for (int t = length; t < maxLen; t++) {
            dst[offset + t] = Vocabulary.PAD;
        }
        return length;
    }

    /**
     * Encodes one text.
     *
     * @param text the text; not null
     * @return a new row of {@code maxLen()} ids, padded with {@link Vocabulary#PAD}
     */
    public int[] encode(String text) {
        int[] row = new int[maxLen];
        encode(text, row, 0);
        return row;
    }

    /**
     * Encodes every example of a dataset, in dataset order.
     *
     * @param dataset the dataset; not null, not modified
     * @return the encoded rows with their lengths and labels
     * @throws IllegalArgumentException if {@code dataset.size() * maxLen()} exceeds the largest Java array
     */
    public EncodedDataset encode(TextDataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        int n = dataset.size();
        if ((long) n * maxLen > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("dataset.size() * maxLen must fit in one array, got " + n + " * " + maxLen);
        }
        int[] tokens = new int[n * maxLen];
        int[] lengths = new int[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            TextExample e = dataset.get(i);
            lengths[i] = encode(e.text(), tokens, i * maxLen);
            labels[i] = e.label();
        }
        return EncodedDataset.wrap(maxLen, dataset.numClasses(), tokens, lengths, labels);
    }

    @Override
    public String toString() {
        return "Encoder[" + tokenizer + ", " + index + ", maxLen=" + maxLen + "]";
    }
}
