package org.edp4j.dp;

/**
 * What one optimizer step did.
 *
 * @param step the 0-based index of the step (its noise nonce)
 * @param examples real examples in the logical batch: privacy units, when a unit has several rows
 *     ({@link PrivateStep.Builder#rowsPerUnit})
 * @param loss summed loss of those examples, over all their rows (before the update)
 * @param clipNorm the clip bound used (ADAPTIVE: before this step's update of it)
 * @param clippedFraction fraction of the examples (units) whose factor was below 1 (NaN when non-private or empty)
 * @param noiseStddev standard deviation of the noise added to each summed coordinate
 */
public record StepReport(long step, int examples, double loss, double clipNorm, double clippedFraction,
        double noiseStddev) {
}
