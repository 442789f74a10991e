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
 *       per-sample gradient; the cheaper of the two is chosen per layer ({@link NormMethod#AUTO}).
 * </ul>
 *
 * <p>The AUTO rule, from the costs of the CPU kernels: the ghost norm forms the two {@code T x T}
 * Gram matrices on and above the diagonal, about {@code T^2 (d + p) / 2} multiply-adds per sample;
 * the direct method forms {@code A_i^T G_i}, {@code T d p} multiply-adds. Both run CpuGemm's
 * vectorized micro-kernel, but the Gram rows are short (the triangle) and X is transposed while it
 * is packed, so measured (B 16, T 16-384, d and p 16-1024, 2-core AMD EPYC, 2026-11-24) the ghost
 * norm takes 1.1-1.3 of the direct time per multiply-add of the model near the crossover (up to
 * 1.7-1.9 for a 32-wide input), so the ghost norm is used when
 * <pre>
 *   (5/4) T^2 (d + p) / 2 &lt; T d p,   i.e.   5 T (d + p) &lt; 8 d p.
 * </pre>
 * At the crossover the two differ by less than 15 %, so the constant matters little. Examples at
 * T = 128: ghost for 256 -&gt; 256 (crossover at T ~ 205), 256 -&gt; 768 and 256 -&gt; 1024 / 1024 -&gt; 256
 * (crossover T ~ 330); direct for narrow layers on long sequences, e.g. 64 -&gt; 64 at T &gt; 51.
 * The ghost norm needs {@code 2 T^2} floats of scratch per thread, the direct method {@code d p}.
 * {@link #normMethod} forces either.
 *
 * <p>Clipped sum: {@code dW = A^T diag(c) G}, one GEMM with the row scaling fused in.
 */
public final class Linear implements Layer {

    /** How the per-sample norm of a sequence input is computed. */
    public enum NormMethod {
        /** Ghost norm when {@code 5 T (d + p) < 8 d p}, else direct (see the class comment). */
        AUTO,
        GHOST,
        DIRECT
    }

    private final Backend backend;
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private NormMethod normMethod = NormMethod.AUTO;

    private Tensor input;
    private Tensor output;
    private Tensor gradOut;
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
    }

    /** Forces the per-sample norm method for sequence input (tests, benchmarks). */
    public Linear normMethod(NormMethod method) {
        this.normMethod = method;
        return this;
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
        Buffers.requireLast("Linear(" + in + " -> " + out + ")", x, in);
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
        gradOut = g;
        gradIn = Buffers.ensure(backend, gradIn, input.shape().dims());
        int rows = input.shape().rows();
        backend.gemm(false, true, rows, in, out, 1f, g, weight.value(), 0f, gradIn);
        return gradIn;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public void addSquaredNorms(Batch batch, Tensor sqNorms) {
        int seq = Buffers.rowsPerSample(input);
        int b = input.dim(0);
        if (seq == 1) {
            backend.linearNormsRowwise(b, in, out, input, gradOut, bias != null, sqNorms);
        } else if (useGhost(seq)) {
            backend.linearNormsGhost(b, seq, in, out, input, gradOut, bias != null, sqNorms);
        } else {
            backend.linearNormsDirect(b, seq, in, out, input, gradOut, bias != null, sqNorms);
        }
    }

    /**
     * Ghost norm ~ (5/4) T^2 (d + p) / 2 per sample against the direct per-sample gradient ~ T d p
     * (measured constants: see the class comment).
     */
    boolean useGhost(int seq) {
        return switch (normMethod) {
            case GHOST -> true;
            case DIRECT -> false;
            case AUTO -> 5L * seq * (in + out) < 8L * in * out;
        };
    }

    @Override
    public void clippedSum(Batch batch, Tensor factors, float beta) {
        int rows = input.shape().rows();
        int seq = Buffers.rowsPerSample(input);
        backend.gemmScaledTN(rows, in, out, seq, input, gradOut, factors, beta, weight.grad());
        if (bias != null) {
            backend.columnSumScaled(rows, out, seq, gradOut, factors, beta, bias.grad());
        }
    }

    @Override
    public String describe() {
        return "Linear(" + in + " -> " + out + (bias == null ? ", no bias)" : ")");
    }
}
