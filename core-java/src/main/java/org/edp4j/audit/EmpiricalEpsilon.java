package org.edp4j.audit;

/**
 * An empirical lower bound on epsilon from one membership test (Jagielski et al. 2020; Nasr et al.
 * 2021). For an (epsilon, delta)-DP training run, any test that says "member" with true-positive
 * rate TPR and false-positive rate FPR obeys
 * <pre>
 *   TPR     &lt;= e^eps FPR       + delta
 *   1 - FPR &lt;= e^eps (1 - TPR) + delta
 * </pre>
 * so, with a lower confidence bound {@code TPR_lo} on TPR and an upper one {@code FPR_hi} on FPR,
 * <pre>
 *   eps_lb = max(0, log((TPR_lo - delta) / FPR_hi), log((1 - FPR_hi - delta) / (1 - TPR_lo)))
 * </pre>
 * (a term whose numerator is not positive is left out). Both terms are conservative in the same
 * direction: each grows with TPR and falls with FPR, so the second term needs {@code FPR_hi} and
 * {@code TPR_lo} too. (Writing it with {@code FPR_lo} and {@code TPR_hi}, as is sometimes seen,
 * would overstate the bound.) The two one-sided bounds are {@link ClopperPearson} at level
 * {@code alpha / 2} each, so both hold together with probability at least {@code 1 - alpha}
 * (Bonferroni) and {@code eps_lb} is a valid lower bound at confidence {@code 1 - alpha}: if the run
 * really were (eps, delta)-DP, the chance of reporting a larger value would be at most alpha.
 *
 * <p>The threshold must not be chosen on the counts passed here; see {@link MembershipAudit}.
 */
public final class EmpiricalEpsilon {

    private EmpiricalEpsilon() {
    }

    /**
     * @param truePositives members the test called members, in {@code [0, members]}
     * @param members members tested, {@code >= 1}
     * @param falsePositives non-members the test called members, in {@code [0, nonMembers]}
     * @param nonMembers non-members tested, {@code >= 1}
     * @param delta the run's delta, in {@code [0, 1)}
     * @param alpha overall error level, in {@code (0, 1)}; 0.05 for 95% confidence
     * @return {@code eps_lb >= 0}
     * @throws IllegalArgumentException if an argument is out of its range
     */
    public static double lowerBound(long truePositives, long members, long falsePositives, long nonMembers,
            double delta, double alpha) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        double tprLo = ClopperPearson.lower(truePositives, members, alpha / 2);
        double fprHi = ClopperPearson.upper(falsePositives, nonMembers, alpha / 2);
        double eps = 0;
        if (tprLo - delta > 0) {
            eps = Math.max(eps, Math.log((tprLo - delta) / fprHi));
        }
        if (1 - fprHi - delta > 0 && tprLo < 1) {
            eps = Math.max(eps, Math.log((1 - fprHi - delta) / (1 - tprLo)));
        }
        return eps;
    }
}
