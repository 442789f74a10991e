package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The losses of every backend against float64 references, on fresh random shapes: each sample's
 * loss summed (or, for MSE, averaged) over its own outputs and never over the batch, its gradient,
 * rows with mask 0 (whose inputs are NaN here: they must not be read), an empty batch, and logits
 * large enough to overflow a naive {@code log(1 + exp(z))}. The float64 gradients are themselves
 * checked against central differences of the float64 losses.
 */
class BackendLossesTest {
    static final double REL = 2e-6;

    enum Kind { SOFTMAX, BINARY, SQUARED }

    @Property(tries = 40)
    void everyLossMatchesItsFloat64Reference(@ForAll Kind kind, @ForAll @IntRange(min = 0, max = 9) int batch,
                                             @ForAll @IntRange(min = 1, max = 7) int outputs, @ForAll long seed) {
        int k = kind == Kind.SOFTMAX ? Math.max(2, outputs) : outputs;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[batch * k];
        float[] t = new float[batch * k];
        int[] labels = new int[batch];
        float[] mask = new float[batch];
        for (int b = 0; b < batch; b++) {
            mask[b] = rng.nextInt(4) == 0 ? 0f : (rng.nextBoolean() ? 1f : 0.5f);
            labels[b] = rng.nextInt(k);
            for (int j = 0; j < k; j++) {
                double scale = rng.nextInt(5) == 0 ? 60 : 3; // some logits past exp's float range
                z[b * k + j] = mask[b] == 0f ? Float.NaN : (float) (rng.nextGaussian() * scale);
                t[b * k + j] = kind == Kind.BINARY ? (float) rng.nextDouble() : (float) rng.nextGaussian();
            }
            if (mask[b] == 0f) {
                labels[b] = -7; // never read
            }
        }
        for (Backend be : TestBackends.all()) {
            Tensor loss = be.zeros(batch);
            Tensor grad = be.zeros(batch, k);
            be.fill(grad, Float.NaN); // overwritten, whatever it held
            Tensor zt = be.tensor(z, batch, k);
            Tensor mt = be.tensor(mask, batch);
            switch (kind) {
                case SOFTMAX -> be.softmaxCrossEntropy(batch, k, zt, be.intTensor(labels, batch), mt, loss, grad);
                case BINARY -> be.binaryCrossEntropy(batch, k, zt, be.tensor(t, batch, k), mt, loss, grad);
                case SQUARED -> be.meanSquaredError(batch, k, zt, be.tensor(t, batch, k), mt, loss, grad);
            }
            float[] gotLoss = loss.toArray();
            float[] gotGrad = grad.toArray();
            for (int b = 0; b < batch; b++) {
                double[] x = new double[k];
                double[] y = new double[k];
                for (int j = 0; j < k; j++) {
                    x[j] = z[b * k + j];
                    y[j] = t[b * k + j];
                }
                double w = mask[b];
                double l = w == 0 ? 0 : w * loss(kind, x, y, labels[b]);
                double[] g = w == 0 ? new double[k] : gradient(kind, x, y, labels[b]);
                assertEquals(l, gotLoss[b], REL * Math.max(1, Math.abs(l)), be.name() + " " + kind + " loss of row " + b);
                for (int j = 0; j < k; j++) {
                    double gj = w * g[j];
                    assertEquals(gj, gotGrad[b * k + j], REL * Math.max(1, Math.abs(gj)),
                            be.name() + " " + kind + " gradient [" + b + ", " + j + "]");
                }
                if (w != 0 && Math.abs(x[0]) < 20) {
                    checkAgainstDifferences(kind, x, y, labels[b], g);
                }
            }
        }
    }

    /** One sample's loss in float64. */
    static double loss(Kind kind, double[] z, double[] t, int label) {
        double s = 0;
        switch (kind) {
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double e = 0;
                for (double v : z) {
                    e += Math.exp(v - max);
                }
                s = max + Math.log(e) - z[label];
            }
            case BINARY -> {
                for (int j = 0; j < z.length; j++) {
                    double p = 1 / (1 + Math.exp(-z[j]));
                    // -t log p - (1 - t) log(1 - p), written with log-sigmoid so large |z| stays exact
                    double logP = -softplus(-z[j]);
                    double log1mP = -softplus(z[j]);
                    s += -t[j] * logP - (1 - t[j]) * log1mP;
                    assert p >= 0;
                }
            }
            case SQUARED -> {
                for (int j = 0; j < z.length; j++) {
                    s += (z[j] - t[j]) * (z[j] - t[j]);
                }
                s /= z.length;
            }
        }
        return s;
    }

    /** {@code log(1 + exp(x))} in float64 without overflow. */
    static double softplus(double x) {
        return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /** One sample's gradient in float64. */
    static double[] gradient(Kind kind, double[] z, double[] t, int label) {
        int k = z.length;
        double[] g = new double[k];
        switch (kind) {
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double e = 0;
                for (double v : z) {
                    e += Math.exp(v - max);
                }
                for (int j = 0; j < k; j++) {
                    g[j] = Math.exp(z[j] - max) / e - (j == label ? 1 : 0);
                }
            }
            case BINARY -> {
                for (int j = 0; j < k; j++) {
                    g[j] = 1 / (1 + Math.exp(-z[j])) - t[j];
                }
            }
            case SQUARED -> {
                for (int j = 0; j < k; j++) {
                    g[j] = 2 * (z[j] - t[j]) / k;
                }
            }
        }
        return g;
    }

    /** The float64 gradient against central differences of the float64 loss. */
    private static void checkAgainstDifferences(Kind kind, double[] z, double[] t, int label, double[] g) {
        double h = 1e-5;
        for (int j = 0; j < z.length; j++) {
            double[] up = z.clone();
            double[] down = z.clone();
            up[j] += h;
            down[j] -= h;
            double fd = (loss(kind, up, t, label) - loss(kind, down, t, label)) / (2 * h);
            assertEquals(fd, g[j], 1e-6 * Math.max(1, Math.abs(fd)), kind + " reference gradient " + j);
        }
    }
}
