package org.edp4j.fairness;

import java.util.List;

/**
 * What {@link FairnessAudit} measured on one model and one labelled dataset. Rates are in [0, 1];
 * a number that has nothing to be computed from (a flip rate without any swapped text, a gap with
 * fewer than two groups) is NaN.
 *
 * @param texts the number of texts
 * @param accuracy the fraction of texts whose predicted label is their label
 * @param swapped texts the counterfactual swap changed (they hold at least one lexicon word)
 * @param flips swapped texts whose predicted label changed under the swap
 * @param meanAbsDelta the mean over swapped texts of {@code |p'_yhat - p_yhat|}, the change of the
 *     probability of the originally predicted class {@code yhat}
 * @param maxAbsDelta the largest such change
 * @param protectedTexts texts with at least one lexicon word among the tokens the model sees
 * @param sensitivity the accumulated prediction sensitivity, the mean of {@code PS} over all texts
 *     ({@link PredictionSensitivity}); NaN when not computed
 * @param sensitivityProtected the mean of {@code PS} over the protected texts only
 * @param sensitivityNote why the sensitivity was not computed, or null
 * @param labels the class names, index = class
 * @param groups per group, in order of first appearance; empty without a group column
 * @param accuracyGap the largest minus the smallest group accuracy
 * @param tprGap per class, the largest minus the smallest group true-positive rate (recall) of that
 *     class, over the groups that have examples of it
 */
public record FairnessReport(int texts, double accuracy, int swapped, int flips, double meanAbsDelta,
        double maxAbsDelta, int protectedTexts, double sensitivity, double sensitivityProtected,
        String sensitivityNote, List<String> labels, List<GroupStats> groups, double accuracyGap, double[] tprGap) {

    /**
     * One group's figures.
     *
     * @param name the group's name (the group column's value)
     * @param texts its number of texts
     * @param accuracy its accuracy
     * @param positives per class, its texts of that class
     * @param tpr per class, the fraction of its texts of that class predicted as that class (NaN
     *     without such texts)
     */
    public record GroupStats(String name, int texts, double accuracy, int[] positives, double[] tpr) {
    }

    /** @return {@code flips / swapped}, NaN without a swapped text */
    public double flipRate() {
        return swapped == 0 ? Double.NaN : (double) flips / swapped;
    }
}
