package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.TestBackends;

/**
 * Per-sample squared norms and clipped sums of every layer, alone and in whole models, against
 * the float64 per-example reference, on random shapes including B = 1, T = 1, padding rows and
 * the empty batch.
 */
class ModelGradientTest {
    /** Relative tolerance of the issue: float32 kernels against the float64 reference. */
    static final double REL = 1e-4;
    /**
     * Absolute floor for vectors that are tiny through cancellation (a LayerNorm of width 2 makes
     * its input gradient ~1e-7 of the upstream one): float32 rounding of the forward pass then
     * dominates, whatever the per-sample method. 1e-7 is 1e-5 of the O(0.01..1) gradients here.
     */
    static final double ABS = 1e-7;
    /** The floor of a squared norm compared on its own: (ABS)^2 scaled by O(1) gradient norms. */
    static final double ABS_SQUARED = 1e-10;

    @Property(tries = 40)
    void denseModels(@ForAll @IntRange(min = 1, max = 6) int capacity,
                     @ForAll @IntRange(min = 0, max = 6) int count,
                     @ForAll @IntRange(min = 1, max = 9) int in,
                     @ForAll @IntRange(min = 1, max = 7) int hidden,
                     @ForAll @IntRange(min = 2, max = 4) int classes,
                     @ForAll @IntRange(min = 0, max = 2) int activation,
                     @ForAll boolean layerNorm,
                     @ForAll long seed) {
        int real = Math.min(count, capacity);
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            List<Layer> layers = new ArrayList<>();
            // LayerNorm on the full-rank input (width >= 3); see sequenceModels for why.
            if (layerNorm && in >= 3) {
                LayerNorm ln = new LayerNorm(be, in);
                randomize(ln.gamma(), rng);
                randomize(ln.beta(), rng);
                layers.add(ln);
            }
            layers.add(new Linear(be, in, hidden, true, rng));
            layers.add(new ActivationLayer(be, org.edp4j.tensor.Activation.values()[activation]));
            layers.add(shrink(new Linear(be, hidden, classes, activation != 1, rng)));
            layers.add(new Bias(be, classes));
            randomize(((Bias) layers.get(layers.size() - 1)).bias(), rng);
            Sequential model = new Sequential(be, layers);

            float[] x = new float[real * in];
            double[][] dx = new double[real][in];
            int[] y = new int[real];
            for (int i = 0; i < real; i++) {
                for (int j = 0; j < in; j++) {
                    x[i * in + j] = (float) rng.nextGaussian();
                    dx[i][j] = x[i * in + j];
                }
                y[i] = rng.nextInt(classes);
            }
            Batch batch = Batch.dense(be, capacity, in, classes);
            batch.loadDense(x, y, identity(real), real);
            check(model, batch, Reference.run(model, dx, null, y), real, rng);
        }
    }

    @Property(tries = 40)
    void sequenceModels(@ForAll @IntRange(min = 1, max = 5) int capacity,
                        @ForAll @IntRange(min = 0, max = 5) int count,
                        @ForAll @IntRange(min = 1, max = 6) int seq,
                        @ForAll @IntRange(min = 2, max = 9) int vocab,
                        @ForAll @IntRange(min = 3, max = 6) int dim,
                        @ForAll @IntRange(min = 1, max = 6) int width,
                        @ForAll @IntRange(min = 0, max = 2) int normMethod,
                        @ForAll long seed) {
        int real = Math.min(count, capacity);
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            // LayerNorm right after the embedding, where its input has full rank: a LayerNorm
            // behind a rank-deficient map is nearly scale-invariant and its gradient is float32
            // cancellation, whatever the per-sample method.
            LayerNorm ln = new LayerNorm(be, dim);
            randomize(ln.gamma(), rng);
            randomize(ln.beta(), rng);
            Bias bias = new Bias(be, width);
            randomize(bias.bias(), rng);
            Sequential model = Sequential.of(be,
                    new Embedding(be, vocab, dim, 1f, rng),
                    ln,
                    new Linear(be, dim, width, normMethod != 2, rng).normMethod(LinearRule.NormMethod.values()[normMethod]),
                    ActivationLayer.gelu(be),
                    bias,
                    new MaskedMeanPool(be),
                    shrink(new Linear(be, width, 3, true, rng)));
            checkOnTokens(model, be, rng, capacity, real, seq, vocab);
        }
    }

    /** The bag model ({@link Models#bag}: EmbeddingBag, Linear, Tanh, Linear) against the float64 reference. */
    @Property(tries = 30)
    void bagModels(@ForAll @IntRange(min = 1, max = 5) int capacity,
                   @ForAll @IntRange(min = 0, max = 5) int count,
                   @ForAll @IntRange(min = 1, max = 7) int seq,
                   @ForAll @IntRange(min = 2, max = 9) int vocab,
                   @ForAll @IntRange(min = 1, max = 6) int dim,
                   @ForAll @IntRange(min = 1, max = 6) int hidden,
                   @ForAll long seed) {
        int real = Math.min(count, capacity);
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            Sequential model = Models.bag(be, rng, vocab, dim, hidden, 3);
            checkOnTokens(model, be, rng, capacity, real, seq, vocab);
        }
    }

    /**
     * {@link #check} on a batch of {@code real} random token rows (each of a random length, 0 real
     * tokens included: the pool or bag gives 0), 3 classes.
     */
    static void checkOnTokens(Sequential model, Backend be, SplittableRandom rng, int capacity, int real, int seq,
                              int vocab) {
        int[] tok = new int[real * seq];
        int[][] rows = new int[real][seq];
        int[] y = new int[real];
        for (int i = 0; i < real; i++) {
            int len = rng.nextInt(seq + 1);
            for (int t = 0; t < seq; t++) {
                int id = t < len ? 1 + rng.nextInt(vocab - 1) : Batch.PAD;
                tok[i * seq + t] = id;
                rows[i][t] = id;
            }
            y[i] = rng.nextInt(3);
        }
        Batch batch = Batch.tokens(be, capacity, seq, 3);
        batch.loadTokens(tok, y, identity(real), real, vocab);
        check(model, batch, Reference.run(model, null, rows, y), real, rng);
    }

    /** Forward, backward, then flat norms, per-layer norms and the clipped sum against the reference. */
    static void check(Sequential model, Batch batch, Reference ref, int real, SplittableRandom rng) {
        Backend be = model.backend();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(be);
        Tensor logits = model.forward(batch);
        double total = loss.forward(logits, batch);
        double refTotal = 0;
        for (int i = 0; i < real; i++) {
            refTotal += ref.losses[i];
        }
        assertEquals(refTotal, total, REL * Math.max(1, Math.abs(refTotal)), "summed loss");
        model.backward(loss.gradient(), batch);

        int cap = batch.capacity();
        Tensor sq = be.zeros(cap);
        for (Layer l : model.layers()) {
            l.addSquaredNorms(sq);
        }
        double[] refNorms = new double[cap];
        for (int i = 0; i < real; i++) {
            refNorms[i] = ref.sqNorm(i);
        }
        assertVectorClose("flat squared norms", refNorms, sq.toArray());
        assertEachSampleClose("flat squared norm", refNorms, sq.toArray());

        int p0 = 0;
        for (Layer l : model.trainableLayers()) {
            Tensor layerSq = be.zeros(cap);
            l.addSquaredNorms(layerSq);
            int p1 = p0 + l.parameters().size();
            double[] want = new double[cap];
            for (int i = 0; i < real; i++) {
                want[i] = ref.sqNorm(i, p0, p1);
            }
            assertVectorClose(l.describe() + " squared norms", want, layerSq.toArray());
            assertEachSampleClose(l.describe() + " squared norm", want, layerSq.toArray());
            p0 = p1;
        }

        float[] c = new float[cap];
        double[] cd = new double[real];
        for (int i = 0; i < real; i++) {
            c[i] = (float) rng.nextDouble();
            cd[i] = c[i];
        }
        Tensor factors = be.tensor(c, cap);
        for (Layer l : model.layers()) {
            l.clippedSum(factors, 0f);
        }
        List<Parameter> ps = model.parameters();
        for (int p = 0; p < ps.size(); p++) {
            assertVectorClose("clipped sum of " + ps.get(p), ref.clippedSum(p, cd), ps.get(p).grad().toArray());
        }
        // beta = 1 accumulates a second physical batch onto the first.
        for (Layer l : model.layers()) {
            l.clippedSum(factors, 1f);
        }
        for (int p = 0; p < ps.size(); p++) {
            double[] twice = ref.clippedSum(p, cd);
            for (int j = 0; j < twice.length; j++) {
                twice[j] *= 2;
            }
            assertVectorClose("accumulated clipped sum of " + ps.get(p), twice, ps.get(p).grad().toArray());
        }
    }

    /** Norm-wise relative error at most REL (elementwise relative error is meaningless near 0). */
    static void assertVectorClose(String what, double[] want, float[] got) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < want.length; i++) {
            diff += (want[i] - got[i]) * (want[i] - got[i]);
            norm += want[i] * want[i];
        }
        diff = Math.sqrt(diff);
        norm = Math.sqrt(norm);
        if (diff > REL * norm + ABS) {
            StringBuilder sb = new StringBuilder(what + ": relative error " + diff / Math.max(norm, 1e-300) + "\n");
            for (int i = 0; i < Math.min(8, want.length); i++) {
                sb.append("  [").append(i).append("] want ").append(want[i]).append(" got ").append(got[i]).append('\n');
            }
            throw new AssertionError(sb.toString());
        }
    }

    /**
     * Sample by sample: a squared norm is a sum of squares, so each sample's relative error is
     * meaningful on its own (a norm-wise check over the batch lets a small sample's wrong norm
     * hide behind a large one's). Floor ABS_SQUARED for norms that are ~0 through cancellation.
     */
    static void assertEachSampleClose(String what, double[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            double tol = REL * Math.abs(want[i]) + ABS_SQUARED;
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                throw new AssertionError(what + " of sample " + i + ": want " + want[i] + " got " + got[i]
                        + " (relative error " + Math.abs(want[i] - got[i]) / Math.max(Math.abs(want[i]), 1e-300) + ")");
            }
        }
    }

    /**
     * Scales a head's weights down so the softmax is far from saturation: a saturated softmax
     * makes {@code p - 1} a float32 cancellation that no per-sample method can fix, and would
     * only test the forward pass's rounding.
     */
    static Linear shrink(Linear head) {
        float[] w = head.weight().value().toArray();
        for (int i = 0; i < w.length; i++) {
            w[i] *= 0.3f;
        }
        head.weight().value().copyFrom(w);
        return head;
    }

    static int[] identity(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    static void randomize(Parameter p, SplittableRandom rng) {
        float[] v = new float[p.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * 0.5 + (p.name().equals("gamma") ? 1 : 0));
        }
        p.value().copyFrom(v);
    }
}
