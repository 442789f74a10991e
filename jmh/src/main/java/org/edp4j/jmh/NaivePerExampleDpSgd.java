package org.edp4j.jmh;

import java.util.List;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.dp.noise.NoisePrefetcher;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.nn.SoftmaxCrossEntropy;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;

/**
 * The naive baseline: DP-SGD with a per-example loop, i.e. how slow a private step is without
 * book-keeping clipping. <b>A benchmark baseline, not library code.</b>
 *
 * <p>For each example i of the batch, alone in a batch of capacity 1: forward, backward, then the
 * layers' clipped sum with factor 1 writes that example's full gradient {@code grad_i} into the
 * parameters' gradient buffers (materialized), its squared norm is
 * {@code sum_p} {@link Backend#sumOfSquares} over the parameters, the clip factor
 * {@code c_i = min(1, C / (||grad_i|| + 1e-6))}, and {@code c_i grad_i} is added into an
 * accumulator per parameter by {@link Backend#axpy}. After the batch: the accumulators become the
 * gradient sums, checked finite as {@link org.edp4j.dp.PrivateOptimizer} checks them, and the
 * update is the library's own fused noise + SGD ({@link Backend#sgdUpdate}) with
 * {@code N(0, (sigma C)^2)} noise drawn from the same ChaCha20 stream (prefetched the same way)
 * and scaled by {@code 1 / (q n)}. That is exactly the math of
 * {@link org.edp4j.dp.PrivateOptimizer}'s flat-clipping step (the summation order differs, so
 * results agree to float rounding: see NaivePerExampleDpSgdTest).
 *
 * <p>Every per-example stage runs the library's own kernels (the same vectorized, multi-threaded
 * loops as the private step), on the backend, with no host copy: naive / private measures the
 * algorithm (one pass per example, materialized gradients), not a slower loop.
 */
public final class NaivePerExampleDpSgd implements AutoCloseable {
    private final Sequential model;
    private final Backend backend;
    private final List<Parameter> params;
    private final SoftmaxCrossEntropy loss;
    private final Batch one;
    private final Tensor unitFactor;
    private final List<Tensor> accumulators;
    private final List<Tensor> sums;
    private final long[] offsets;
    private final double clipNorm;
    private final double noiseStd;
    private final float gradScale;
    private final float lr;
    private final int[] key;
    private final NoisePrefetcher prefetcher;
    private long step;

    /**
     * @param model the model (its own instance: its buffers are resized to one row)
     * @param one a batch of capacity 1 of the model's input kind. Modified by the caller's loader.
     * @param clipNorm C &gt; 0
     * @param sigma noise multiplier &gt;= 0
     * @param expectedBatchSize q n &gt; 0
     * @param lr SGD learning rate
     * @param noise the noise generator
     */
    public NaivePerExampleDpSgd(Sequential model, Batch one, double clipNorm, double sigma, double expectedBatchSize,
                                double lr, GaussianNoise noise) {
        if (one.capacity() != 1) {
            throw new IllegalArgumentException("the naive loop needs a batch of capacity 1, got " + one.capacity());
        }
        this.model = model;
        this.backend = model.backend();
        this.params = model.parameters();
        this.loss = new SoftmaxCrossEntropy(backend);
        this.one = one;
        this.unitFactor = backend.tensor(new float[] {1f}, 1);
        this.accumulators = new java.util.ArrayList<>();
        this.offsets = new long[params.size()];
        long off = 0;
        for (int i = 0; i < params.size(); i++) {
            accumulators.add(backend.zeros(params.get(i).value().shape().dims()));
            offsets[i] = off;
            off += params.get(i).size();
        }
        this.sums = params.stream().map(Parameter::grad).toList();
        this.clipNorm = clipNorm;
        this.noiseStd = sigma * clipNorm;
        this.gradScale = (float) (1.0 / expectedBatchSize);
        this.lr = (float) lr;
        this.key = noise.key();
        this.prefetcher = sigma > 0 && !backend.drawsNoise()
                ? new NoisePrefetcher(noise, GaussianNoise.GRADIENT_NOISE, (int) off) : null;
    }

    /** A loader of example {@code r} of the batch into the capacity-1 batch. */
    @FunctionalInterface
    public interface ExampleLoader {
        void load(Batch one, int r);
    }

    /**
     * One private step over {@code count} examples: per-example loop, then noise and update.
     *
     * @return the summed loss
     */
    public double step(int count, ExampleLoader loader) {
        for (Tensor a : accumulators) {
            backend.fill(a, 0f);
        }
        double lossSum = 0;
        for (int r = 0; r < count; r++) {
            loader.load(one, r);
            Tensor logits = model.forward(one);
            lossSum += loss.forward(logits, one);
            model.backward(loss.gradient(), one);
            // The example's own gradient, written into the parameter grads (factor 1, beta 0).
            for (Layer layer : model.layers()) {
                layer.clippedSum(unitFactor, 0f);
            }
            double sq = 0;
            for (Tensor g : sums) {
                sq += backend.sumOfSquares(g);
            }
            if (!Double.isFinite(sq)) {
                throw new IllegalStateException("the gradient of example " + r + " is not finite");
            }
            float c = (float) Math.min(1.0, clipNorm / (Math.sqrt(sq) + Clipping.STABILIZER));
            for (int p = 0; p < params.size(); p++) {
                backend.axpy(c, sums.get(p), accumulators.get(p));
            }
        }
        for (int p = 0; p < params.size(); p++) {
            backend.copy(accumulators.get(p), sums.get(p));
        }
        if (!backend.allFinite(sums)) {
            throw new IllegalStateException("a summed gradient is not finite");
        }
        float[] normals = prefetcher == null ? null : prefetcher.take(step);
        for (int p = 0; p < params.size(); p++) {
            Parameter prm = params.get(p);
            UpdateNoise un = noiseStd == 0 ? UpdateNoise.NONE
                    : new UpdateNoise((float) noiseStd, normals, (int) offsets[p], key, GaussianNoise.GRADIENT_NOISE,
                            step, offsets[p]);
            backend.sgdUpdate(prm.value(), prm.grad(), un, gradScale, lr, 0f, 0f, null);
        }
        step++;
        return lossSum;
    }

    /** The parameters being trained (the model's). */
    public List<Parameter> modelParameters() {
        return params;
    }

    public long stepsTaken() {
        return step;
    }

    @Override
    public void close() {
        if (prefetcher != null) {
            prefetcher.close();
        }
        for (Tensor a : accumulators) {
            a.close();
        }
        one.close();
    }
}
