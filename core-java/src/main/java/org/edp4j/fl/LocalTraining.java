package org.edp4j.fl;

/**
 * What a selected device does with the global model: {@code epochs} passes of plain SGD over the
 * examples it holds, in a fresh random order each epoch, in batches of {@code batchSize}. A step is
 * {@code w -= lr * (sum of the batch's gradients) / batchSize}: the scaling of edp's non-private step
 * (a short last batch counts as padded with zero gradients).
 *
 * @param epochs local epochs E, {@code >= 1}
 * @param batchSize local batch size, {@code >= 1}
 * @param lr local learning rate, {@code > 0} and finite
 * @param shuffleSeed seed of the local orders: device d in round t shuffles with a generator seeded
 *     from {@code (shuffleSeed, t, d)}, so a device's update does not depend on which thread or
 *     machine computes it (not secret: the order is not a release)
 */
public record LocalTraining(int epochs, int batchSize, double lr, long shuffleSeed) {

    /** Checks the ranges above; the message names the field and repeats its range. */
    public LocalTraining {
        if (epochs < 1) {
            throw new IllegalArgumentException("local epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("local batch size must be >= 1, got " + batchSize);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("local learning rate must be > 0 and finite, got " + lr);
        }
    }

    /** The seed of device {@code device}'s local orders in round {@code round} (SplitMix64 finalizer of each part). */
    long seedFor(long round, int device) {
        return mix(mix(mix(shuffleSeed) ^ round) ^ device);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
