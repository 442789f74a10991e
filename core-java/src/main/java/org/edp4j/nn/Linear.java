package org.edp4j.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Fully connected layer {@code y = a W + b}, on {@code [B, d]} or {@code [B, T, d]} input, with
 * {@code W} stored {@code [d, p]}.
 *
 * <p>Per-sample squared gradient norm (the gradient of sample i is {@code A_i^T G_i}):
 * <ul>
 *   <li>{@code [B, d]}: {@code ||a_i||^2 ||g_i||^2} (+ {@code ||g_i||^2} for the bias);
 *   <li>{@code [B, T, d]}: ghost norm {@code sum_{t,s} (a_it . a_is)(g_it . g_is)}, or the direct
 *       per-sample gradient; the cheaper of the two is chosen per layer ({@link LinearRule.NormMethod#AUTO}).
 * </ul>
 *
 * <p>The rule (norm method, the AUTO choice between ghost and direct, the clipped sum) is
 * {@link LinearRule}'s; this layer sets its inputs in {@link #backward}.
 *
 * <p>Clipped sum: {@code dW = A^T diag(c) G}, one GEMM with the row scaling fused in.
 */
public final class Linear implements RuleLayer {

    private final Backend backend;
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private final LinearRule rule;

    private Tensor input;
    private Tensor output;
    private Tensor gradIn;

    /**
     * A layer with weights drawn uniformly from {@code [-1/sqrt(in), 1/sqrt(in)]} (bias too), as
     * PyTorch initializes {@code nn.Linear}.
     *
     * @param in input width, &gt; 0
     * @param out output width, &gt; 0
     * @throws IllegalArgumentException for a width out of range, or {@code in * out > 2^31 - 1}
     */
    public Linear(Backend backend, int in, int out, boolean withBias, SplittableRandom rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear widths must be > 0, got in=" + in + ", out=" + out);
        }
        this.backend = backend;
        this.in = in;
        this.out = out;
        float bound = (float) (1.0 / Math.sqrt(in));
        int size = Init.size("Linear weight [in, out]", in, out);
        this.weight = new Parameter("weight", backend.tensor(Init.uniform(rng, size, bound), in, out));
        this.bias = withBias ? new Parameter("bias", backend.tensor(Init.uniform(rng, out, bound), out)) : null;
        this.rule = LinearRule.of(weight, bias);
    }

    /** Forces the per-sample norm method for sequence input (tests, benchmarks). */
    public Linear normMethod(LinearRule.NormMethod method) {
        rule.normMethod(method);
        return this;
    }

    /** The per-sample rule of this layer's weight and bias. */
    @Override
    public LinearRule rule() {
        return rule;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x, Batch batch) {
        Buffers.requireLast(this, x, in);
        input = x;
        output = Buffers.ensure(backend, output, Buffers.withLast(x, out));
        int rows = x.shape().rows();
        backend.gemm(false, false, rows, out, in, 1f, x, weight.value(), 0f, output);
        if (bias != null) {
            backend.addRowVector(rows, out, bias.value(), output);
        }
        return output;
    }

    @Override
    public Tensor backward(Tensor g, Batch batch) {
        rule.inputs(input, g);
        gradIn = Buffers.ensure(backend, gradIn, input.shape().dims());
        int rows = input.shape().rows();
        backend.gemm(false, true, rows, in, out, 1f, g, weight.value(), 0f, gradIn);
        return gradIn;
    }

    /** Only what the rule needs: the first layer's dL/d input (the data's) is not computed. */
    @Override
    public void backwardWithoutInputGradient(Tensor g, Batch batch) {
        rule.inputs(input, g);
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String describe() {
        return "Linear(" + in + " -> " + out + (bias == null ? ", no bias)" : ")");
    }

    @Override
    public String toString() {
        return describe();
    }
}
