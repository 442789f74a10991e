package org.edp4j.fl;

/** What became of one selected device's update. */
public enum DeviceOutcome {
    /** The update's norm was within the clip bound (factor 1, or below the bound under automatic clipping). */
    WITHIN_BOUND,
    /** The update was scaled down to the clip bound. */
    CLIPPED,
    /**
     * The update was not finite and {@link org.edp4j.dp.NonFinitePolicy#SKIP_SAMPLE} dropped it:
     * it contributes 0 (a factor in [0, 1] keeps the guarantee).
     */
    DROPPED
}
