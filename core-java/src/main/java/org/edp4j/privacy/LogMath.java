package org.edp4j.privacy;

/**
 * Log-space arithmetic and the complementary error function, in double precision.
 *
 * <p>Package-private helpers of the accountants. Numbers {@code x >= 0} are carried as
 * {@code log(x)}; {@code 0} is {@code -Infinity}.
 *
 * <p>{@link #logErfc(double)} is accurate to a few ulps of {@code log(erfc(x))} on the whole
 * real line (checked against a 60-digit reference in {@code LogMathTest}): for {@code |x| < 1.5}
 * the erf series without cancellation {@code erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} /
 * (2n+1)!!}, for {@code |x| >= 1.5} the Laplace continued fraction {@code erfc(x) = e^{-x^2}/sqrt(pi)
 * * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}, evaluated in log space so that it never
 * underflows.
 */
final class LogMath {

    private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double SERIES_LIMIT = 1.5;
    static final double SQRT2 = Math.sqrt(2.0);

    private LogMath() {
    }

    /** {@code log(e^a + e^b)}; either argument may be {@code -Infinity}. */
    static double logAdd(double a, double b) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        if (lo == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        if (hi == Double.POSITIVE_INFINITY) {
            return hi;
        }
        return Math.log1p(Math.exp(lo - hi)) + hi;
    }

    /**
     * {@code log(e^a - e^b)} for {@code a >= b}; {@code -Infinity} when {@code a == b}.
     * Returns {@code NaN} when {@code a < b} (the difference is negative); callers check.
     */
    static double logSub(double a, double b) {
        if (a < b) {
            return Double.NaN;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        double d = Math.expm1(a - b);
        if (d == Double.POSITIVE_INFINITY) {
            return a;
        }
        return Math.log(d) + b;
    }

    /** {@code erf(x)} for {@code 0 <= x < 1.5} by the series with positive terms. */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 0; n < 200; n++) {
            term *= 2.0 * x2 / (2 * n + 3);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** {@code log(erfc(x)) + x^2 + log(sqrt(pi))} for {@code x >= 1.5}, by the continued fraction. */
    private static double logErfcScaledCf(double x) {
        int depth = (int) (190.0 / (x * x)) + 12;
        double f = x;
        for (int k = depth; k >= 1; k--) {
            f = x + 0.5 * k / f;
        }
        return -Math.log(f);
    }

    /** {@code erfc(x)} for {@code x >= 1.5}. */
    private static double erfcLarge(double x) {
        return Math.exp(-x * x - LOG_SQRT_PI + logErfcScaledCf(x));
    }

    /** {@code log(erfc(x))} for every real {@code x}; {@code erfc} is 2 at -inf and 0 at +inf. */
    static double logErfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x >= SERIES_LIMIT) {
            return -x * x - LOG_SQRT_PI + logErfcScaledCf(x);
        }
        if (x >= 0) {
            return Math.log1p(-erfSeries(x));
        }
        // erfc(x) = 2 - erfc(-x) = 1 + erf(-x)
        double y = -x;
        if (y >= SERIES_LIMIT) {
            return Math.log(2.0 - erfcLarge(y));
        }
        return Math.log1p(erfSeries(y));
    }

    /** {@code erfc(x)} for every real {@code x}. */
    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x >= SERIES_LIMIT) {
            return x == Double.POSITIVE_INFINITY ? 0.0 : erfcLarge(x);
        }
        if (x >= 0) {
            return 1.0 - erfSeries(x);
        }
        double y = -x;
        if (y >= SERIES_LIMIT) {
            return y == Double.POSITIVE_INFINITY ? 2.0 : 2.0 - erfcLarge(y);
        }
        return 1.0 + erfSeries(y);
    }

    /** Standard normal cdf {@code Phi(x) = erfc(-x/sqrt2)/2}. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / SQRT2);
    }

    /** Standard normal survival function {@code 1 - Phi(x) = erfc(x/sqrt2)/2}, accurate in the tail. */
    static double normalSf(double x) {
        return 0.5 * erfc(x / SQRT2);
    }
}
