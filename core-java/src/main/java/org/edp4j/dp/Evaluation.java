package org.edp4j.dp;

import org.edp4j.nn.Batch;
import org.edp4j.nn.Sequential;

/** Accuracy and per-example losses of a model over a dataset, in fixed-capacity batches. */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Fraction of the {@code n} examples whose predicted class equals the label.
     *
     * @param labels the dataset's labels ({@code [n]})
     */
    public static double accuracy(Sequential model, Batch batch, BatchLoader loader, int[] labels) {
        int n = labels.length;
        if (n == 0) {
            return Double.NaN;
        }
        int[] rows = new int[batch.capacity()];
        int correct = 0;
        for (int from = 0; from < n; from += batch.capacity()) {
            int count = Math.min(batch.capacity(), n - from);
            for (int r = 0; r < count; r++) {
                rows[r] = from + r;
            }
            loader.load(batch, rows, 0, count);
            int[] pred = model.predict(batch);
            for (int r = 0; r < count; r++) {
                if (pred[r] == labels[from + r]) {
                    correct++;
                }
            }
        }
        return correct / (double) n;
    }

    /**
     * The softmax cross-entropy loss of each of the {@code n} examples, from a forward pass in batches;
     * nothing is trained. Membership audits and canary exposure rank these.
     *
     * <p>The loss is computed in float64 from the backend's float32 logits {@code z}:
     * {@code log1p(sum_{j != y} exp(z_j - z_y))} when the label has the largest logit, else
     * {@code max z - z_y + log(sum_j exp(z_j - max z))}. So a confident prediction keeps a distinct
     * loss (the float32 per-sample loss of training rounds everything below about 1e-7 to the
     * same few values, which would make confident examples tie).
     *
     * @param model the model; its parameters are not modified
     * @param batch a batch with the model's input kind; its contents are overwritten
     * @param loader loads rows {@code 0 .. n-1} of the dataset
     * @param labels the labels of the n rows (as the loader loads them)
     * @return a new array of n losses, {@code >= 0}
     */
    public static double[] losses(Sequential model, Batch batch, BatchLoader loader, int[] labels) {
        int n = labels.length;
        int k = batch.classes();
        int[] rows = new int[batch.capacity()];
        float[] z = new float[batch.capacity() * k];
        double[] out = new double[n];
        for (int from = 0; from < n; from += batch.capacity()) {
            int count = Math.min(batch.capacity(), n - from);
            for (int r = 0; r < count; r++) {
                rows[r] = from + r;
            }
            loader.load(batch, rows, 0, count);
            model.forward(batch).copyTo(z);
            for (int r = 0; r < count; r++) {
                out[from + r] = crossEntropy(z, r * k, k, labels[from + r]);
            }
        }
        return out;
    }

    /** {@code logsumexp(z) - z_y} of {@code z[off .. off+k)} in float64, exact for tiny losses. */
    static double crossEntropy(float[] z, int off, int k, int y) {
        double zy = z[off + y];
        double max = zy;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[off + j]);
        }
        double sum = 0;
        if (max == zy) {
            for (int j = 0; j < k; j++) {
                if (j != y) {
                    sum += Math.exp(z[off + j] - zy);
                }
            }
            return Math.log1p(sum);
        }
        for (int j = 0; j < k; j++) {
            sum += Math.exp(z[off + j] - max);
        }
        return max - zy + Math.log(sum);
    }
}
