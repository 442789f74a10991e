package org.edp4j.audit;

/**
 * One-sided Clopper–Pearson (exact binomial) confidence bounds on a success probability.
 *
 * <p>With {@code k} successes in {@code n} trials and error level {@code alpha}:
 * <ul>
 * <li>lower bound {@code p_lo = Beta^-1(alpha; k, n - k + 1)} ({@code 0} when {@code k = 0}),</li>
 * <li>upper bound {@code p_hi = Beta^-1(1 - alpha; k + 1, n - k)} ({@code 1} when {@code k = n}).</li>
 * </ul>
 * Each holds with probability at least {@code 1 - alpha} whatever the true p (the bound is exact,
 * hence conservative for a discrete distribution). A two-sided interval at level {@code 1 - alpha}
 * is {@code [lower(k, n, alpha/2), upper(k, n, alpha/2)]}.
 */
public final class ClopperPearson {

    private ClopperPearson() {
    }

    /**
     * @param k successes, in {@code [0, n]}
     * @param n trials, {@code >= 1}
     * @param alpha error level, in {@code (0, 1)}
     * @return the one-sided lower bound {@code p_lo}: {@code P[p < p_lo] <= alpha}
     * @throws IllegalArgumentException if an argument is out of its range
     */
    public static double lower(long k, long n, double alpha) {
        check(k, n, alpha);
        return k == 0 ? 0 : RegularizedBeta.quantile(alpha, k, n - k + 1);
    }

    /**
     * @param k successes, in {@code [0, n]}
     * @param n trials, {@code >= 1}
     * @param alpha error level, in {@code (0, 1)}
     * @return the one-sided upper bound {@code p_hi}: {@code P[p > p_hi] <= alpha}
     * @throws IllegalArgumentException if an argument is out of its range
     */
    public static double upper(long k, long n, double alpha) {
        check(k, n, alpha);
        return k == n ? 1 : RegularizedBeta.quantile(1 - alpha, k + 1, n - k);
    }

    private static void check(long k, long n, double alpha) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("k must be in [0, n] = [0, " + n + "], got " + k);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
    }
}
