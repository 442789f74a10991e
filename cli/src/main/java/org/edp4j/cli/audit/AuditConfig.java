package org.edp4j.cli.audit;

import java.util.List;
import org.edp4j.audit.Canaries;
import org.edp4j.cli.TensorLimit;
import org.edp4j.cli.train.TrainConfig;

/**
 * What {@code edp audit} computes.
 *
 * @param train the training configuration shared by every run (its target epsilon is replaced per run;
 *     {@code maxTrain} is the size of the corpus subsample, and sets the sampling rate {@code q = batch / n})
 * @param epsilons the target epsilons, one run each; {@code +inf} for a non-private run; at least one
 * @param canariesPerRepeat canaries per entry of {@code repeats}, {@code >= 0} (0: no canaries)
 * @param repeats copies of each canary in the training set, each {@code >= 1}
 * @param references reference (OUT) models per run for the calibrated attack, {@code >= 1}
 * @param alpha error level of the empirical epsilon bound, in (0, 1)
 */
public record AuditConfig(TrainConfig train, List<Double> epsilons, int canariesPerRepeat, List<Integer> repeats,
        int references, double alpha) {

    /** The smallest training subsample an audit accepts (a quarter of it is audited). */
    public static final int MIN_TRAIN = 8;

    /** Canary prefix: the canary text is {@code "my pin code is NNNN"}. */
    public static final String PREFIX = Canaries.DEFAULT_PREFIX;

    /** @throws IllegalArgumentException naming the option and its legal range */
    public AuditConfig {
        epsilons = List.copyOf(epsilons);
        repeats = List.copyOf(repeats);
        if (epsilons.isEmpty()) {
            throw new IllegalArgumentException("--epsilons must list at least one epsilon (inf for non-private)");
        }
        for (double e : epsilons) {
            if (!(e > 0)) {
                throw new IllegalArgumentException("--epsilons values must be > 0 (or inf), got " + e);
            }
        }
        if (canariesPerRepeat < 0) {
            throw new IllegalArgumentException("--canaries must be >= 0, got " + canariesPerRepeat);
        }
        if (canariesPerRepeat > 0 && repeats.isEmpty()) {
            throw new IllegalArgumentException("--canary-repeats must list at least one repeat count");
        }
        for (int r : repeats) {
            if (r < 1) {
                throw new IllegalArgumentException("--canary-repeats values must be >= 1, got " + r);
            }
        }
        if ((long) canariesPerRepeat * repeats.size() > Canaries.SECRETS / 2) {
            throw new IllegalArgumentException("--canaries times the number of --canary-repeats must be <= "
                    + Canaries.SECRETS / 2 + ", got " + canariesPerRepeat + " x " + repeats.size());
        }
        if (references < 1) {
            throw new IllegalArgumentException("--references must be >= 1, got " + references);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("--alpha must be in (0, 1), got " + alpha);
        }
        if (train.trainSize() < MIN_TRAIN) {
            throw new IllegalArgumentException("--max-train must be >= " + MIN_TRAIN + " for an audit, got "
                    + train.trainSize());
        }
        long copies = 0;
        for (int r : repeats) {
            copies += (long) canariesPerRepeat * r;
        }
        TensorLimit.check("the training set with " + copies + " canary copies (--canaries " + canariesPerRepeat
                + " x the sum of --canary-repeats) in rows of --max-len tokens", train.trainSize() + copies,
                train.maxLen());
    }

    /** @return whether canaries are inserted */
    public boolean hasCanaries() {
        return canariesPerRepeat > 0;
    }
}
