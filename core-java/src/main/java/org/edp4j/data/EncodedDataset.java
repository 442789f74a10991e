package org.edp4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable dataset of fixed-length token id rows: {@code size()} rows of {@link #maxLen()} ids,
 * stored row-major in one flat array, with each row's length and label.
 *
 * <p>Row {@code i} holds ids at {@code [i * maxLen, (i + 1) * maxLen)}: the first {@code length(i)}
 * are the text's tokens (after truncation to {@code maxLen}), the rest are {@link Vocabulary#PAD}.
 * {@code length(i)} may be 0 for a text without a letter or digit; a model that averages over
 * positions must guard against it.
 *
 * <p>A training loop fills fixed-capacity batches with {@link #copyRows(int[], int, int[], int[], int[])},
 * which allocates nothing.
 */
public final class EncodedDataset {

    private final int maxLen;
    private final int numClasses;
    private final int[] tokens;
    private final int[] lengths;
    private final int[] labels;

    private EncodedDataset(int maxLen, int numClasses, int[] tokens, int[] lengths, int[] labels) {
        this.maxLen = maxLen;
        this.numClasses = numClasses;
        this.tokens = tokens;
        this.lengths = lengths;
        this.labels = labels;
    }

    /**
     * Makes a dataset from its arrays, which are copied (not modified).
     *
     * @param maxLen     the row length, {@code >= 1}
     * @param numClasses the number of classes, {@code >= 1}
     * @param tokens     {@code n * maxLen} ids, row-major, each {@code >= 0}; in each row positions at or
     *                   after the row's length must be {@link Vocabulary#PAD}
     * @param lengths    {@code n} lengths, each in {@code [0, maxLen]}
     * @param labels     {@code n} labels, each in {@code [0, numClasses)}
     * @return the dataset
     * @throws IllegalArgumentException if a size or value is out of its range; the message names it
     * @throws NullPointerException     if an array is null
     */
    public static EncodedDataset of(int maxLen, int numClasses, int[] tokens, int[] lengths, int[] labels) {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(lengths, "lengths");
        Objects.requireNonNull(labels, "labels");
        if (maxLen < 1) {
            throw new IllegalArgumentException("maxLen must be >= 1, got " + maxLen);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        int n = labels.length;
        if (lengths.length != n) {
            throw new IllegalArgumentException("lengths.length must equal labels.length = " + n + ", got " + lengths.length);
        }
        if ((long) n * maxLen != tokens.length) {
            throw new IllegalArgumentException("tokens.length must be labels.length * maxLen = " + n + " * " + maxLen
                    + " = " + (long) n * maxLen + ", got " + tokens.length);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] must be in [0, " + numClasses + "), got " + labels[i]);
            }
            if (lengths[i] < 0 || lengths[i] > maxLen) {
                throw new IllegalArgumentException("lengths[" + i + "] must be in [0, " + maxLen + "], got " + lengths[i]);
            }
            for (int t = 0; t < maxLen; t++) {
                int id = tokens[i * maxLen + t];
                if (id < 0 || (t >= lengths[i] && id != Vocabulary.PAD)) {
                    throw new IllegalArgumentException("tokens[" + (i * maxLen + t) + "] (row " + i + ", position " + t
                            + ") must be " + (t >= lengths[i] ? "PAD (0) after the row's length " + lengths[i] : ">= 0")
                            + ", got " + id);
                }
            }
        }
        return new EncodedDataset(maxLen, numClasses, tokens.clone(), lengths.clone(), labels.clone());
    }

    /** Wraps arrays the caller gives up (no copy, no check); for {@link Encoder}. */
    static EncodedDataset wrap(int maxLen, int numClasses, int[] tokens, int[] lengths, int[] labels) {
        return new EncodedDataset(maxLen, numClasses, tokens, lengths, labels);
    }

    /** @return the number of rows */
    public int size() {
        return labels.length;
    }

    /** @return the row length: ids per row */
    public int maxLen() {
        return maxLen;
    }

    /** @return the number of classes; labels lie in {@code [0, numClasses())} */
    public int numClasses() {
        return numClasses;
    }

    /**
     * @param row the row, in {@code [0, size())}
     * @return the number of real (non-padding) tokens in the row, in {@code [0, maxLen()]}
     */
    public int length(int row) {
        return lengths[checkRow(row)];
    }

    /**
     * @param row the row, in {@code [0, size())}
     * @return the row's label
     */
    public int label(int row) {
        return labels[checkRow(row)];
    }

    /**
     * @param row      the row, in {@code [0, size())}
     * @param position the position, in {@code [0, maxLen())}
     * @return the id at that position ({@link Vocabulary#PAD} at or after {@code length(row)})
     */
    public int token(int row, int position) {
        checkRow(row);
        if (position < 0 || position >= maxLen) {
            throw new IllegalArgumentException("position must be in [0, " + maxLen + "), got " + position);
        }
        return tokens[row * maxLen + position];
    }

    /** @return a copy of all ids, {@code size() * maxLen()}, row-major */
    public int[] tokens() {
        return tokens.clone();
    }

    /** @return a copy of the lengths, one per row */
    public int[] lengths() {
        return lengths.clone();
    }

    /** @return a copy of the labels, one per row */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * Copies the rows {@code rows[0 .. count)} into the first {@code count} slots of a batch, in order.
     * Nothing is allocated; slots at and after {@code count} are not touched.
     *
     * @param rows       row indices, each in {@code [0, size())}; repeats allowed; not modified
     * @param count      how many rows to copy, in {@code [0, rows.length]}
     * @param dstTokens  receives the ids, row-major, length {@code >= count * maxLen()}; modified
     * @param dstLengths receives the lengths, length {@code >= count}; modified
     * @param dstLabels  receives the labels, length {@code >= count}; modified
     * @throws IllegalArgumentException if count, a row index or a destination length is out of range
     */
    public void copyRows(int[] rows, int count, int[] dstTokens, int[] dstLengths, int[] dstLabels) {
        if (count < 0 || count > rows.length) {
            throw new IllegalArgumentException("count must be in [0, rows.length = " + rows.length + "], got " + count);
        }
        if ((long) count * maxLen > dstTokens.length) {
            throw new IllegalArgumentException("dstTokens.length must be >= count * maxLen = " + (long) count * maxLen
                    + ", got " + dstTokens.length);
        }
        if (count > dstLengths.length) {
            throw new IllegalArgumentException("dstLengths.length must be >= count = " + count + ", got " + dstLengths.length);
        }
        if (count > dstLabels.length) {
            throw new IllegalArgumentException("dstLabels.length must be >= count = " + count + ", got " + dstLabels.length);
        }
        for (int b = 0; b < count; b++) {
            int row = rows[b];
            if (row < 0 || row >= labels.length) {
                throw new IllegalArgumentException("rows[" + b + "] must be in [0, " + labels.length + "), got " + row);
            }
        }
        for (int b = 0; b < count; b++) {
            int row = rows[b];
            System.arraycopy(tokens, row * maxLen, dstTokens, b * maxLen, maxLen);
            dstLengths[b] = lengths[row];
            dstLabels[b] = labels[row];
        }
    }

    private int checkRow(int row) {
        if (row < 0 || row >= labels.length) {
            throw new IllegalArgumentException("row must be in [0, " + labels.length + "), got " + row);
        }
        return row;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedDataset d && maxLen == d.maxLen && numClasses == d.numClasses
                && Arrays.equals(tokens, d.tokens) && Arrays.equals(lengths, d.lengths) && Arrays.equals(labels, d.labels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(tokens) + Arrays.hashCode(lengths)) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "EncodedDataset[size=" + labels.length + ", maxLen=" + maxLen + ", numClasses=" + numClasses + "]";
    }
}
