package org.edp4j.audit;

import java.util.Arrays;

/**
 * The ROC curve of a membership score: the attack says "member" when {@code score >= t}, and every
 * distinct score is a threshold {@code t}. Higher scores must mean "more likely a member".
 *
 * <p>Point {@code i} ({@code 0 <= i < points()}) holds the counts at the {@code i}-th largest
 * distinct score; point 0 is the empty prediction (threshold {@code +inf}, TPR = FPR = 0) and the
 * last point predicts everyone (TPR = FPR = 1). Ties never split: examples with equal scores are
 * on the same side of every threshold.
 *
 * <p>{@link #auc()} is the area under the piecewise-linear curve, which equals the Mann–Whitney
 * statistic {@code P[s_member > s_nonmember] + P[s_member = s_nonmember] / 2}, from integer counts.
 *
 * <pre>{@code
 * Roc roc = Roc.of(memberScores, nonMemberScores);
 * roc.auc();               // 0.5 = chance
 * roc.tprAtFpr(0.01);      // the largest TPR over thresholds with FPR <= 1%
 * roc.advantage();         // max over thresholds of TPR - FPR
 * }</pre>
 */
public final class Roc {

    private final int members;
    private final int nonMembers;
    private final double[] thresholds;
    private final long[] tp;
    private final long[] fp;
    private final double auc;

    private Roc(int members, int nonMembers, double[] thresholds, long[] tp, long[] fp, double auc) {
        this.members = members;
        this.nonMembers = nonMembers;
        this.thresholds = thresholds;
        this.tp = tp;
        this.fp = fp;
        this.auc = auc;
    }

    /**
     * @param memberScores scores of the members, at least one, all finite; not modified
     * @param nonMemberScores scores of the non-members, at least one, all finite; not modified
     * @return the curve
     * @throws IllegalArgumentException if an array is empty or holds a non-finite score
     */
    public static Roc of(double[] memberScores, double[] nonMemberScores) {
        check(memberScores, "memberScores");
        check(nonMemberScores, "nonMemberScores");
        int m = memberScores.length;
        int n = nonMemberScores.length;
        // Sort everything by decreasing score; a member sorts as 1, a non-member as 0.
        double[] s = new double[m + n];
        boolean[] isMember = new boolean[m + n];
        Integer[] order = new Integer[m + n];
        for (int i = 0; i < m; i++) {
            s[i] = memberScores[i];
            isMember[i] = true;
        }
        System.arraycopy(nonMemberScores, 0, s, m, n);
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        double[] th = new double[m + n + 1];
        long[] tps = new long[m + n + 1];
        long[] fps = new long[m + n + 1];
        th[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        long t = 0;
        long f = 0;
        double area2 = 0; // twice the area, in count units (member x non-member pairs)
        int i = 0;
        while (i < order.length) {
            double v = s[order[i]];
            long t0 = t;
            long f0 = f;
            while (i < order.length && s[order[i]] == v) {
                if (isMember[order[i]]) {
                    t++;
                } else {
                    f++;
                }
                i++;
            }
            area2 += (double) (f - f0) * (t0 + t);
            th[points] = v;
            tps[points] = t;
            fps[points] = f;
            points++;
        }
        return new Roc(m, n, Arrays.copyOf(th, points), Arrays.copyOf(tps, points), Arrays.copyOf(fps, points),
                area2 / (2.0 * m * n));
    }

    private static void check(double[] scores, String name) {
        if (scores.length == 0) {
            throw new IllegalArgumentException(name + " must hold at least one score, got none");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + scores[i]);
            }
        }
    }

    /** @return the number of members */
    public int members() {
        return members;
    }

    /** @return the number of non-members */
    public int nonMembers() {
        return nonMembers;
    }

    /** @return the number of points: distinct scores plus one */
    public int points() {
        return thresholds.length;
    }

    /** @return the threshold of point i ({@code +inf} for point 0): "member" iff {@code score >= threshold} */
    public double threshold(int i) {
        return thresholds[i];
    }

    /** @return members with {@code score >= threshold(i)} */
    public long truePositives(int i) {
        return tp[i];
    }

    /** @return non-members with {@code score >= threshold(i)} */
    public long falsePositives(int i) {
        return fp[i];
    }

    /** @return the true-positive rate of point i */
    public double tpr(int i) {
        return tp[i] / (double) members;
    }

    /** @return the false-positive rate of point i */
    public double fpr(int i) {
        return fp[i] / (double) nonMembers;
    }

    /** @return the area under the curve, in [0, 1] (ties count one half) */
    public double auc() {
        return auc;
    }

    /**
     * The largest TPR among the thresholds whose FPR is at most {@code maxFpr} (no interpolation).
     * With {@code n} non-members an FPR below {@code 1/n} is only met by predicting no non-member.
     *
     * @param maxFpr in {@code [0, 1]}
     * @return the TPR, in [0, 1]
     * @throws IllegalArgumentException if maxFpr is out of range
     */
    public double tprAtFpr(double maxFpr) {
        if (!(maxFpr >= 0 && maxFpr <= 1)) {
            throw new IllegalArgumentException("maxFpr must be in [0, 1], got " + maxFpr);
        }
        double best = 0;
        for (int i = 0; i < thresholds.length; i++) {
            if (fpr(i) <= maxFpr) {
                best = Math.max(best, tpr(i));
            }
        }
        return best;
    }

    /** @return the membership advantage {@code max_t (TPR - FPR)}, in [0, 1] (Yeom et al. 2018) */
    public double advantage() {
        double best = 0;
        for (int i = 0; i < thresholds.length; i++) {
            best = Math.max(best, tpr(i) - fpr(i));
        }
        return best;
    }

    /**
     * Counts at an arbitrary threshold: members with {@code score >= threshold}.
     *
     * @param scores the scores; not modified
     * @param threshold the threshold
     * @return how many scores are {@code >= threshold}
     */
    static long countAtLeast(double[] scores, double threshold) {
        long c = 0;
        for (double s : scores) {
            if (s >= threshold) {
                c++;
            }
        }
        return c;
    }
}
