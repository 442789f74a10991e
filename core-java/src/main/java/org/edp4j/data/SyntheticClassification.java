package org.edp4j.data;

import java.util.SplittableRandom;

/**
 * A synthetic classification task for smoke tests and the quick demo: K Gaussian clusters in
 * d dimensions, class means drawn uniformly on a sphere of radius {@code separation}, unit
 * variance noise. Deterministic for a seed; features row-major {@code [n, d]}.
 *
 * @param features {@code [n * d]} row-major
 * @param labels {@code [n]} in {@code [0, classes)}
 */
public record SyntheticClassification(float[] features, int[] labels, int dim, int classes) {

    /**
     * @param n examples, &gt; 0; dim &gt; 0; classes &gt;= 2; separation &gt; 0 (3 makes a task a linear
     *     model solves to about 95%)
     */
    public static SyntheticClassification gaussianClusters(int n, int dim, int classes, double separation, long seed) {
        if (n <= 0 || dim <= 0 || classes < 2 || !(separation > 0)) {
            throw new IllegalArgumentException("need n > 0, dim > 0, classes >= 2, separation > 0; got n=" + n
                    + ", dim=" + dim + ", classes=" + classes + ", separation=" + separation);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] means = new double[classes][dim];
        for (double[] m : means) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                m[j] = rng.nextGaussian();
                norm += m[j] * m[j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < dim; j++) {
                m[j] *= separation / norm;
            }
        }
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(classes);
            y[i] = c;
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = (float) (means[c][j] + rng.nextGaussian());
            }
        }
        return new SyntheticClassification(x, y, dim, classes);
    }

    public int size() {
        return labels.length;
    }

    /** The first {@code count} examples (a train split). */
    public SyntheticClassification head(int count) {
        return slice(0, count);
    }

    /** Examples {@code [from, size)} (a test split). */
    public SyntheticClassification tail(int from) {
        return slice(from, size());
    }

    private SyntheticClassification slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + size() + ")");
        }
        float[] x = java.util.Arrays.copyOfRange(features, from * dim, to * dim);
        int[] y = java.util.Arrays.copyOfRange(labels, from, to);
        return new SyntheticClassification(x, y, dim, classes);
    }
}
