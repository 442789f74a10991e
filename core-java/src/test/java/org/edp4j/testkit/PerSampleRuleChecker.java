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
 * <p><b>Privacy units of several rows.</b> {@link #check(PerSampleRule, int, int, PerExampleGradient, double,
 * long)} checks the unit methods ({@link PerSampleRule#addSquaredNorms(Tensor, int)},
 * {@link PerSampleRule#clippedSum(Tensor, int, float)}) the same way: the reference still gives each
 * <i>row's</i> gradient, the checker sums the k rows of a unit in float64 ({@code grad_u = sum_{i in u}
 * grad_i}) and expects {@code ||grad_u||^2} (the norm of the sum, not the sum of the rows' norms) and
 * {@code sum_u c_u grad_u}. A unit is masked when its rows' references are null (all of them).
 *
 * <p>Tolerances are relative: a norm within {@code rel * max(ref_i, 1e-3 * max_k ref_k)}; an
 * element of a sum within {@code rel * (sum_i |c_i grad_ij| + 1e-3 * its largest such value)}
 * (the size of the terms the float sum adds). The default {@code rel = 1e-4} suits float32 sums
 * over a few thousand terms. For units of several rows the terms are the rows' own: a unit's norm
 * is within {@code rel * max(ref_u, 1e-3 * max_k ref_k, 1e-2 (sum_{i in u} ||grad_i||)^2)} (its
 * rows may cancel; a norm that left out the cross terms errs by far more) and the sum's element
 * size is {@code sum_u c_u sum_{i in u} |grad_ij|}.
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
        return check(rule, batch, 1, reference, rel, seed);
    }

    /** {@link #check(PerSampleRule, int, int, PerExampleGradient, double, long)} with {@link #REL} and seed 1. */
    public static Report check(PerSampleRule rule, int batch, int rowsPerUnit, PerExampleGradient reference) {
        return check(rule, batch, rowsPerUnit, reference, REL, 1);
    }

    /**
     * The three checks on privacy units of {@code rowsPerUnit} consecutive rows (class comment): the
     * rule's unit methods against the float64 sums of the rows' gradients. With
     * {@code rowsPerUnit == 1} it checks the one-row methods ({@link PerSampleRule#addSquaredNorms(Tensor)},
     * {@link PerSampleRule#clippedSum(Tensor, float)}). The report counts units.
     *
     * @param batch B, the rule's batch size in rows, a multiple of {@code rowsPerUnit}
     * @param rowsPerUnit k &gt;= 1
     * @param reference row i's float64 gradients, or null for a masked row (all rows of a unit, or none)
     * @throws IllegalArgumentException for k &lt; 1, B not a multiple of k, a unit with masked and real
     *     rows, or a reference whose shapes do not match the parameters
     */
    public static Report check(PerSampleRule rule, int batch, int rowsPerUnit, PerExampleGradient reference,
                               double rel, long seed) {
        List<Parameter> ps = rule.parameters();
        if (ps.isEmpty()) {
            throw new IllegalArgumentException("rule " + rule + " has no parameters");
        }
        if (rowsPerUnit < 1 || batch % rowsPerUnit != 0) {
            throw new IllegalArgumentException("rowsPerUnit must be >= 1 and divide the batch " + batch + ", got "
                    + rowsPerUnit);
        }
        Backend be = ps.get(0).backend();
        int k = rowsPerUnit;
        int units = batch / k;
        double[][][] grads = new double[units][][];
        double[][][] abs = new double[units][][]; // sum_{i in u} |grad_i|: the size of the terms a float sum adds
        double[] rowNorms = new double[units]; // sum_{i in u} ||grad_i||
        int masked = 0;
        for (int i = 0; i < batch; i++) {
            double[][] row = reference.of(i);
            int u = i / k;
            if (row == null) {
                if (i % k != 0 && grads[u] != null) {
                    throw new IllegalArgumentException("unit " + u + " has masked and real rows (row " + i + ")");
                }
                masked += i % k == 0 ? 1 : 0;
                continue;
            }
            if (i % k != 0 && grads[u] == null) {
                throw new IllegalArgumentException("unit " + u + " has masked and real rows (row " + i + ")");
            }
            if (row.length != ps.size()) {
                throw new IllegalArgumentException("the reference of sample " + i + " has " + row.length
                        + " gradients, the rule has " + ps.size() + " parameters");
            }
            if (grads[u] == null) {
                grads[u] = new double[ps.size()][];
                abs[u] = new double[ps.size()][];
            }
            double sq = 0;
            for (int p = 0; p < ps.size(); p++) {
                if (row[p].length != ps.get(p).size()) {
                    throw new IllegalArgumentException("the reference gradient of sample " + i + " for " + ps.get(p)
                            + " has " + row[p].length + " elements, expected " + ps.get(p).size());
                }
                if (grads[u][p] == null) {
                    grads[u][p] = new double[row[p].length];
                    abs[u][p] = new double[row[p].length];
                }
                for (int j = 0; j < row[p].length; j++) {
                    grads[u][p][j] += row[p][j]; // the unit's gradient: the sum of its rows'
                    abs[u][p][j] += Math.abs(row[p][j]);
                    sq += row[p][j] * row[p][j];
                }
            }
            rowNorms[u] += Math.sqrt(sq);
        }
        return checkUnits(rule, be, ps, units, k, grads, abs, rowNorms, masked, rel, seed);
    }

    private static Report checkUnits(PerSampleRule rule, Backend be, List<Parameter> ps, int batch, int k,
                                     double[][][] grads, double[][][] abs, double[] rowNorms, int masked,
                                     double rel, long seed) {
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
        if (k == 1) {
            rule.addSquaredNorms(sq);
        } else {
            rule.addSquaredNorms(sq, k);
        }
        float[] got = sq.toArray();
        double worstNorm = 0;
        for (int i = 0; i < batch; i++) {
            if (grads[i] == null) {
                continue;
            }
            double value = got[i] - 0.25;
            // A unit's rows may cancel: its float norm then errs by the size of its rows' terms.
            double tol = rel * Math.max(Math.max(ref[i], 1e-3 * largest), 1e-2 * rowNorms[i] * rowNorms[i]) + 1e-7;
            if (!(got[i] >= 0.25f - 1e-7f) || !(Math.abs(value - ref[i]) <= tol)) {
                throw new AssertionError(rule + ": the squared norm of " + (k == 1 ? "sample " : "unit ") + i
                        + " is " + value
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
        clippedSum(rule, factors, k, 0f);
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
                    expected[p][j] += c[i] * grads[i][p][j];
                    magnitude[p][j] += c[i] * abs[i][p][j];
                }
            }
            worstSum = Math.max(worstSum, compare(rule, ps.get(p), "clipped sum (beta 0)", expected[p], magnitude[p],
                    ps.get(p).grad().toArray(), rel));
        }

        // 3. Beta 1 accumulates the same sum again.
        clippedSum(rule, factors, k, 1f);
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

    private static void clippedSum(PerSampleRule rule, Tensor factors, int k, float beta) {
        if (k == 1) {
            rule.clippedSum(factors, beta);
        } else {
            rule.clippedSum(factors, k, beta);
        }
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
