package org.edp4j.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.edp4j.data.Encoder;
import org.edp4j.data.Vocabulary;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;

/**
 * A saved text classifier, ready to classify: load a file written by {@code edp train --save}, then
 * predict one text or many. Thread-safe: any number of threads may predict at once (each borrows
 * a model replica from a pool, so no forward pass shares activations).
 *
 * <pre>{@code
 * try (TextClassifier c = TextClassifier.load(Path.of("model.edp"))) {
 *     TextClassifier.Prediction p = c.predict("Win a FREE cruise, click now");
 *     p.label();                // "spam"
 *     p.probabilities();        // [0.03, 0.97], in c.labels() order
 *     c.privacy().epsilon();    // the epsilon that covers the model and its vocabulary
 * }
 * }</pre>
 *
 * <p><b>What a prediction is.</b> The text is tokenized with the model's tokenizer, mapped to ids with
 * its vocabulary or hashing (unknown tokens become {@link Vocabulary#UNK}), cut to its first
 * {@code maxLen} tokens, run through the model, and the logits {@code z} turned into probabilities
 * {@code p_j = exp(z_j - max z) / sum_i exp(z_i - max z)} in double precision. The label is the
 * most probable class (the first on a tie). A text without a letter or digit has no token; the
 * model then sees an empty row (its pooled vector is zero).
 *
 * <p>For fairness and other audits of the model ({@code TextClassifier} is their entry point):
 * {@link #probabilities(String)} gives the per-class probabilities, {@link #tokenEmbeddings()} the
 * trained token embedding matrix, {@link #tokenId(String)} a token's row in it.
 */
public final class TextClassifier implements AutoCloseable {

    /** Texts per forward pass in {@link #predictAll(List)}. */
    public static final int BATCH = 256;

    private final SavedModel model;
    private final Backend backend;
    private final Encoder encoder;
    private final ConcurrentLinkedDeque<Replica> pool = new ConcurrentLinkedDeque<>();
    private final List<Replica> all = new ArrayList<>();
    private volatile boolean closed;

    /**
     * One model with its own activations and batches. A replica is used by one thread at a time.
     */
    private final class Replica {
        final Sequential net;
        final Batch batch;
        final Batch single;
        final int[] tokens;
        final int[] labels;
        final int[] rows;
        final float[] logits;

        Replica() {
            ModelShape s = model.shape();
            net = s.build(backend);
            List<Parameter> ps = net.parameters();
            for (int i = 0; i < ps.size(); i++) {
                ps.get(i).value().copyFrom(model.parameters().get(i));
            }
            batch = Batch.tokens(backend, BATCH, s.maxLen(), s.classes());
            single = Batch.tokens(backend, 1, s.maxLen(), s.classes());
            tokens = new int[BATCH * s.maxLen()];
            labels = new int[BATCH];
            rows = new int[BATCH];
            for (int i = 0; i < BATCH; i++) {
                rows[i] = i;
            }
            logits = new float[BATCH * s.classes()];
        }

        /** Probabilities of {@code texts[from, from + count)} into {@code out[from ...]}. */
        void run(List<String> texts, int from, int count, double[][] out) {
            int t = model.shape().maxLen();
            int k = model.shape().classes();
            for (int r = 0; r < count; r++) {
                encoder.encode(Objects.requireNonNull(texts.get(from + r), "texts contains a null text"), tokens,
                        r * t);
            }
            Batch b = count == 1 ? single : batch;
            b.loadTokens(tokens, labels, rows, count, model.shape().vocab());
            net.forward(b).copyTo(logits);
            for (int r = 0; r < count; r++) {
                out[from + r] = softmax(logits, r * k, k);
            }
        }
    }

    private TextClassifier(SavedModel model, Backend backend) {
        this.model = model;
        this.backend = backend;
        this.encoder = Encoder.of(model.tokenizer(), model.tokenIndex(), model.shape().maxLen());
        release(newReplica());   // fail now, not at the first prediction, if the backend cannot hold it
    }

    /**
     * Loads a model file for prediction on the CPU.
     *
     * @param file a file written by {@code edp train --save} ({@link SavedModel#save})
     * @return the classifier
     * @throws ModelFileException when the file is missing or not a valid model (see {@link SavedModel#load})
     */
    public static TextClassifier load(Path file) {
        return of(SavedModel.load(file), CpuBackend.instance());
    }

    /**
     * A classifier of a saved model on a backend.
     *
     * @param model the model; not null
     * @param backend where the forward passes run; not null
     * @return the classifier
     */
    public static TextClassifier of(SavedModel model, Backend backend) {
        return new TextClassifier(Objects.requireNonNull(model, "model"), Objects.requireNonNull(backend, "backend"));
    }

    /**
     * The outcome for one text.
     *
     * @param label the most probable class's name
     * @param labelIndex its index in {@link #labels()}
     * @param probabilities one per class, in {@link #labels()} order, summing to 1
     */
    public record Prediction(String label, int labelIndex, double[] probabilities) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Prediction p && p.label.equals(label) && p.labelIndex == labelIndex
                    && Arrays.equals(p.probabilities, probabilities);
        }

        @Override
        public int hashCode() {
            return 31 * label.hashCode() + Arrays.hashCode(probabilities);
        }

        @Override
        public String toString() {
            return "Prediction[" + label + ", " + Arrays.toString(probabilities) + "]";
        }
    }

    /** @return the class names, index = class */
    public List<String> labels() {
        return model.labels();
    }

    /** @return the saved model (shape, tokenizer, vocabulary, privacy report, parameters) */
    public SavedModel model() {
        return model;
    }

    /** @return the privacy report of the model's training */
    public PrivacyReport privacy() {
        return model.privacy();
    }

    /**
     * @param text the text; not null
     * @return its prediction
     * @throws IllegalStateException after {@link #close()}
     */
    public Prediction predict(String text) {
        return predictAll(List.of(Objects.requireNonNull(text, "text"))).get(0);
    }

    /**
     * @param text the text; not null
     * @return the probability of each class, in {@link #labels()} order (a new array)
     */
    public double[] probabilities(String text) {
        return predict(text).probabilities();
    }

    /**
     * Predicts many texts, {@value #BATCH} per forward pass.
     *
     * @param texts the texts; not null, no null element; not modified
     * @return one prediction per text, in order
     * @throws IllegalStateException after {@link #close()}
     */
    public List<Prediction> predictAll(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        double[][] probs = new double[texts.size()][];
        Replica r = borrow();
        try {
            for (int from = 0; from < texts.size(); from += BATCH) {
                r.run(texts, from, Math.min(BATCH, texts.size() - from), probs);
            }
        } finally {
            release(r);
        }
        List<Prediction> out = new ArrayList<>(probs.length);
        for (double[] p : probs) {
            int best = 0;
            for (int j = 1; j < p.length; j++) {
                if (p[j] > p[best]) {
                    best = j;
                }
            }
            out.add(new Prediction(model.labels().get(best), best, p));
        }
        return out;
    }

    /**
     * @param token a token as the tokenizer emits it (lower case); not null
     * @return its row in {@link #tokenEmbeddings()} ({@link Vocabulary#UNK} when a plain vocabulary lacks it;
     *     its bucket when the model hashes unknown tokens)
     */
    public int tokenId(String token) {
        return model.tokenIndex().id(Objects.requireNonNull(token, "token"));
    }

    /** @return the width of a token embedding */
    public int embeddingWidth() {
        return model.shape().dim();
    }

    /**
     * @return a copy of the token embedding matrix, {@code vocab x embeddingWidth()} row-major; row
     *     {@link #tokenId(String)} is a token's vector
     */
    public float[] tokenEmbeddings() {
        return model.parameters().get(0).clone();
    }

    /** Releases the replicas (device memory on a GPU backend). Predictions after this throw. */
    @Override
    public void close() {
        closed = true;
        synchronized (all) {
            for (Replica r : all) {
                r.batch.close();
                r.single.close();
            }
            all.clear();
        }
        pool.clear();
    }

    private Replica newReplica() {
        Replica r = new Replica();
        synchronized (all) {
            all.add(r);
        }
        return r;
    }

    private Replica borrow() {
        if (closed) {
            throw new IllegalStateException("this TextClassifier is closed");
        }
        Replica r = pool.pollFirst();
        return r != null ? r : newReplica();
    }

    private void release(Replica r) {
        if (!closed) {
            pool.addFirst(r);
        }
    }

    /** {@code exp(z - max z) / sum}, in double. */
    static double[] softmax(float[] z, int off, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[off + j]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = Math.exp(z[off + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < k; j++) {
            p[j] /= sum;
        }
        return p;
    }
}
