package org.edp4j.dp;

/**
 * What a private step does with an example whose per-sample squared norm or clip factor is NaN or
 * infinite. A summed gradient that is not finite (which no single example can be blamed for)
 * always throws {@link NonFiniteGradientException}, in both modes.
 */
public enum NonFinitePolicy {
    /** Throw {@link NonFiniteGradientException} naming the example; nothing is updated. The default. */
    THROW,
    /**
     * Give the example clip factor 0 (it contributes nothing) and go on. This keeps the privacy
     * guarantee (a factor in [0, 1] never raises the sensitivity) but hides a numerical problem.
     */
    SKIP_SAMPLE
}
