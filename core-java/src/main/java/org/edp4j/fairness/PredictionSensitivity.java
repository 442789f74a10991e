package org.edp4j.fairness;

import java.util.List;
import java.util.Objects;
import org.edp4j.data.Vocabulary;
import org.edp4j.model.ModelShape;
import org.edp4j.model.SavedModel;

/**
 * Prediction sensitivity of a saved bag-of-embeddings classifier to its protected-attribute tokens,
 * after Krishna et al., "Measuring Fairness of Text Classifiers via Prediction Sensitivity" (ACL
 * 2022), with the gradient computed analytically in double precision.
 *
 * <h2>Definition</h2>
 * The paper scores one input by {@code PS(x) = v^T |J(x)| w}: {@code J} is the Jacobian of the
 * class probabilities {@code f(x)} with respect to the input features, {@code |.|} takes absolute
 * values entrywise, {@code v} weights the classes and {@code w} the features by how much each is a
 * protected attribute; the accumulated prediction sensitivity (APS) is its mean over a dataset.
 * Here the input of a text is its sequence of token embeddings {@code x_t = m_t E[id_t]},
 * {@code t = 1..L} (the model's first {@code maxLen} tokens, with {@code m_t = 1}); the feature of
 * token {@code t} is its scale {@code m_t}, so that
 * <pre>
 *   J_{c,t} = dp_c / dm_t = &lt;dp_c / dx_t, E[id_t]&gt;     (the gradient with respect to the input
 *                                                        token embedding, along the embedding)
 *   PS(x)   = sum_t w_t |&lt;dp_yhat / dx_t, x_t&gt;|          v = one-hot of the predicted class yhat,
 *                                                        w_t = 1 for a lexicon word, else 0
 *   APS     = (1/N) sum_i PS(x_i)
 * </pre>
 * A model whose protected tokens have zero embeddings scores exactly 0. The plain entrywise
 * gradient {@code sum_k |dp/dx_{t,k}|} is not used: in a mean-pooled bag it is {@code |g|_1 / L} at
 * every position whatever the token, so it would measure how many protected tokens a text has, not
 * how much the model relies on them (docs/fairness.md).
 *
 * <h2>The bag model</h2>
 * {@code h = (1/L) sum_t x_t}, {@code z = tanh(h W1 + b1)}, {@code s = z W2 + b2},
 * {@code p = softmax(s)} ({@link org.edp4j.nn.Models#bag}); backward, for class {@code c}:
 * <pre>
 *   ds_j = p_c (delta_cj - p_j)
 *   da_i = (1 - z_i^2) sum_j W2[i][j] ds_j
 *   dh_k = sum_i W1[k][i] da_i
 *   dp_c / dx_t = dh / L                 (the same for every position t)
 * </pre>
 * An empty text ({@code L = 0}) has {@code h = 0} and no position: {@code PS = 0}. Positions are the
 * tokens the model sees: a padding id (never produced by a tokenizer's index) would be masked out
 * by the model and is skipped here too.
 *
 * <p>The transformer encoder ({@link ModelShape#ENCODER}) is refused by {@link #of}: its
 * gradient through attention and LayerNorm is not implemented here.
 *
 * <p>Immutable and thread-safe.
 */
public final class PredictionSensitivity {

    private final int vocab;
    private final int dim;
    private final int hidden;
    private final int classes;
    private final float[] table;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;

    private PredictionSensitivity(ModelShape s, List<float[]> p) {
        this.vocab = s.vocab();
        this.dim = s.dim();
        this.hidden = s.hidden();
        this.classes = s.classes();
        this.table = p.get(0);
        this.w1 = p.get(1);
        this.b1 = p.get(2);
        this.w2 = p.get(3);
        this.b2 = p.get(4);
    }

    /**
     * @param model a saved model; not null, not modified
     * @return its sensitivity
     * @throws UnsupportedOperationException for an encoder model (class javadoc)
     */
    public static PredictionSensitivity of(SavedModel model) {
        Objects.requireNonNull(model, "model");
        if (!ModelShape.BAG.equals(model.shape().kind())) {
            throw new UnsupportedOperationException(unsupported(model.shape().kind()));
        }
        return new PredictionSensitivity(model.shape(), model.parameters());
    }

    /**
     * @param kind a model kind
     * @return why prediction sensitivity is not computed for it
     */
    public static String unsupported(String kind) {
        return "prediction sensitivity is computed for bag models only, not for this model (kind " + kind + ")"
                + ": its gradient through attention and LayerNorm is not implemented";
    }

    /**
     * @param model a saved model
     * @return whether {@link #of} accepts it
     */
    public static boolean supports(SavedModel model) {
        return ModelShape.BAG.equals(model.shape().kind());
    }

    /** The forward pass of one text, kept for the backward pass. */
    private final class Pass {
        final int[] ids;
        final int length;
        final double[] z = new double[hidden];
        final double[] p = new double[classes];

        Pass(int[] tokenIds) {
            int real = 0;
            for (int id : tokenIds) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
                if (id != Vocabulary.PAD) {
                    real++;
                }
            }
            ids = new int[real];
            int r = 0;
            for (int id : tokenIds) {
                if (id != Vocabulary.PAD) {
                    ids[r++] = id;
                }
            }
            length = real;
            double[] h = new double[dim];
            for (int id : ids) {
                for (int k = 0; k < dim; k++) {
                    h[k] += table[id * dim + k];
                }
            }
            for (int k = 0; k < dim && length > 0; k++) {
                h[k] /= length;
            }
            for (int i = 0; i < hidden; i++) {
                double a = b1[i];
                for (int k = 0; k < dim; k++) {
                    a += h[k] * w1[k * hidden + i];
                }
                z[i] = Math.tanh(a);
            }
            double[] s = new double[classes];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                double a = b2[j];
                for (int i = 0; i < hidden; i++) {
                    a += z[i] * w2[i * classes + j];
                }
                s[j] = a;
                max = Math.max(max, a);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                p[j] = Math.exp(s[j] - max);
                sum += p[j];
            }
            for (int j = 0; j < classes; j++) {
                p[j] /= sum;
            }
        }

        int predicted() {
            int best = 0;
            for (int j = 1; j < classes; j++) {
                if (p[j] > p[best]) {
                    best = j;
                }
            }
            return best;
        }

        /** {@code dp_c / dh}; {@code dp_c / dx_t} is this over L. */
        double[] poolGradient(int c) {
            double[] ds = new double[classes];
            for (int j = 0; j < classes; j++) {
                ds[j] = p[c] * ((j == c ? 1 : 0) - p[j]);
            }
            double[] da = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                double g = 0;
                for (int j = 0; j < classes; j++) {
                    g += w2[i * classes + j] * ds[j];
                }
                da[i] = (1 - z[i] * z[i]) * g;
            }
            double[] dh = new double[dim];
            for (int k = 0; k < dim; k++) {
                double g = 0;
                for (int i = 0; i < hidden; i++) {
                    g += w1[k * hidden + i] * da[i];
                }
                dh[k] = g;
            }
            return dh;
        }
    }

    /**
     * @param tokenIds the ids the model sees (padding ids are skipped); not modified
     * @return the class probabilities, in double precision
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public double[] probabilities(int[] tokenIds) {
        return new Pass(tokenIds).p.clone();
    }

    /**
     * The gradient of one class probability with respect to every input token embedding.
     *
     * @param tokenIds the ids (padding skipped); not modified
     * @param c the class, in {@code [0, classes)}
     * @return {@code [L][dim]}: row {@code t} is {@code dp_c / dx_t} for the t-th real token
     * @throws IllegalArgumentException for an id outside the vocabulary or a class out of range
     */
    public double[][] gradient(int[] tokenIds, int c) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException("class must be in [0, " + classes + "), got " + c);
        }
        Pass pass = new Pass(tokenIds);
        double[] dh = pass.poolGradient(c);
        double[][] g = new double[pass.length][dim];
        for (int t = 0; t < pass.length; t++) {
            for (int k = 0; k < dim; k++) {
                g[t][k] = dh[k] / pass.length;
            }
        }
        return g;
    }

    /**
     * {@code PS(x) = sum_t w_t |<dp_yhat / dx_t, x_t>|} (class javadoc) for the predicted class.
     *
     * @param tokenIds the ids (padding skipped); not modified
     * @param weights one protected-attribute weight per id of {@code tokenIds} (padding's ignored),
     *     each finite and {@code >= 0}; not modified
     * @return the prediction sensitivity, {@code >= 0}
     * @throws IllegalArgumentException for an id outside the vocabulary, a weight count that differs
     *     from the id count, or a negative or non-finite weight
     */
    public double sensitivity(int[] tokenIds, double[] weights) {
        if (weights.length != tokenIds.length) {
            throw new IllegalArgumentException(weights.length + " weights for " + tokenIds.length + " token ids");
        }
        Pass pass = new Pass(tokenIds);
        if (pass.length == 0) {
            return 0;
        }
        double[] dh = pass.poolGradient(pass.predicted());
        double ps = 0;
        for (int t = 0; t < tokenIds.length; t++) {
            double w = weights[t];
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and >= 0, got " + w + " at " + t);
            }
            if (tokenIds[t] == Vocabulary.PAD || w == 0) {
                continue;
            }
            double dot = 0;
            int row = tokenIds[t] * dim;
            for (int k = 0; k < dim; k++) {
                dot += dh[k] * table[row + k];
            }
            ps += w * Math.abs(dot) / pass.length;
        }
        return ps;
    }
}
