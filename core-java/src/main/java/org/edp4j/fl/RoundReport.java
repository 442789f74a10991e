package org.edp4j.fl;

/**
 * What one round of {@link FederatedAveraging} did.
 *
 * <p>{@code round}, {@code clipNorm} (before an adaptive update: the bound the devices used) and
 * {@code noiseStddev} are public; {@code tally} is <b>not covered by epsilon</b> (see
 * {@link RoundTally}): use it for tests and debugging, never print or release it from a private run.
 *
 * @param round the round, from 0
 * @param clipNorm the clip bound C of the round (NaN for a non-private round)
 * @param noiseStddev the standard deviation of the noise added to each coordinate of the sum (0 non-private)
 * @param accountedRate the inclusion probability the accountant recorded (NaN non-private)
 * @param tally the devices' outcomes
 */
public record RoundReport(long round, double clipNorm, double noiseStddev, double accountedRate, RoundTally tally) {
}
