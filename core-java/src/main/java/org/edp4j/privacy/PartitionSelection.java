package org.edp4j.privacy;

/**
 * The privacy arithmetic of differentially private partition selection ("set union") with Gaussian
 * noise and a threshold (Gopi, Gulhane, Kulkarni, Shen, Shokouhi, Yekhanin 2020, "Differentially
 * private set union", the Gaussian-weighted variant), and of its composition with DP-SGD.
 * {@link org.edp4j.data.DpVocabulary} is the mechanism; this class is its guarantee.
 *
 * <h2>The mechanism</h2>
 * Every document {@code x} contributes a set {@code S(x)} of at most {@code k} distinct tokens, chosen
 * by a function of {@code x} alone, with weight {@code w(x) = 1/sqrt(|S(x)|)} to each. The weighted
 * count of token {@code u} is {@code c_u(D) = sum_{x in D : u in S(x)} w(x)}. The mechanism releases
 * {@code {u : c_u(D) > 0 and c_u(D) + sigma Z_u > rho}}, {@code Z_u} independent standard normals
 * (and anything computed from the released tokens' noisy counts, e.g. the top {@code V} of them).
 * One document changes the count vector by at most 1 in L2 norm:
 * {@code sqrt(|S(x)| w(x)^2) = 1}.
 *
 * <h2>Theorem (the one the run's total epsilon rests on)</h2>
 * Let {@code A} be the selection followed (adaptively) by DP-SGD on the same documents. Let
 * {@code eps_acc(delta')} be the epsilon an accountant certifies at {@code delta'} for the
 * composition of one Gaussian mechanism of sensitivity 1 and noise {@code sigma} (recorded as one
 * step with {@code q = 1}) with DP-SGD's steps, and let
 * <pre>  p = max_{1 &lt;= t &lt;= k} 1 - Phi((rho - 1/sqrt(t)) / sigma)^t</pre>
 * bound the probability that a token only one document has is released. Then {@code A} is
 * <pre>  (eps_acc(delta - p) + log(1 / (1 - p)),  delta)-DP</pre>
 * for add/remove-one-document neighbours, for every {@code delta > p}.
 *
 * <p><b>Proof.</b> Let {@code D' = D + x} and {@code U = S(x) \ supp(D)}, the tokens only {@code x}
 * has. Let {@code E} be the event that a token of {@code U} passes the threshold: each has count
 * {@code w(x) = 1/sqrt(t)}, {@code t = |S(x)|}, so {@code P(E) = 1 - Phi((rho - w)/sigma)^|U| <= p}.
 * Let {@code A~(D')} be {@code A(D')} with the tokens of {@code U} dropped from the selection. It is
 * a post-processing of the Gaussian mechanism on the coordinates {@code supp(D)}, where the counts of
 * {@code D'} and {@code D} differ by at most 1 in L2; so the pair {@code (A~(D'), A(D))} has
 * Rényi divergences (both directions) at most {@code alpha/(2 sigma^2) + R_SGD(alpha)} (adaptive
 * composition of RDP, Mironov 2017, Proposition 1), and is {@code (eps_acc(delta'), delta')}
 * indistinguishable (Balle et al. 2020, Theorem 21; the PRV accountant composes the same dominating
 * pairs). On the complement of {@code E} the two pipelines coincide, and {@code E} depends only on
 * the noise of the tokens of {@code U}, which nothing else uses: {@code A(D') = (1 - P(E)) A~(D') +
 * P(E) R} for some distribution {@code R}. For every set {@code O} of outcomes:
 * {@code A(D')(O) <= A~(D')(O) + p <= e^eps A(D)(O) + delta' + p}, and
 * {@code A(D)(O) <= e^eps A~(D')(O) + delta' <= e^eps A(D')(O) / (1 - p) + delta'}. With
 * {@code delta' = delta - p} both are at most {@code e^(eps + log(1/(1-p))) A(.)(O) + delta}. ∎
 *
 * <h2>Threshold</h2>
 * Given {@code sigma}, {@code k} and the failure probability {@code p} it may cause,
 * <pre>  rho = max_{1 &lt;= t &lt;= k} 1/sqrt(t) + sigma Phi^-1((1 - p)^(1/t))</pre>
 * is the smallest threshold for which every {@code t} has failure probability at most {@code p}
 * (Gopi et al., the Gaussian-weighted policy's threshold with {@code p} as its delta).
 */
public final class PartitionSelection {

    private PartitionSelection() {
    }

    /**
     * The threshold {@code rho = max_{1 <= t <= k} 1/sqrt(t) + sigma Phi^-1((1 - p)^(1/t))}.
     *
     * @param maxTokensPerDocument {@code k}, {@code >= 1}
     * @param sigma the noise standard deviation of each count, {@code > 0} and finite
     * @param failureProbability {@code p}, in {@code (0, 1)}
     * @return rho, {@code > 0}
     * @throws IllegalArgumentException for an argument outside its range
     */
    public static double threshold(int maxTokensPerDocument, double sigma, double failureProbability) {
        checkK(maxTokensPerDocument);
        checkSigma(sigma);
        checkP(failureProbability);
        double rho = Double.NEGATIVE_INFINITY;
        double log1mP = Math.log1p(-failureProbability);
        for (int t = 1; t <= maxTokensPerDocument; t++) {
            // 1 - (1 - p)^(1/t), accurate for tiny p
            double tail = -Math.expm1(log1mP / t);
            rho = Math.max(rho, 1 / Math.sqrt(t) + sigma * inverseNormalSf(tail));
        }
        return rho;
    }

    /**
     * The probability that at least one of {@code t} tokens of weight {@code 1/sqrt(t)} (one
     * document's own tokens) passes the threshold: {@code 1 - Phi((rho - 1/sqrt(t))/sigma)^t}.
     *
     * @param tokens {@code t}, {@code >= 1}
     * @param sigma noise standard deviation, {@code > 0} and finite
     * @param threshold {@code rho}, finite
     * @return the probability, in {@code [0, 1]}
     */
    public static double failureProbability(int tokens, double sigma, double threshold) {
        checkK(tokens);
        checkSigma(sigma);
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
        double pass = LogMath.normalSf((threshold - 1 / Math.sqrt(tokens)) / sigma);
        // 1 - (1 - pass)^t, accurate for tiny pass
        return -Math.expm1(tokens * Math.log1p(-pass));
    }

    /**
     * The epsilon of the theorem: {@code eps_acc(delta - p) + log(1/(1 - p))}, where
     * {@code accountant} holds the selection's Gaussian step ({@code q = 1}) and DP-SGD's steps.
     *
     * @param accountant the accountant of the whole pipeline; not modified
     * @param delta the total delta, in {@code (p, 1)}
     * @param failureProbability {@code p}, in {@code [0, 1)}; 0 when nothing was selected this way
     * @return the total epsilon
     * @throws IllegalArgumentException if delta is not above p
     */
    public static double epsilon(PrivacyAccountant accountant, double delta, double failureProbability) {
        return accountant.getEpsilon(accountantDelta(delta, failureProbability))
                + epsilonCost(failureProbability);
    }

    /**
     * The delta to ask the accountant for, {@code delta - p}.
     *
     * @param delta the total delta, in {@code (0, 1)}
     * @param failureProbability {@code p}, in {@code [0, delta)}
     * @return {@code delta - p}
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static double accountantDelta(double delta, double failureProbability) {
        Checks.delta(delta);
        if (!(failureProbability >= 0 && failureProbability < delta)) {
            throw new IllegalArgumentException("failureProbability must be in [0, delta = " + delta + "), got "
                    + failureProbability);
        }
        return delta - failureProbability;
    }

    /**
     * The epsilon the failure event adds, {@code log(1/(1 - p))} ({@code ~ p}).
     *
     * @param failureProbability {@code p}, in {@code [0, 1)}
     * @return {@code -log1p(-p)}, {@code >= 0}
     */
    public static double epsilonCost(double failureProbability) {
        if (!(failureProbability >= 0 && failureProbability < 1)) {
            throw new IllegalArgumentException("failureProbability must be in [0, 1), got " + failureProbability);
        }
        return -Math.log1p(-failureProbability);
    }

    /**
     * The smallest noise {@code sigma} (to 1e-4 relative) for which the selection alone is
     * {@code (epsilon, delta)}-DP by the theorem with the RDP accountant: one Gaussian step at
     * {@code delta - p}, plus {@code log(1/(1-p))}.
     *
     * @param epsilon the selection's own epsilon, {@code > log(1/(1-p))} and finite
     * @param delta the delta, in {@code (p, 1)}
     * @param failureProbability {@code p}, in {@code [0, delta)}
     * @return sigma, {@code > 0}
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static double noiseFor(double epsilon, double delta, double failureProbability) {
        double rest = epsilon - epsilonCost(failureProbability);
        if (!(rest > 0 && Double.isFinite(rest))) {
            throw new IllegalArgumentException("epsilon must be > log(1/(1 - p)) = " + epsilonCost(failureProbability)
                    + " and finite, got " + epsilon);
        }
        return NoiseCalibration.noiseMultiplierFor(rest, accountantDelta(delta, failureProbability), 1.0, 1, "rdp");
    }

    /**
     * The inverse of the standard normal survival function: the {@code z} with
     * {@code 1 - Phi(z) = p}, by bisection on the accurate tail (to about 1e-15 relative).
     *
     * @param p in {@code (0, 1)}
     * @return z
     */
    static double inverseNormalSf(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1), got " + p);
        }
        double lo = -40;
        double hi = 40;
        for (int i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
            double mid = 0.5 * (lo + hi);
            if (LogMath.normalSf(mid) > p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("maxTokensPerDocument must be >= 1, got " + k);
        }
    }

    private static void checkSigma(double sigma) {
        if (!(sigma > 0 && sigma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("sigma must be > 0 and finite, got " + sigma);
        }
    }

    private static void checkP(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("failureProbability must be in (0, 1), got " + p);
        }
    }
}
