package org.edp4j.nn;

import java.util.Arrays;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;

/**
 * A fixed-capacity batch with a row mask, so shapes never change between steps (Poisson sampling
 * gives a different number of examples each step; the rest of the rows are padding with mask 0).
 *
 * <p>Input is either dense features {@code [capacity, features]} or token ids
 * {@code [capacity, seqLen]} with a token mask (1 for a real token, 0 for padding id
 * {@link #PAD}). Labels are {@code [capacity]}. An empty batch (no real row) is legal.
 *
 * <p>Host staging arrays are allocated once; {@link #loadDense} and {@link #loadTokens} validate
 * the rows (finite features, token ids and labels in range) before anything is copied, so a bad
 * row leaves the batch as it was.
 */
public final class Batch implements AutoCloseable {
    /** The padding token id; positions holding it are masked out. */
    public static final int PAD = 0;

    private final Backend backend;
    private final int capacity;
    private final int width;
    private final boolean tokenInput;
    private final int classes;

    private final Tensor features;
    private final IntTensor tokens;
    private final Tensor tokenMask;
    private final IntTensor labels;
    private final Tensor rowMask;

    private final float[] hostFeatures;
    private final int[] hostTokens;
    private final float[] hostTokenMask;
    private final int[] hostLabels;
    private final float[] hostRowMask;
    private final int[] rowIds;
    private int size;

    private Batch(Backend backend, int capacity, int width, boolean tokenInput, int classes) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be > 0, got " + capacity);
        }
        if (width <= 0) {
            throw new IllegalArgumentException((tokenInput ? "sequence length" : "feature count")
                    + " must be > 0, got " + width);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("number of classes must be >= 2, got " + classes);
        }
        this.backend = backend;
        this.capacity = capacity;
        this.width = width;
        this.tokenInput = tokenInput;
        this.classes = classes;
        this.labels = backend.intZeros(capacity);
        this.rowMask = backend.zeros(capacity);
        this.hostLabels = new int[capacity];
        this.hostRowMask = new float[capacity];
        this.rowIds = new int[capacity];
        if (tokenInput) {
            this.features = null;
            this.hostFeatures = null;
            this.tokens = backend.intZeros(capacity, width);
            this.tokenMask = backend.zeros(capacity, width);
            this.hostTokens = new int[capacity * width];
            this.hostTokenMask = new float[capacity * width];
        } else {
            this.features = backend.zeros(capacity, width);
            this.hostFeatures = new float[capacity * width];
            this.tokens = null;
            this.tokenMask = null;
            this.hostTokens = null;
            this.hostTokenMask = null;
        }
    }

    /** A batch of dense feature rows. */
    public static Batch dense(Backend backend, int capacity, int features, int classes) {
        return new Batch(backend, capacity, features, false, classes);
    }

    /** A batch of token sequences of length {@code seqLen}, padded with {@link #PAD}. */
    public static Batch tokens(Backend backend, int capacity, int seqLen, int classes) {
        return new Batch(backend, capacity, seqLen, true, classes);
    }

    /**
     * Loads rows {@code rows[0..count)} of a dense dataset ({@code x} is {@code [n, features]}
     * row-major, {@code y} is {@code [n]}); the remaining rows become padding. Not modified: x, y, rows.
     *
     * @throws IllegalArgumentException if count exceeds the capacity, a row index is out of range,
     *     a feature is not finite or a label is outside {@code [0, classes)}; the batch is unchanged
     */
    public void loadDense(float[] x, int[] y, int[] rows, int count) {
        if (tokenInput) {
            throw new IllegalStateException("this batch takes token input, not dense features");
        }
        checkCount(count, rows);
        int n = y.length;
        if (x.length != (long) n * width) {
            throw new IllegalArgumentException("features have " + x.length + " values, expected " + n + " x " + width);
        }
        for (int r = 0; r < count; r++) {
            int src = checkRow(rows[r], n, y);
            for (int j = 0; j < width; j++) {
                float v = x[src * width + j];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("feature " + j + " of example " + src + " is " + v
                            + "; inputs must be finite");
                }
            }
        }
        for (int r = 0; r < count; r++) {
            System.arraycopy(x, rows[r] * width, hostFeatures, r * width, width);
        }
        Arrays.fill(hostFeatures, count * width, capacity * width, 0f);
        finishLoad(y, rows, count);
        features.copyFrom(hostFeatures);
    }

    /**
     * Loads rows of a token dataset ({@code tok} is {@code [n, seqLen]} row-major, padded with
     * {@link #PAD}); ids must be in {@code [0, vocab)}.
     *
     * @throws IllegalArgumentException as {@link #loadDense}, or for a token id out of vocabulary
     */
    public void loadTokens(int[] tok, int[] y, int[] rows, int count, int vocab) {
        if (!tokenInput) {
            throw new IllegalStateException("this batch takes dense features, not tokens");
        }
        checkCount(count, rows);
        int n = y.length;
        if (tok.length != (long) n * width) {
            throw new IllegalArgumentException("tokens have " + tok.length + " values, expected " + n + " x " + width);
        }
        for (int r = 0; r < count; r++) {
            int src = checkRow(rows[r], n, y);
            for (int t = 0; t < width; t++) {
                int id = tok[src * width + t];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token id " + id + " at position " + t + " of example " + src
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        for (int r = 0; r < count; r++) {
            System.arraycopy(tok, rows[r] * width, hostTokens, r * width, width);
        }
        Arrays.fill(hostTokens, count * width, capacity * width, PAD);
        for (int i = 0; i < capacity * width; i++) {
            hostTokenMask[i] = hostTokens[i] == PAD ? 0f : 1f;
        }
        finishLoad(y, rows, count);
        tokens.copyFrom(hostTokens);
        tokenMask.copyFrom(hostTokenMask);
    }

    private void checkCount(int count, int[] rows) {
        if (count < 0 || count > capacity) {
            throw new IllegalArgumentException("row count must be in [0, " + capacity + "] (the capacity), got " + count);
        }
        if (rows.length < count) {
            throw new IllegalArgumentException("rows has " + rows.length + " indices, fewer than count " + count);
        }
    }

    private int checkRow(int src, int n, int[] y) {
        if (src < 0 || src >= n) {
            throw new IllegalArgumentException("row index " + src + " is outside the dataset [0, " + n + ")");
        }
        if (y[src] < 0 || y[src] >= classes) {
            throw new IllegalArgumentException("label " + y[src] + " of example " + src + " is outside [0, "
                    + classes + ")");
        }
        return src;
    }

    private void finishLoad(int[] y, int[] rows, int count) {
        for (int r = 0; r < capacity; r++) {
            boolean real = r < count;
            hostLabels[r] = real ? y[rows[r]] : 0;
            rowIds[r] = real ? rows[r] : -1;
            hostRowMask[r] = real ? 1f : 0f;
        }
        size = count;
        labels.copyFrom(hostLabels);
        rowMask.copyFrom(hostRowMask);
    }

    public Backend backend() {
        return backend;
    }

    /** Number of rows (real and padding). */
    public int capacity() {
        return capacity;
    }

    /** Number of real rows. */
    public int size() {
        return size;
    }

    /** Sequence length for token input, 1 for dense input. */
    public int seqLen() {
        return tokenInput ? width : 1;
    }

    /** Feature count for dense input. */
    public int featureCount() {
        return tokenInput ? 0 : width;
    }

    public int classes() {
        return classes;
    }

    public boolean isTokenInput() {
        return tokenInput;
    }

    /** Dense input {@code [capacity, features]}, or null for token input. */
    public Tensor features() {
        return features;
    }

    /** Token ids {@code [capacity, seqLen]}, or null for dense input. */
    public IntTensor tokens() {
        return tokens;
    }

    /** 1 for real tokens, 0 for padding {@code [capacity, seqLen]}, or null for dense input. */
    public Tensor tokenMask() {
        return tokenMask;
    }

    public IntTensor labels() {
        return labels;
    }

    /** 1 for real rows, 0 for padding {@code [capacity]}. */
    public Tensor rowMask() {
        return rowMask;
    }

    /** The dataset index of batch row {@code r}, or -1 for a padding row. */
    public int rowId(int r) {
        return rowIds[r];
    }

    /** The host copy of the labels of the last load. */
    int[] hostLabels() {
        return hostLabels;
    }

    @Override
    public void close() {
        labels.close();
        rowMask.close();
        if (features != null) {
            features.close();
        }
        if (tokens != null) {
            tokens.close();
            tokenMask.close();
        }
    }
}
