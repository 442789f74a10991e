package org.edp4j.examples;

import java.util.SplittableRandom;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.PoissonSampler;
import org.edp4j.dp.PrivateStep;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.LinearRule;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;

/**
 * DP-SGD on a two-layer network written in plain Java arrays, with edp4j's primitives alone: the
 * network, its forward and backward passes, its loss and its SGD update are this file's own loops
 * over {@code float[]}; edp4j sees the arrays through zero-copy views and does what makes the
 * training private — per-sample gradient norms, clip factors, clipped sums, Gaussian noise, the
 * scaling, and the privacy accounting. docs/embedding.md walks through it.
 *
 * <pre>
 * x [B, d] -> z1 = x W1 + b1 [B, h] -> a1 = relu(z1) -> z2 = a1 W2 + b2 [B, k] -> softmax cross-entropy per sample
 * </pre>
 *
 * Run: {@code java -cp edp4j-core.jar:edp4j-examples.jar org.edp4j.examples.TwoLayerDpSgd [epochs]}.
 */
public final class TwoLayerDpSgd implements AutoCloseable {
    final int d;
    final int h;
    final int k;
    final int capacity;

    // The model: the caller's arrays. W1 [d, h], b1 [h], W2 [h, k], b2 [k], row-major.
    final float[] w1;
    final float[] b1;
    final float[] w2;
    final float[] b2;
    // Their gradients: edp4j writes the clipped sums here, then the noisy gradient.
    final float[] gw1;
    final float[] gb1;
    final float[] gw2;
    final float[] gb2;

    // One physical batch of at most `capacity` rows, and what the forward and backward passes keep.
    final float[] x;
    final int[] labels;
    final float[] mask;
    final float[] z1;
    final float[] a1;
    final float[] z2;
    final float[] losses;
    final float[] g2;
    final float[] g1;
    /** Batch row r holds dataset example rowIds[r] (for error messages). */
    final int[] rowIds;

    final PrivateStep step;
    final LinearRule hiddenRule;
    final LinearRule outputRule;
    private final Tensor maskView;
    private final Tensor lossView;
    private final double lr;

    /**
     * @param n training set size; {@code q} the Poisson sampling rate; {@code sigma} the noise
     *     multiplier; {@code clip} the clip bound C; {@code lr} the SGD learning rate
     */
    TwoLayerDpSgd(int d, int h, int k, int n, double q, double sigma, double clip, double lr, GaussianNoise noise,
                  long seed) {
        this.d = d;
        this.h = h;
        this.k = k;
        this.lr = lr;
        this.capacity = PoissonSampler.suggestedCapacity(n, q);
        SplittableRandom rng = new SplittableRandom(seed);
        w1 = uniform(rng, d * h, 1 / Math.sqrt(d));
        b1 = new float[h];
        w2 = uniform(rng, h * k, 1 / Math.sqrt(h));
        b2 = new float[k];
        gw1 = new float[d * h];
        gb1 = new float[h];
        gw2 = new float[h * k];
        gb2 = new float[k];
        x = new float[capacity * d];
        labels = new int[capacity];
        mask = new float[capacity];
        z1 = new float[capacity * h];
        a1 = new float[capacity * h];
        z2 = new float[capacity * k];
        losses = new float[capacity];
        g2 = new float[capacity * k];
        g1 = new float[capacity * h];
        rowIds = new int[capacity];

        // Zero-copy views: edp4j reads and writes these arrays in place, nothing is copied.
        CpuBackend be = CpuBackend.instance();
        Parameter pw1 = new Parameter("W1", be.wrap(w1, 0, d, h), be.wrap(gw1, 0, d, h));
        Parameter pb1 = new Parameter("b1", be.wrap(b1, 0, h), be.wrap(gb1, 0, h));
        Parameter pw2 = new Parameter("W2", be.wrap(w2, 0, h, k), be.wrap(gw2, 0, h, k));
        Parameter pb2 = new Parameter("b2", be.wrap(b2, 0, k), be.wrap(gb2, 0, k));
        // Layer 1's per-sample gradient is x_i (x) g1_i, layer 2's a1_i (x) g2_i: LinearRules on
        // views of the activations and output gradients, bound once (the arrays are reused).
        hiddenRule = LinearRule.of(pw1, pb1).inputs(be.wrap(x, 0, capacity, d), be.wrap(g1, 0, capacity, h));
        outputRule = LinearRule.of(pw2, pb2).inputs(be.wrap(a1, 0, capacity, h), be.wrap(g2, 0, capacity, k));
        maskView = be.wrap(mask, 0, capacity);
        lossView = be.wrap(losses, 0, capacity);
        step = PrivateStep.builder(be).group(hiddenRule).group(outputRule)
                .clipping(Clipping.flat(clip)).noiseMultiplier(sigma).sampling(q, n).noise(noise).build();
    }

    /** Copies examples {@code ids[from .. from + count)} into the batch; the other rows are padding. */
    void loadBatch(float[] data, int[] dataLabels, int[] ids, int from, int count) {
        for (int r = 0; r < capacity; r++) {
            boolean real = r < count;
            int id = real ? ids[from + r] : -1;
            if (real) {
                System.arraycopy(data, id * d, x, r * d, d);
            } else {
                java.util.Arrays.fill(x, r * d, (r + 1) * d, 0f);
            }
            labels[r] = real ? dataLabels[id] : 0;
            mask[r] = real ? 1f : 0f;
            rowIds[r] = id;
        }
    }

    /** The caller's own forward, per-sample loss and backward over the whole batch, in plain loops. */
    void forwardBackward() {
        for (int r = 0; r < capacity; r++) {
            for (int j = 0; j < h; j++) {
                float s = b1[j];
                for (int i = 0; i < d; i++) {
                    s += x[r * d + i] * w1[i * h + j];
                }
                z1[r * h + j] = s;
                a1[r * h + j] = Math.max(0f, s);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                float s = b2[c];
                for (int j = 0; j < h; j++) {
                    s += a1[r * h + j] * w2[j * k + c];
                }
                z2[r * k + c] = s;
                max = Math.max(max, s);
            }
            // Softmax cross-entropy of this sample alone (summed per sample, never averaged).
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(z2[r * k + c] - max);
            }
            double lse = max + Math.log(sum);
            losses[r] = (float) (mask[r] * (lse - z2[r * k + labels[r]]));
            for (int c = 0; c < k; c++) {
                double p = Math.exp(z2[r * k + c] - lse);
                g2[r * k + c] = (float) (mask[r] * (p - (c == labels[r] ? 1 : 0)));
            }
            // Backward: g1 = (g2 W2^T) * relu'(z1).
            for (int j = 0; j < h; j++) {
                float s = 0f;
                for (int c = 0; c < k; c++) {
                    s += g2[r * k + c] * w2[j * k + c];
                }
                g1[r * h + j] = z1[r * h + j] > 0f ? s : 0f;
            }
        }
    }

    /**
     * One DP-SGD step on the examples Poisson-sampled for it: for each physical batch, the
     * caller's forward and backward, then edp4j's norms, clip factors and clipped sums; then
     * edp4j's noise and scaling, this file's own SGD update on the noisy gradient, and edp4j's
     * accounting.
     */
    void trainStep(PoissonSampler sampler, float[] data, int[] dataLabels) {
        int count = sampler.sample(step.stepsTaken());
        int[] ids = sampler.indices();
        step.zeroGrad();
        int from = 0;
        do { // at least one physical batch (an empty Poisson batch still gets noise)
            int n = Math.min(capacity, count - from);
            loadBatch(data, dataLabels, ids, from, n);
            forwardBackward();
            step.accumulate(maskView, r -> rowIds[r], lossView);
            from += n;
        } while (from < count);
        step.addNoise();        // budget and finiteness checked first; then N(0, (sigma C)^2) on every coordinate
        step.scaleGradients();  // divided by the expected batch size q n
        sgd(w1, gw1);           // the caller's own optimizer reads the noisy gradient from its arrays
        sgd(b1, gb1);
        sgd(w2, gw2);
        sgd(b2, gb2);
        step.account();         // the accountant records (q, sigma)
    }

    private void sgd(float[] w, float[] g) {
        for (int i = 0; i < w.length; i++) {
            w[i] -= (float) (lr * g[i]);
        }
    }

    /** The predicted class of example i (forward pass only, outside the private step: test data). */
    int predict(float[] data, int i) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        float[] hid = new float[h];
        for (int j = 0; j < h; j++) {
            float s = b1[j];
            for (int q = 0; q < d; q++) {
                s += data[i * d + q] * w1[q * h + j];
            }
            hid[j] = Math.max(0f, s);
        }
        for (int c = 0; c < k; c++) {
            float s = b2[c];
            for (int j = 0; j < h; j++) {
                s += hid[j] * w2[j * k + c];
            }
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        return best;
    }

    double accuracy(float[] data, int[] dataLabels) {
        int correct = 0;
        for (int i = 0; i < dataLabels.length; i++) {
            correct += predict(data, i) == dataLabels[i] ? 1 : 0;
        }
        return correct / (double) dataLabels.length;
    }

    @Override
    public void close() {
        step.close();
    }

    /** Gaussian clusters: class c's examples are {@code mu_c + N(0, I)}, the means {@code N(0, spread^2 I)}. */
    static Object[] clusters(int n, int d, int k, double spread, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] mu = new double[k][d];
        for (double[] m : mu) {
            for (int i = 0; i < d; i++) {
                m[i] = rng.nextGaussian() * spread;
            }
        }
        float[] data = new float[n * d];
        int[] y = new int[n];
        for (int e = 0; e < n; e++) {
            y[e] = rng.nextInt(k);
            for (int i = 0; i < d; i++) {
                data[e * d + i] = (float) (mu[y[e]][i] + rng.nextGaussian());
            }
        }
        return new Object[] {data, y};
    }

    static float[] uniform(SplittableRandom rng, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    /** Trains for {@code epochs} epochs; returns {test accuracy, epsilon at delta 1e-5}. */
    static double[] run(int epochs, GaussianNoise noise, boolean print) {
        int n = 4000;
        int d = 20;
        int k = 4;
        Object[] all = clusters(n + 1000, d, k, 0.7, 1); // the first n train, the last 1000 test
        float[] trainX = java.util.Arrays.copyOfRange((float[]) all[0], 0, n * d);
        int[] trainY = java.util.Arrays.copyOfRange((int[]) all[1], 0, n);
        float[] testX = java.util.Arrays.copyOfRange((float[]) all[0], n * d, (n + 1000) * d);
        int[] testY = java.util.Arrays.copyOfRange((int[]) all[1], n, n + 1000);
        double q = 64.0 / n;
        double delta = 1e-5;
        try (TwoLayerDpSgd net = new TwoLayerDpSgd(d, 64, k, n, q, 1.0, 1.0, 0.5, noise, 7)) {
            PoissonSampler sampler = new PoissonSampler(noise, n, q);
            int steps = (int) Math.round(1 / q);
            double acc = 0;
            for (int e = 1; e <= epochs; e++) {
                for (int s = 0; s < steps; s++) {
                    net.trainStep(sampler, trainX, trainY);
                }
                acc = net.accuracy(testX, testY);
                if (print) {
                    System.out.printf("epoch %d: test accuracy %.3f, epsilon %.3f at delta %.0e (%d steps)%n", e, acc,
                            net.step.accountant().getEpsilon(delta), delta, net.step.stepsTaken());
                }
            }
            return new double[] {acc, net.step.accountant().getEpsilon(delta)};
        }
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        run(epochs, GaussianNoise.secure(), true);
    }
}
