package org.edp4j.dp;

import org.edp4j.nn.Batch;
import org.edp4j.nn.Sequential;

/** Accuracy of a model over a dataset, in fixed-capacity batches. */
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
}
