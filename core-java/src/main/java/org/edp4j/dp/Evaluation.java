package org.edp4j.dp;

import org.edp4j.nn.Batch;
import org.edp4j.nn.Sequential;
import org.edp4j.nn.SoftmaxCrossEntropy;

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
     * The softmax cross-entropy loss of each of the {@code n} examples (the per-sample loss that
     * training sums), from a forward pass in batches; nothing is trained. Membership audits score these.
     *
     * @param model the model; its parameters are not modified
     * @param batch a batch with the model's input kind; its contents are overwritten
     * @param loader loads rows {@code 0 .. n-1} of the dataset
     * @param n the number of examples, {@code >= 0}
     * @return a new array of n losses, {@code >= 0}, in float64 (computed in the backend's float32)
     * @throws IllegalArgumentException if n is negative
     */
    public static double[] losses(Sequential model, Batch batch, BatchLoader loader, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(model.backend());
        int[] rows = new int[batch.capacity()];
        float[] host = new float[batch.capacity()];
        double[] out = new double[n];
        for (int from = 0; from < n; from += batch.capacity()) {
            int count = Math.min(batch.capacity(), n - from);
            for (int r = 0; r < count; r++) {
                rows[r] = from + r;
            }
            loader.load(batch, rows, 0, count);
            ce.forward(model.forward(batch), batch);
            ce.perSampleLoss().copyTo(host);
            for (int r = 0; r < count; r++) {
                out[from + r] = host[r];
            }
        }
        return out;
    }
}
