package org.edp4j.audit;

/**
 * The calibrated membership attack: offline LiRA (Carlini et al. 2022, "Membership Inference
 * Attacks From First Principles", section VI-C). Some examples are hard (high loss even when
 * trained on) and some easy; the attack compares each example's confidence on the target model with
 * how confident models that were <em>not</em> trained on it are on it.
 *
 * <p>For example {@code i} with cross-entropy loss {@code l}, the confidence in the true label is
 * {@code p = exp(-l)} and its logit-scaled form {@code phi = log(p / (1 - p))} (computed as
 * {@code -l - log(-expm1(-l))}, with {@code l} floored at {@value #MIN_LOSS} so phi stays finite);
 * logit scaling makes the OUT distribution close to Gaussian. From {@code R} reference models
 * trained without example {@code i} ("OUT" models) the attack fits {@code N(mu_i, sigma_i^2)} to
 * their {@code phi} values and scores the target's {@code phi_i} by the one-sided test
 * "is {@code phi_i} larger than OUT models produce": the likelihood of the OUT hypothesis is
 * {@code 1 - Phi(z_i)} with {@code z_i = (phi_i - mu_i) / sigma_i}. The score returned is
 * {@code z_i}, which orders examples exactly as {@code -log(1 - Phi(z_i))} does.
 *
 * <p>Variance: with few reference models a per-example variance is noisy, so {@code globalVariance}
 * uses one variance pooled over all examples (the paper's recommendation below about 64 models);
 * the mean is always per example. The pooled variance is floored at {@value #MIN_VARIANCE}.
 */
public final class OfflineLira {

    /** Smallest loss used in the logit (a loss of 0 would make phi infinite). */
    public static final double MIN_LOSS = 1e-12;
    /** Smallest variance used, so identical OUT confidences do not divide by zero. */
    public static final double MIN_VARIANCE = 1e-6;

    private OfflineLira() {
    }

    /**
     * {@code phi = log(p / (1 - p))} with {@code p = exp(-loss)}.
     *
     * @param loss cross-entropy loss, {@code >= 0}; values below {@value #MIN_LOSS} are raised to it
     * @return the logit-scaled confidence
     */
    public static double logitConfidence(double loss) {
        double l = Math.max(loss, MIN_LOSS);
        return -l - Math.log(-Math.expm1(-l));
    }

    /**
     * @param targetLosses the target model's loss on each of the {@code n} examples; not modified
     * @param outLosses {@code R >= 1} rows of {@code n} losses, row r from reference model r, which was
     *     trained without any of the n examples; not modified
     * @param globalVariance one pooled variance for all examples (needs {@code R >= 1}), or a variance
     *     per example (needs {@code R >= 2})
     * @return new array of n scores {@code z_i}, higher = more likely a member
     * @throws IllegalArgumentException if the shapes disagree, R is too small or a loss is not finite
     */
    public static double[] scores(double[] targetLosses, double[][] outLosses, boolean globalVariance) {
        int n = targetLosses.length;
        int r = outLosses.length;
        if (r < (globalVariance ? 1 : 2)) {
            throw new IllegalArgumentException("outLosses must hold at least " + (globalVariance ? 1 : 2)
                    + " reference models" + (globalVariance ? "" : " for a per-example variance") + ", got " + r);
        }
        double[] mu = new double[n];
        double[] var = new double[n];
        for (int k = 0; k < r; k++) {
            if (outLosses[k].length != n) {
                throw new IllegalArgumentException("outLosses[" + k + "] must hold " + n + " losses (one per example), got "
                        + outLosses[k].length);
            }
            for (int i = 0; i < n; i++) {
                mu[i] += phi(outLosses[k][i], "outLosses[" + k + "]", i) / r;
            }
        }
        double pooled = 0;
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int k = 0; k < r; k++) {
                double d = logitConfidence(outLosses[k][i]) - mu[i];
                ss += d * d;
            }
            var[i] = r > 1 ? ss / (r - 1) : 0;
            pooled += ss;
        }
        // With one model per example there is no spread to pool: fall back to the spread across examples.
        double global;
        if (r > 1) {
            global = pooled / ((double) n * (r - 1));
        } else {
            double m = 0;
            for (double v : mu) {
                m += v / n;
            }
            double s = 0;
            for (double v : mu) {
                s += (v - m) * (v - m);
            }
            global = n > 1 ? s / (n - 1) : 1;
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double v = Math.max(MIN_VARIANCE, globalVariance ? global : var[i]);
            z[i] = (phi(targetLosses[i], "targetLosses", i) - mu[i]) / Math.sqrt(v);
        }
        return z;
    }

    private static double phi(double loss, String name, int i) {
        if (!Double.isFinite(loss)) {
            throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + loss);
        }
        return logitConfidence(loss);
    }
}
