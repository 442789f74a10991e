package org.edp4j.audit;

/**
 * The loss-threshold membership attack (Yeom et al. 2018): training examples tend to have lower
 * loss, so the score of an example is its negated loss, {@code score = -loss}, and the attack says
 * "member" when the score is at least a threshold. It needs only the target model's per-example
 * losses and treats every example alike (no notion of how hard an example is).
 */
public final class LossThresholdAttack {

    private LossThresholdAttack() {
    }

    /**
     * @param losses per-example losses of the target model (cross-entropy, {@code >= 0}), all finite; not modified
     * @return new array of scores {@code -loss}, higher = more likely a member
     * @throws IllegalArgumentException if a loss is not finite
     */
    public static double[] scores(double[] losses) {
        double[] s = new double[losses.length];
        for (int i = 0; i < losses.length; i++) {
            if (!Double.isFinite(losses[i])) {
                throw new IllegalArgumentException("losses[" + i + "] must be finite, got " + losses[i]);
            }
            s[i] = -losses[i];
        }
        return s;
    }
}
