package org.edp4j.testkit;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.PerSampleRule;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;

/**
 * Checks a {@link PerSampleRule} against float64 per-example gradients: the reference that runs
 * each example alone (a microbatch of one) and materializes its gradient. Published in edp4j-core's
 * test jar so a framework author can check a rule of their own; edp4j checks its built-in rules
 * with it too. No test framework needed: a mismatch is an {@link AssertionError} naming the
 * parameter, the element and both values.
 *
 * <p>Given a rule whose inputs hold a batch of B samples and, for each sample, its gradient of
 * every parameter computed in float64 by the caller (the straightforward loop over one example:
 * no ghost norm, no grouping, no fusion), the check verifies the rule's contract:
 * <ol>
 *   <li>{@link PerSampleRule#addSquaredNorms} adds {@code ||grad_i||^2} to what the vector held
 *       (it is pre-filled with 0.25 to catch an overwrite), every value {@code >= 0};
 *   <li>{@link PerSampleRule#clippedSum} with beta 0 writes {@code sum_i c_i grad_i} over random
 *       factors in (0, 1], some exactly 0, whatever the gradient buffers held (they are pre-filled
 *       with NaN);
 *   <li>a second {@link PerSampleRule#clippedSum} with beta 1 adds the same sum again.
 * </ol>
 * A sample whose reference is null is <i>masked</i>: its factor is 0, its norm is not compared
 * (its inputs may be anything, NaN included), and it must contribute nothing to the sums. This is
 * how padding rows are checked: put NaN in their inputs and return null for them.
 *
 * <p>Tolerances are relative: a norm within {@code rel * max(ref_i, 1e-3 * max_k ref_k)}; an
 * element of a sum within {@code rel * (sum_i |c_i grad_ij| + 1e-3 * its largest such value)}
 * (the size of the terms the float sum adds). The default {@code rel = 1e-4} suits float32 sums
 * over a few thousand terms.
 *
 * <pre>{@code
 * LinearRule rule = LinearRule.of(weight, bias).inputs(a, g);
 * PerSampleRuleChecker.check(rule, batch, i -> new double[][] {outer(a_i, g_i), g_i});
 * }</pre>
 */
public final class PerSampleRuleChecker {
    /** Default relative tolerance. */
    public static final double REL = 1e-4;

    private PerSampleRuleChecker() {
    }

    /** Sample i's float64 gradient of each of the rule's parameters. */
    @FunctionalInterface
    public interface PerExampleGradient {
        /**
         * @return one flattened (row-major) gradient per parameter, in {@code rule.parameters()}
         *     order, each of the parameter's size; or null for a masked sample
         */
        double[][] of(int sample);
    }

    /** What was compared: samples, masked samples, and the largest errors relative to their tolerance (at most 1). */
    public record Report(int samples, int masked, double worstNormError, double worstSumError) {
    }

    /** {@link #check(PerSampleRule, int, PerExampleGradient, double, long)} with {@link #REL} and seed 1. */
    public static Report check(PerSampleRule rule, int batch, PerExampleGradient reference) {
        return check(rule, batch, reference, REL, 1);
    }

    /**
     * Runs the three checks (see the class comment) on the rule's current inputs. Overwrites the
     * parameters' gradient buffers.
     *
     * @param batch B, the rule's batch size, &gt;= 0
     * @param reference sample i's float64 gradients, or null for a masked sample
     * @param rel relative tolerance, &gt; 0
     * @param seed of the random clip factors
     * @throws AssertionError on the first mismatch
     * @throws IllegalArgumentException for a reference whose shapes do not match the parameters
     */
    public static Report check(PerSampleRule rule, int batch, PerExampleGradient reference, double rel, long seed) {
        List<Parameter> ps = rule.parameters();
        if (ps.isEmpty()) {
            throw new IllegalArgumentException("rule " + rule + " has no parameters");
        }
        Backend be = ps.get(0).backend();
        double[][][] grads = new double[batch][][];
        int masked = 0;
        for (int i = 0; i < batch; i++) {
            grads[i] = reference.of(i);
            if (grads[i] == null) {
                masked++;
                continue;
            }
            if (grads[i].length != ps.size()) {
                throw new IllegalArgumentException("the reference of sample " + i + " has " + grads[i].length
                        + " gradients, the rule has " + ps.size() + " parameters");
            }
            for (int p = 0; p < ps.size(); p++) {
                if (grads[i][p].length != ps.get(p).size()) {
                    throw new IllegalArgumentException("the reference gradient of sample " + i + " for " + ps.get(p)
                            + " has " + grads[i][p].length + " elements, expected " + ps.get(p).size());
                }
            }
        }

        // 1. Norms, added to what the vector held.
        double[] ref = new double[batch];
        double largest = 0;
        for (int i = 0; i < batch; i++) {
            if (grads[i] != null) {
                for (double[] g : grads[i]) {
                    for (double v : g) {
                        ref[i] += v * v;
                    }
                }
                largest = Math.max(largest, ref[i]);
            }
        }
        float[] prefill = new float[batch];
        java.util.Arrays.fill(prefill, 0.25f);
        Tensor sq = be.tensor(prefill, batch);
        rule.addSquaredNorms(sq);
        float[] got = sq.toArray();
        double worstNorm = 0;
        for (int i = 0; i < batch; i++) {
            if (grads[i] == null) {
                continue;
            }
            double value = got[i] - 0.25;
            double tol = rel * Math.max(ref[i], 1e-3 * largest) + 1e-7;
            if (!(got[i] >= 0.25f - 1e-7f) || !(Math.abs(value - ref[i]) <= tol)) {
                throw new AssertionError(rule + ": the squared norm of sample " + i + " is " + value
                        + " (added to 0.25), the float64 reference " + ref[i] + " (tolerance " + tol + ")");
            }
            worstNorm = Math.max(worstNorm, Math.abs(value - ref[i]) / tol);
        }

        // 2. Clipped sums with random factors, some 0, masked samples 0; beta 0 over NaN.
        SplittableRandom rng = new SplittableRandom(seed);
        float[] c = new float[batch];
        for (int i = 0; i < batch; i++) {
            c[i] = grads[i] == null || rng.nextInt(5) == 0 ? 0f : (float) (0.05 + 0.95 * rng.nextDouble());
        }
        Tensor factors = be.tensor(c, batch);
        for (Parameter p : ps) {
            be.fill(p.grad(), Float.NaN);
        }
        rule.clippedSum(factors, 0f);
        double worstSum = 0;
        double[][] expected = new double[ps.size()][];
        double[][] magnitude = new double[ps.size()][];
        for (int p = 0; p < ps.size(); p++) {
            int n = ps.get(p).size();
            expected[p] = new double[n];
            magnitude[p] = new double[n];
            for (int i = 0; i < batch; i++) {
                if (c[i] == 0f) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    double t = c[i] * grads[i][p][j];
                    expected[p][j] += t;
                    magnitude[p][j] += Math.abs(t);
                }
            }
            worstSum = Math.max(worstSum, compare(rule, ps.get(p), "clipped sum (beta 0)", expected[p], magnitude[p],
                    ps.get(p).grad().toArray(), rel));
        }

        // 3. Beta 1 accumulates the same sum again.
        rule.clippedSum(factors, 1f);
        for (int p = 0; p < ps.size(); p++) {
            double[] twice = expected[p].clone();
            double[] mag = magnitude[p].clone();
            for (int j = 0; j < twice.length; j++) {
                twice[j] *= 2;
                mag[j] *= 2;
            }
            worstSum = Math.max(worstSum, compare(rule, ps.get(p), "clipped sum accumulated (beta 1)", twice, mag,
                    ps.get(p).grad().toArray(), rel));
        }
        return new Report(batch, masked, worstNorm, worstSum);
    }

    private static double compare(PerSampleRule rule, Parameter p, String what, double[] expected, double[] magnitude,
                                  float[] got, double rel) {
        double largest = 0;
        for (double m : magnitude) {
            largest = Math.max(largest, m);
        }
        double worst = 0;
        for (int j = 0; j < expected.length; j++) {
            double tol = rel * (magnitude[j] + 1e-3 * largest) + 1e-12;
            double err = Math.abs(got[j] - expected[j]);
            if (!(err <= tol)) {
                throw new AssertionError(rule + ": " + what + " of " + p + " element " + j + " is " + got[j]
                        + ", the float64 reference " + expected[j] + " (tolerance " + tol + ")");
            }
            worst = Math.max(worst, err / tol);
        }
        return worst;
    }
}
