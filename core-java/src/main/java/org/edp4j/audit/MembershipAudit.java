package org.edp4j.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Membership-inference metrics of one trained model, from the scores of one or more attacks over
 * the same members and non-members: ROC AUC, TPR at 1% and 0.1% FPR, membership advantage, and an
 * empirical epsilon lower bound with a threshold chosen on held-out data.
 *
 * <p><b>Why a split.</b> Picking the threshold that gives the largest bound on the very counts the
 * bound is computed from is a maximum over many correlated tests: its confidence level no longer
 * holds, and the bound is biased upward (with enough thresholds even a perfectly private model shows
 * a positive bound). So the members and the non-members are each shuffled (seeded) and cut in two
 * halves. On half A, every (attack, threshold) pair is scored by {@link EmpiricalEpsilon} and the
 * best pair is kept; on half B, that single pair is applied once and its counts give the reported
 * bound. Half B never influenced the choice, so the Clopper–Pearson confidence holds as stated. The
 * price is that the bound uses half the data (its intervals are wider).
 *
 * <p>AUC, TPR at FPR and advantage describe the attack on all the data and are not bounds; they are
 * also maxima over thresholds, so read them as "how well the best threshold separates these
 * examples", with the usual sampling error (about {@code 0.5 / sqrt(n)} on an AUC near 0.5).
 *
 * <pre>{@code
 * double[] lossM = ..., lossN = ...;                          // target model's per-example losses
 * MembershipAudit a = MembershipAudit.of(List.of(
 *         new MembershipAudit.Scores("loss", LossThresholdAttack.scores(lossM), LossThresholdAttack.scores(lossN))),
 *         1e-5, 0.05, 7L);
 * a.attacks().get(0).auc();
 * a.epsilonLowerBound();          // valid at 95% confidence; compare with the run's epsilon
 * }</pre>
 */
public final class MembershipAudit {

    /** FPR of the first TPR-at-FPR point. */
    public static final double FPR_1 = 0.01;
    /** FPR of the second TPR-at-FPR point. */
    public static final double FPR_01 = 0.001;

    /**
     * One attack's scores; higher = more likely a member.
     *
     * @param attack the attack's name
     * @param members one score per member, finite
     * @param nonMembers one score per non-member, finite
     */
    public record Scores(String attack, double[] members, double[] nonMembers) {
        public Scores {
            Objects.requireNonNull(attack, "attack");
            Objects.requireNonNull(members, "members");
            Objects.requireNonNull(nonMembers, "nonMembers");
        }
    }

    /**
     * One attack on all the data.
     *
     * @param attack the attack's name
     * @param auc ROC AUC
     * @param tprAt1 TPR at FPR &lt;= 1%
     * @param tprAt01 TPR at FPR &lt;= 0.1%
     * @param advantage max TPR - FPR
     */
    public record Attack(String attack, double auc, double tprAt1, double tprAt01, double advantage) {
    }

    /**
     * The held-out bound.
     *
     * @param attack the attack chosen on half A
     * @param threshold its threshold, chosen on half A ("member" iff score &gt;= threshold)
     * @param truePositives members of half B called members
     * @param members members in half B
     * @param falsePositives non-members of half B called members
     * @param nonMembers non-members in half B
     * @param epsilon the lower bound from half B's counts, &gt;= 0
     */
    public record Bound(String attack, double threshold, long truePositives, long members, long falsePositives,
            long nonMembers, double epsilon) {
    }

    private final List<Attack> attacks;
    private final Bound bound;
    private final double delta;
    private final double alpha;

    private MembershipAudit(List<Attack> attacks, Bound bound, double delta, double alpha) {
        this.attacks = attacks;
        this.bound = bound;
        this.delta = delta;
        this.alpha = alpha;
    }

    /**
     * Runs the metrics and the held-out bound.
     *
     * @param scores at least one attack; all with the same numbers of members and non-members, each &gt;= 2;
     *     row i of every attack is the same example; not modified
     * @param delta the run's delta, in [0, 1)
     * @param alpha error level of the bound, in (0, 1); 0.05 for 95%
     * @param seed seed of the half split
     * @return the audit
     * @throws IllegalArgumentException if an argument is out of its range or the attacks' sizes differ
     */
    public static MembershipAudit of(List<Scores> scores, double delta, double alpha, long seed) {
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("scores must hold at least one attack, got none");
        }
        int m = scores.get(0).members().length;
        int n = scores.get(0).nonMembers().length;
        if (m < 2 || n < 2) {
            throw new IllegalArgumentException("need at least 2 members and 2 non-members to split in halves, got "
                    + m + " and " + n);
        }
        List<Attack> attacks = new ArrayList<>();
        for (Scores s : scores) {
            if (s.members().length != m || s.nonMembers().length != n) {
                throw new IllegalArgumentException("attack '" + s.attack() + "' has " + s.members().length + " members and "
                        + s.nonMembers().length + " non-members, expected " + m + " and " + n + " like the first");
            }
            Roc roc = Roc.of(s.members(), s.nonMembers());
            attacks.add(new Attack(s.attack(), roc.auc(), roc.tprAtFpr(FPR_1), roc.tprAtFpr(FPR_01), roc.advantage()));
        }
        // Validate delta and alpha once, before the search.
        EmpiricalEpsilon.lowerBound(0, 1, 0, 1, delta, alpha);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] pm = Permutation.of(m, rng);
        int[] pn = Permutation.of(n, rng);
        int ma = m / 2;
        int na = n / 2;
        String best = null;
        double bestThreshold = Double.POSITIVE_INFINITY;
        double bestEps = -1;
        for (Scores s : scores) {
            Roc a = Roc.of(pick(s.members(), pm, 0, ma), pick(s.nonMembers(), pn, 0, na));
            for (int i = 0; i < a.points(); i++) {
                double e = EmpiricalEpsilon.lowerBound(a.truePositives(i), ma, a.falsePositives(i), na, delta, alpha);
                if (e > bestEps) {
                    bestEps = e;
                    best = s.attack();
                    bestThreshold = a.threshold(i);
                }
            }
        }
        Scores chosen = null;
        for (Scores s : scores) {
            if (s.attack().equals(best)) {
                chosen = s;
                break;
            }
        }
        double[] bm = pick(chosen.members(), pm, ma, m);
        double[] bn = pick(chosen.nonMembers(), pn, na, n);
        long tp = Roc.countAtLeast(bm, bestThreshold);
        long fp = Roc.countAtLeast(bn, bestThreshold);
        double eps = EmpiricalEpsilon.lowerBound(tp, bm.length, fp, bn.length, delta, alpha);
        return new MembershipAudit(List.copyOf(attacks), new Bound(best, bestThreshold, tp, bm.length, fp, bn.length,
                eps), delta, alpha);
    }

    private static double[] pick(double[] x, int[] perm, int from, int to) {
        double[] out = new double[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = x[perm[i]];
        }
        return out;
    }

    /** @return each attack's metrics on all the data, in the order given */
    public List<Attack> attacks() {
        return attacks;
    }

    /** @return the held-out bound and the counts it came from */
    public Bound bound() {
        return bound;
    }

    /** @return the empirical epsilon lower bound, valid at confidence {@code 1 - alpha()} */
    public double epsilonLowerBound() {
        return bound.epsilon();
    }

    /** @return the delta the bound was computed at */
    public double delta() {
        return delta;
    }

    /** @return the error level of the bound */
    public double alpha() {
        return alpha;
    }
}
