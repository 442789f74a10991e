package org.edp4j.dp;

/**
 * A clipping configuration: mode, bound and the mode's own parameters. Immutable; the adaptive
 * mode's current bound lives in the {@link PrivateOptimizer}.
 *
 * @param mode how per-sample gradients are bounded
 * @param clipNorm the bound {@code C} (initial bound for ADAPTIVE), &gt; 0 and finite
 * @param gamma AUTOMATIC: the stabilizer added to the norm, &gt; 0 (default 0.01)
 * @param targetQuantile ADAPTIVE: the fraction of unclipped samples to aim for, in (0, 1) (default 0.5)
 * @param quantileLearningRate ADAPTIVE: {@code eta} of the geometric update, &gt; 0 (default 0.2)
 * @param countNoiseStddev ADAPTIVE: std of the noise on the clipped-count sum; &lt;= 0 means the
 *     paper's default, expected batch size / 20
 */
public record Clipping(ClippingMode mode, double clipNorm, double gamma, double targetQuantile,
        double quantileLearningRate, double countNoiseStddev) {

    /** Added to norms in the capped modes, so a zero gradient gives a finite factor. */
    public static final double STABILIZER = 1e-6;

    public Clipping {
        if (mode == null) {
            throw new IllegalArgumentException("clipping mode must not be null");
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be > 0 and finite, got " + clipNorm);
        }
        if (mode == ClippingMode.AUTOMATIC && !(gamma > 0)) {
            throw new IllegalArgumentException("automatic clipping gamma must be > 0, got " + gamma);
        }
        if (mode == ClippingMode.ADAPTIVE) {
            if (!(targetQuantile > 0 && targetQuantile < 1)) {
                throw new IllegalArgumentException("target quantile must be in (0, 1), got " + targetQuantile);
            }
            if (!(quantileLearningRate > 0) || Double.isInfinite(quantileLearningRate)) {
                throw new IllegalArgumentException("quantile learning rate must be > 0, got " + quantileLearningRate);
            }
            if (Double.isNaN(countNoiseStddev)) {
                throw new IllegalArgumentException("count noise stddev must not be NaN");
            }
        }
    }

    public static Clipping flat(double clipNorm) {
        return new Clipping(ClippingMode.FLAT, clipNorm, 0, 0, 0, 0);
    }

    public static Clipping perLayer(double clipNorm) {
        return new Clipping(ClippingMode.PER_LAYER, clipNorm, 0, 0, 0, 0);
    }

    public static Clipping automatic(double clipNorm) {
        return automatic(clipNorm, 0.01);
    }

    public static Clipping automatic(double clipNorm, double gamma) {
        return new Clipping(ClippingMode.AUTOMATIC, clipNorm, gamma, 0, 0, 0);
    }

    /** Adaptive quantile clipping with the paper's defaults: median, eta 0.2, count noise qN/20. */
    public static Clipping adaptive(double initialClipNorm) {
        return adaptive(initialClipNorm, 0.5, 0.2, 0);
    }

    public static Clipping adaptive(double initialClipNorm, double targetQuantile, double learningRate,
                                    double countNoiseStddev) {
        return new Clipping(ClippingMode.ADAPTIVE, initialClipNorm, 0, targetQuantile, learningRate,
                countNoiseStddev);
    }

    /** The count noise std used for a given expected batch size. */
    public double countNoiseStddevFor(double expectedBatchSize) {
        return countNoiseStddev > 0 ? countNoiseStddev : Math.max(expectedBatchSize / 20.0, 1e-12);
    }

    /**
     * The noise multiplier to put on the gradient sum so that the step, gradient and count
     * together, is a Gaussian mechanism with noise multiplier {@code sigma} (Andrew et al. 2021,
     * Theorem 1, with centred indicators of sensitivity 1/2):
     * {@code sigma_grad = (sigma^-2 - (2 sigma_b)^-2)^(-1/2)}. Other modes: {@code sigma}.
     *
     * @throws IllegalArgumentException when {@code 2 sigma_b <= sigma} (the count noise alone is
     *     not enough for the target)
     */
    public double gradientNoiseMultiplier(double sigma, double expectedBatchSize) {
        if (mode != ClippingMode.ADAPTIVE || sigma == 0) {
            return sigma;
        }
        double twoSb = 2 * countNoiseStddevFor(expectedBatchSize);
        if (!(twoSb > sigma)) {
            throw new IllegalArgumentException("adaptive clipping needs 2 * count noise stddev (" + twoSb
                    + ") > noise multiplier " + sigma + "; raise the count noise or lower the noise multiplier");
        }
        return 1.0 / Math.sqrt(1.0 / (sigma * sigma) - 1.0 / (twoSb * twoSb));
    }

    /**
     * The bound of the next step under ADAPTIVE clipping (Andrew et al. 2021, Algorithm 1): with the
     * centred count {@code b = withinBound - counted / 2} (sensitivity 1/2), its noisy fraction
     * {@code b~ = (b + sigma_b z) / expectedCount + 1/2} and {@code C' = C exp(-eta (b~ - gamma))}, where
     * {@code sigma_b = countNoiseStddevFor(expectedCount)}, {@code eta = quantileLearningRate()} and
     * {@code gamma = targetQuantile()}.
     *
     * @param clipNorm the bound of the step just taken
     * @param withinBound how many of the {@code counted} norms were at most the bound
     * @param counted how many norms were counted (examples, or devices)
     * @param expectedCount the expected number counted (q n, or K), {@code > 0}
     * @param z a standard normal drawn for this step (the count's noise)
     */
    public double nextClipNorm(double clipNorm, int withinBound, int counted, double expectedCount, double z) {
        double centred = withinBound - 0.5 * counted;
        double noisy = centred + countNoiseStddevFor(expectedCount) * z;
        double fraction = noisy / expectedCount + 0.5;
        return clipNorm * Math.exp(-quantileLearningRate * (fraction - targetQuantile));
    }
}
