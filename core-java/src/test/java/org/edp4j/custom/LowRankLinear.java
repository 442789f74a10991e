package org.edp4j.custom;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Layer;
import org.edp4j.nn.LinearRule;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * A custom layer written against edp4j's public SPI only (this package sees nothing
 * package-private): a low-rank linear map {@code y = x A B} with {@code A} {@code [d, r]} and
 * {@code B} {@code [r, p]}, the factorization of LoRA adapters. docs/embedding.md walks through it.
 *
 * <p>Sample i's gradients are {@code dA_i = X_i^T (G_i B^T)} and {@code dB_i = (X_i A)^T G_i}: each
 * is the gradient of a linear map, so the layer's per-sample rule is two {@link LinearRule}s, one
 * on {@code (x, g B^T)} for A and one on {@code (x A, g)} for B, whose squared norms add (the
 * norm of the whole gradient is over both parameters) and whose clipped sums go to each.
 */
public final class LowRankLinear implements Layer {
    private final Backend backend;
    private final int in;
    private final int rank;
    private final int out;
    private final Parameter a;
    private final Parameter b;
    private final LinearRule ruleA;
    private final LinearRule ruleB;

    private Tensor x;
    private Tensor h;
    private Tensor y;
    private Tensor gh;
    private Tensor gx;

    public LowRankLinear(Backend backend, int in, int rank, int out, SplittableRandom rng) {
        this.backend = backend;
        this.in = in;
        this.rank = rank;
        this.out = out;
        this.a = new Parameter("A", backend.tensor(uniform(rng, in * rank, 1 / Math.sqrt(in)), in, rank));
        this.b = new Parameter("B", backend.tensor(uniform(rng, rank * out, 1 / Math.sqrt(rank)), rank, out));
        this.ruleA = LinearRule.of(a, null);
        this.ruleB = LinearRule.of(b, null);
    }

    @Override
    public Tensor forward(Tensor input, Batch batch) {
        int rows = input.shape().rows();
        x = input;
        h = ensure(h, withLast(input, rank));
        y = ensure(y, withLast(input, out));
        backend.gemm(false, false, rows, rank, in, 1f, x, a.value(), 0f, h); // h = x A
        backend.gemm(false, false, rows, out, rank, 1f, h, b.value(), 0f, y); // y = h B
        return y;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        int rows = x.shape().rows();
        gh = ensure(gh, withLast(x, rank));
        gx = ensure(gx, x.shape().dims());
        backend.gemm(false, true, rows, rank, out, 1f, g, b.value(), 0f, gh); // gh = g B^T
        backend.gemm(false, true, rows, in, rank, 1f, gh, a.value(), 0f, gx); // gx = gh A^T
        ruleA.inputs(x, gh); // dA_i = X_i^T GH_i
        ruleB.inputs(h, g);  // dB_i = H_i^T G_i
        return gx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(a, b);
    }

    @Override
    public void addSquaredNorms(Tensor sqNorms) {
        ruleA.addSquaredNorms(sqNorms);
        ruleB.addSquaredNorms(sqNorms);
    }

    @Override
    public void clippedSum(Tensor factors, float beta) {
        ruleA.clippedSum(factors, beta);
        ruleB.clippedSum(factors, beta);
    }

    /** Privacy units of several rows ({@code PrivateStep.Builder.rowsPerUnit}): the rules' own unit methods. */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        ruleA.addSquaredNorms(sqNorms, rowsPerUnit);
        ruleB.addSquaredNorms(sqNorms, rowsPerUnit);
    }

    @Override
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        ruleA.clippedSum(factors, rowsPerUnit, beta);
        ruleB.clippedSum(factors, rowsPerUnit, beta);
    }

    @Override
    public String describe() {
        return "LowRankLinear(" + in + " -> " + rank + " -> " + out + ")";
    }

    public Parameter a() {
        return a;
    }

    public Parameter b() {
        return b;
    }

    private Tensor ensure(Tensor t, int[] dims) {
        return t != null && java.util.Arrays.equals(t.shape().dims(), dims) ? t : backend.zeros(dims);
    }

    private static int[] withLast(Tensor t, int last) {
        int[] dims = t.shape().dims();
        dims[dims.length - 1] = last;
        return dims;
    }

    private static float[] uniform(SplittableRandom rng, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }
}
