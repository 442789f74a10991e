package org.edp4j.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.edp4j.data.EncodedDataset;
import org.edp4j.data.Encoder;
import org.edp4j.data.Vocabulary;

/**
 * Canaries for an exposure test: the text {@code "<prefix> NNNN"} (default "my pin code is 4821")
 * with a random four-digit secret, each canary inserted {@code repeats} times into the training set
 * with one fixed label; after training, {@link #candidates(int)} are the canary completed with each
 * of the {@value #SECRETS} possible secrets, and {@link #exposures(double[][])} ranks the true
 * secret among them by the model's loss for the canary's label.
 *
 * <p><b>Labels.</b> Canary {@code i} of each repeat group gets label {@code i mod numClasses}, so
 * the labels are balanced and the shared prefix cannot predict them: the model can only fit a
 * canary by learning its secret. (With one label for all canaries, a classifier simply learns
 * "prefix means that label" and the secrets never need to be memorized.)
 *
 * <p><b>Vocabulary.</b> The secret must not leak through the vocabulary, and the candidates must be
 * alike before training. A vocabulary fitted to the training text with the canaries in it would
 * hold exactly the inserted secrets (every other candidate maps to UNK: one big tie that the true
 * secret leaves even with no training at all), and four-digit numbers of the corpus ("2002") would
 * carry what the model learned about them. So the secret is not tokenized as text: the vocabulary is
 * the corpus vocabulary (fitted without canaries) plus {@value #SECRETS} reserved tokens
 * {@code <secret:0000>} .. {@code <secret:9999>}, which {@link org.edp4j.data.Tokenizer} can never
 * produce (it drops {@code <}, {@code :} and {@code >}), and a canary row is the encoded prefix
 * followed by its secret's reserved id. Every candidate then has an embedding row of its own that
 * only canaries ever touch: the candidates are exchangeable before training, and only training on a
 * canary can move its secret ahead of the others. (Writing the digits as one token per position
 * would make secrets share tokens, and a bag-of-embeddings model cannot see order.)
 *
 * <p><b>Other canaries.</b> The canaries share the prefix and half of them a label, so the other
 * inserted secrets of the same label would crowd the top of each ranking.
 * The candidates of canary {@code c} are therefore the {@value #SECRETS} secrets minus the other
 * inserted ones: {@code |C| = 10000 - (canaries - 1)}.
 *
 * <pre>{@code
 * Canaries cs = Canaries.draw(corpusEncoder, "my pin code is", 2, 10, List.of(1, 4, 16), new SplittableRandom(s));
 * EncodedDataset train = cs.appendTo(cs.encoder().encode(corpus));   // corpus re-encoded with cs.encoder()
 * ... train, then compute the loss of every row of cs.candidates(y) for each label y ...
 * List<Exposure> e = cs.exposures(candidateLosses);                   // [label][secret] -> one per canary
 * }</pre>
 */
public final class Canaries {

    /** Number of possible secrets: {@code 0000} .. {@code 9999}. */
    public static final int SECRETS = 10_000;
    /** The default canary text before the secret. */
    public static final String DEFAULT_PREFIX = "my pin code is";

    private final Encoder encoder;
    private final int firstSecretId;
    private final String prefix;
    private final int[] prefixIds;
    private final int numClasses;
    private final List<Canary> canaries;

    private Canaries(Encoder encoder, int firstSecretId, String prefix, int[] prefixIds, int numClasses,
            List<Canary> canaries) {
        this.encoder = encoder;
        this.firstSecretId = firstSecretId;
        this.prefix = prefix;
        this.prefixIds = prefixIds;
        this.numClasses = numClasses;
        this.canaries = canaries;
    }

    /** @return the four digits of a secret, e.g. {@code 0482} for 482 */
    public static String digits(int secret) {
        return String.format("%04d", secret);
    }

    /** @return the reserved vocabulary token of a secret, e.g. {@code <secret:0482>} */
    public static String secretToken(int secret) {
        return "<secret:" + digits(secret) + ">";
    }

    /**
     * Draws distinct random secrets: {@code perRepeat} canaries for each entry of {@code repeats}.
     *
     * @param corpusEncoder the encoder of the corpus, fitted WITHOUT canaries; its vocabulary must not
     *     already hold secret tokens
     * @param prefix the text before the secret; it must encode to at least one and fewer than
     *     {@code maxLen} tokens
     * @param numClasses the number of classes, {@code >= 2}
     * @param perRepeat canaries per repeat count, {@code >= 1}
     * @param repeats repeat counts, each {@code >= 1}, at least one; at most 5,000 canaries in all
     * @param rng source of the secrets; modified
     * @return the canaries, in the order of {@code repeats}
     * @throws IllegalArgumentException if an argument is out of its range
     */
    public static Canaries draw(Encoder corpusEncoder, String prefix, int numClasses, int perRepeat,
            List<Integer> repeats, SplittableRandom rng) {
        Objects.requireNonNull(corpusEncoder, "corpusEncoder");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(rng, "rng");
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        if (perRepeat < 1) {
            throw new IllegalArgumentException("canaries per repeat count must be >= 1, got " + perRepeat);
        }
        if (repeats.isEmpty()) {
            throw new IllegalArgumentException("repeats must hold at least one repeat count, got none");
        }
        long total = (long) perRepeat * repeats.size();
        if (total > SECRETS / 2) {
            throw new IllegalArgumentException("at most " + SECRETS / 2 + " canaries, got " + perRepeat + " x "
                    + repeats.size() + " = " + total);
        }
        Vocabulary base = corpusEncoder.vocabulary();
        if (base.contains(secretToken(0))) {
            throw new IllegalArgumentException("the corpus vocabulary already holds secret tokens; pass the encoder "
                    + "fitted without canaries");
        }
        List<String> tokens = new ArrayList<>(base.tokens());
        int first = tokens.size();
        for (int s = 0; s < SECRETS; s++) {
            tokens.add(secretToken(s));
        }
        Encoder enc = Encoder.of(corpusEncoder.tokenizer(), Vocabulary.of(tokens), corpusEncoder.maxLen());
        int[] row = enc.encode(prefix);
        int len = 0;
        while (len < row.length && row[len] != Vocabulary.PAD) {
            len++;
        }
        if (len < 1 || len >= enc.maxLen()) {
            throw new IllegalArgumentException("the canary prefix must encode to between 1 and maxLen - 1 = "
                    + (enc.maxLen() - 1) + " tokens, got " + len + " for '" + prefix + "'");
        }
        Set<Integer> used = new HashSet<>();
        List<Canary> out = new ArrayList<>();
        for (int r : repeats) {
            for (int i = 0; i < perRepeat; i++) {
                int s;
                do {
                    s = rng.nextInt(SECRETS);
                } while (!used.add(s));
                out.add(new Canary(s, r, i % numClasses));
            }
        }
        return new Canaries(enc, first, prefix, java.util.Arrays.copyOf(row, len), numClasses, List.copyOf(out));
    }

    /** @return the encoder over the corpus vocabulary plus the secret tokens; encode the corpus with it */
    public Encoder encoder() {
        return encoder;
    }

    /** @return the canaries, in the order they were drawn */
    public List<Canary> canaries() {
        return canaries;
    }

    /** @return the number of classes */
    public int numClasses() {
        return numClasses;
    }

    /** @return the canary's text as a person would read it, e.g. {@code my pin code is 4821} */
    public String text(Canary c) {
        return prefix + " " + c.digits();
    }

    /** @return the id of a secret's reserved token in {@link #encoder()}'s vocabulary */
    public int secretId(int secret) {
        return firstSecretId + secret;
    }

    /**
     * The training set with every canary appended {@code repeats} times (after the given rows).
     *
     * @param train rows encoded with {@link #encoder()}; not modified
     * @return a new dataset: train's rows, then the canary copies
     * @throws IllegalArgumentException if train's row length or class count differs from the canaries'
     */
    public EncodedDataset appendTo(EncodedDataset train) {
        if (train.maxLen() != encoder.maxLen() || train.numClasses() != numClasses) {
            throw new IllegalArgumentException("train must have maxLen " + encoder.maxLen() + " and " + numClasses
                    + " classes, got " + train.maxLen() + " and " + train.numClasses());
        }
        int copies = 0;
        for (Canary c : canaries) {
            copies += c.repeats();
        }
        int n = train.size();
        int t = encoder.maxLen();
        int[] tokens = java.util.Arrays.copyOf(train.tokens(), (n + copies) * t);
        int[] lengths = java.util.Arrays.copyOf(train.lengths(), n + copies);
        int[] labels = java.util.Arrays.copyOf(train.labels(), n + copies);
        int row = n;
        for (Canary c : canaries) {
            for (int k = 0; k < c.repeats(); k++) {
                lengths[row] = writeRow(tokens, row * t, c.secret());
                labels[row] = c.label();
                row++;
            }
        }
        return EncodedDataset.of(t, numClasses, tokens, lengths, labels);
    }

    /**
     * @param label the label of every row, in {@code [0, numClasses())}
     * @return {@value #SECRETS} rows, row s = the prefix followed by secret s
     * @throws IllegalArgumentException if label is out of range
     */
    public EncodedDataset candidates(int label) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label must be in [0, " + numClasses + "), got " + label);
        }
        int t = encoder.maxLen();
        int[] tokens = new int[SECRETS * t];
        int[] lengths = new int[SECRETS];
        int[] labels = new int[SECRETS];
        for (int s = 0; s < SECRETS; s++) {
            lengths[s] = writeRow(tokens, s * t, s);
            labels[s] = label;
        }
        return EncodedDataset.of(t, numClasses, tokens, lengths, labels);
    }

    private int writeRow(int[] dst, int offset, int secret) {
        System.arraycopy(prefixIds, 0, dst, offset, prefixIds.length);
        dst[offset + prefixIds.length] = secretId(secret);
        return prefixIds.length + 1;
    }

    /**
     * The exposure of every canary, in {@link #canaries()} order. Canary c is ranked by the losses
     * for its label among the secrets that are not another canary's
     * ({@code |C| = 10000 - (canaries - 1)}).
     *
     * @param candidateLosses {@code [numClasses()][10000]}: row y holds the loss of each row of
     *     {@link #candidates(int) candidates(y)}; not modified
     * @return one exposure per canary
     * @throws IllegalArgumentException if the length is wrong or a loss is not finite
     */
    public List<Exposure> exposures(double[][] candidateLosses) {
        if (candidateLosses.length != numClasses) {
            throw new IllegalArgumentException("candidateLosses must hold one row per class (" + numClasses + "), got "
                    + candidateLosses.length);
        }
        for (double[] row : candidateLosses) {
            if (row.length != SECRETS) {
                throw new IllegalArgumentException("each row of candidateLosses must hold " + SECRETS + " losses, got "
                        + row.length);
            }
        }
        boolean[] inserted = new boolean[SECRETS];
        for (Canary c : canaries) {
            inserted[c.secret()] = true;
        }
        List<Exposure> out = new ArrayList<>();
        for (Canary c : canaries) {
            double[] losses = candidateLosses[c.label()];
            double[] others = new double[SECRETS - canaries.size()];
            int k = 0;
            for (int s = 0; s < SECRETS; s++) {
                if (!inserted[s]) {
                    others[k++] = losses[s];
                }
            }
            out.add(Exposure.of(losses[c.secret()], others));
        }
        return List.copyOf(out);
    }
}
