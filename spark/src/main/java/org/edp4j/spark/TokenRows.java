package org.edp4j.spark;

import java.io.Serializable;
import java.util.Objects;
import org.edp4j.data.EncodedDataset;
import org.edp4j.dp.BatchLoader;
import org.edp4j.nn.Batch;

/**
 * Encoded texts as they travel to Spark executors: {@code size()} rows of {@code maxLen} token ids
 * (row-major, padded with 0) and a label each, with the vocabulary size and number of classes the
 * model was built for. A block of a distributed dataset, or the corpus a synthetic population's
 * devices share (broadcast once).
 *
 * <p>The arrays are held, not copied, and never modified after construction.
 */
public final class TokenRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int maxLen;
    private final int vocab;
    private final int classes;
    private final int[] tokens;
    private final int[] labels;

    /**
     * @param maxLen ids per row, {@code >= 1}
     * @param vocab the vocabulary size: every id in {@code [0, vocab)}, {@code >= 1}
     * @param classes the number of classes: every label in {@code [0, classes)}, {@code >= 1}
     * @param tokens {@code n * maxLen} ids, row-major; held, not copied
     * @param labels {@code n} labels; held, not copied
     * @throws IllegalArgumentException when a size is out of range or the arrays disagree
     */
    public TokenRows(int maxLen, int vocab, int classes, int[] tokens, int[] labels) {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(labels, "labels");
        if (maxLen < 1 || vocab < 1 || classes < 1) {
            throw new IllegalArgumentException("maxLen, vocab and classes must be >= 1, got " + maxLen + ", " + vocab
                    + ", " + classes);
        }
        if (tokens.length != (long) labels.length * maxLen) {
            throw new IllegalArgumentException("tokens has " + tokens.length + " ids, expected " + labels.length
                    + " rows x " + maxLen);
        }
        this.maxLen = maxLen;
        this.vocab = vocab;
        this.classes = classes;
        this.tokens = tokens;
        this.labels = labels;
    }

    /** The rows of an encoded dataset (copied out of it), for a model over {@code vocab} ids. */
    public static TokenRows of(EncodedDataset d, int vocab) {
        return new TokenRows(d.maxLen(), vocab, d.numClasses(), d.tokens(), d.labels());
    }

    /**
     * Rows {@code [from, from + count)} of this set, copied.
     *
     * @throws IllegalArgumentException for a range outside {@code [0, size())}
     */
    public TokenRows slice(int from, int count) {
        if (from < 0 || count < 0 || from + count > size()) {
            throw new IllegalArgumentException("rows [" + from + ", " + (from + count) + ") are outside [0, " + size()
                    + ")");
        }
        int[] t = new int[count * maxLen];
        System.arraycopy(tokens, from * maxLen, t, 0, t.length);
        int[] l = new int[count];
        System.arraycopy(labels, from, l, 0, count);
        return new TokenRows(maxLen, vocab, classes, t, l);
    }

    /**
     * A loader of these rows into token batches of at most {@code capacity} rows (its scratch is its
     * own: one loader per thread). Row indices are this set's.
     */
    public BatchLoader loader(int capacity) {
        int[] scratch = new int[capacity];
        return (batch, rows, from, count) -> {
            System.arraycopy(rows, from, scratch, 0, count);
            load(batch, scratch, count);
        };
    }

    /**
     * Loads rows {@code rows[0..count)} of this set into a token batch (the rest is padding).
     *
     * @throws IllegalArgumentException as {@link Batch#loadTokens}: a row outside the set, or more rows than the capacity
     */
    public void load(Batch batch, int[] rows, int count) {
        batch.loadTokens(tokens, labels, rows, count, vocab);
    }

    /** @return the number of rows */
    public int size() {
        return labels.length;
    }

    /** @return ids per row */
    public int maxLen() {
        return maxLen;
    }

    /** @return the vocabulary size the ids are below */
    public int vocab() {
        return vocab;
    }

    /** @return the number of classes */
    public int classes() {
        return classes;
    }

    /** @return row {@code r}'s label */
    public int label(int r) {
        return labels[r];
    }

    /** @return row {@code r}'s id at {@code position} */
    public int token(int r, int position) {
        return tokens[r * maxLen + position];
    }
}
