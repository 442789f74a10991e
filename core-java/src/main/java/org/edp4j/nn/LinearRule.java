package org.edp4j.nn;

import java.util.List;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * The per-sample rule of a fully connected layer {@code y = a W + b} (weight stored {@code [d, p]},
 * {@link #of}) or {@code y = a W^T + b} (weight stored {@code [p, d]}, PyTorch's
 * {@code nn.Linear} layout, {@link #transposed}), on inputs {@code a} {@code [B, d]} or
 * {@code [B, T, d]} with output gradients {@code g = dL_i/dy} {@code [B, p]} or {@code [B, T, p]}.
 *
 * <p>The gradient of sample i is {@code A_i^T G_i} (and {@code sum_t g_it} for the bias). Its
 * squared norm:
 * <ul>
 *   <li>{@code [B, d]}: {@code ||a_i||^2 ||g_i||^2} (+ {@code ||g_i||^2} for the bias);
 *   <li>{@code [B, T, d]}: ghost norm {@code sum_{t,s} (a_it . a_is)(g_it . g_is)}, or the direct
 *       per-sample gradient; the cheaper of the two per layer ({@link NormMethod#AUTO}).
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
 * <p>Clipped sum: {@code dW = A^T diag(c) G} (or {@code G^T diag(c) A} for the transposed layout),
 * one GEMM with the row scaling fused in; {@code db = sum_r c_r g_r}.
 */
public final class LinearRule implements UnitRule {

    /** How the per-sample norm of a sequence input is computed. */
    public enum NormMethod {
        /** Ghost norm when {@code 5 T (d + p) < 8 d p}, else direct (see the class comment). */
        AUTO,
        GHOST,
        DIRECT
    }

    private final Parameter weight;
    private final Parameter bias;
    private final boolean transposed;
    private final int in;
    private final int out;
    private final Backend backend;
    private final List<Parameter> parameters;
    private NormMethod normMethod = NormMethod.AUTO;

    private Tensor a;
    private Tensor g;

    private LinearRule(Parameter weight, Parameter bias, boolean transposed) {
        if (weight == null || weight.value().shape().rank() != 2) {
            throw new IllegalArgumentException("LinearRule: the weight must be a matrix, got "
                    + (weight == null ? "null" : weight.toString()));
        }
        this.weight = weight;
        this.bias = bias;
        this.transposed = transposed;
        this.in = weight.value().dim(transposed ? 1 : 0);
        this.out = weight.value().dim(transposed ? 0 : 1);
        if (bias != null) {
            Rules.requireShape(this, bias, out);
        }
        this.backend = weight.backend();
        this.parameters = bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /**
     * The rule of {@code y = a W + b} with W stored {@code [in, out]}.
     *
     * @param bias {@code [out]}, or null for none
     * @throws IllegalArgumentException for a weight that is not a matrix or a bias of another width
     */
    public static LinearRule of(Parameter weight, Parameter bias) {
        return new LinearRule(weight, bias, false);
    }

    /**
     * The rule of {@code y = a W^T + b} with W stored {@code [out, in]} (PyTorch's layout).
     *
     * @param bias {@code [out]}, or null for none
     * @throws IllegalArgumentException for a weight that is not a matrix or a bias of another width
     */
    public static LinearRule transposed(Parameter weight, Parameter bias) {
        return new LinearRule(weight, bias, true);
    }

    /** Forces the per-sample norm method for sequence inputs (tests, benchmarks). */
    public LinearRule normMethod(NormMethod method) {
        this.normMethod = method;
        return this;
    }

    /**
     * The tensors of the current batch, kept by reference (not copied).
     *
     * @param a the layer's input {@code [B, in]} or {@code [B, T, in]}
     * @param g the gradient of the per-sample losses with respect to the output, {@code [B, out]}
     *     or {@code [B, T, out]}
     * @return this rule
     * @throws IllegalArgumentException for shapes that do not match the weight or each other
     */
    public LinearRule inputs(Tensor a, Tensor g) {
        Rules.requireActivation(this, "a", a, in);
        Rules.requireActivation(this, "g", g, out);
        Rules.requireSameRows(this, "a", a, "g", g);
        this.a = a;
        this.g = g;
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * Unit u's squared norm on the unit view ({@link PerSampleRule}): a {@code [B, d]} input is read
     * as {@code [B/k, k, d]}, so for k &gt; 1 the ghost or direct norm runs on k rows per unit (never
     * the rowwise {@code ||a||^2 ||g||^2}, which is the norm of one row's gradient only).
     */
    @Override
    public void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        Rules.requireInputs(this, a);
        int seq = Rules.unitRows(this, "sqNorms", sqNorms, a, rowsPerUnit);
        int units = sqNorms.size();
        if (seq == 1) {
            backend.linearNormsRowwise(units, in, out, a, g, bias != null, sqNorms);
        } else if (useGhost(seq)) {
            backend.linearNormsGhost(units, seq, in, out, a, g, bias != null, sqNorms);
        } else {
            backend.linearNormsDirect(units, seq, in, out, a, g, bias != null, sqNorms);
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
    public void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        Rules.requireInputs(this, a);
        int seq = Rules.unitRows(this, "factors", factors, a, rowsPerUnit);
        int rows = a.shape().rows();
        if (transposed) {
            backend.gemmScaledTN(rows, out, in, seq, g, a, factors, beta, weight.grad());
        } else {
            backend.gemmScaledTN(rows, in, out, seq, a, g, factors, beta, weight.grad());
        }
        if (bias != null) {
            backend.columnSumScaled(rows, out, seq, g, factors, beta, bias.grad());
        }
    }

    /** "LinearRule(784 -> 512)". */
    public String describe() {
        return "LinearRule(" + in + " -> " + out + (transposed ? ", weight [out, in]" : "")
                + (bias == null ? ", no bias)" : ")");
    }

    @Override
    public String toString() {
        return describe();
    }
}
