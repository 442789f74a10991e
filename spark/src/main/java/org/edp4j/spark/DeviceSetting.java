package org.edp4j.spark;

import java.io.Serializable;
import org.edp4j.fl.ContinualPopulation;

/**
 * What a device holds in a round, as a function of its stream and the round alone (so an executor
 * needs no state from earlier rounds): everything, always (static), or the newest {@code storage}
 * examples of what has arrived when the stream is delivered over {@code deliveryRounds} rounds
 * (continual, exactly what {@link ContinualPopulation}'s storage keeps).
 *
 * @param continual whether devices receive their streams over the rounds
 * @param storage continual: the most examples a device keeps, {@code >= 1}
 * @param deliveryRounds continual: the rounds over which a stream arrives, {@code >= 1}
 */
public record DeviceSetting(boolean continual, int storage, int deliveryRounds) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Every device holds its whole stream from the first round. */
    public static final DeviceSetting STATIC = new DeviceSetting(false, 1, 1);

    /** Checks the continual parameters. */
    public DeviceSetting {
        if (storage < 1) {
            throw new IllegalArgumentException("storage capacity must be >= 1, got " + storage);
        }
        if (deliveryRounds < 1) {
            throw new IllegalArgumentException("delivery rounds must be >= 1, got " + deliveryRounds);
        }
    }

    /** The continual setting of {@link ContinualPopulation}{@code (streams, storage, deliveryRounds)}. */
    public static DeviceSetting continual(int storage, int deliveryRounds) {
        return new DeviceSetting(true, storage, deliveryRounds);
    }

    /** @return the first stream position a device with a stream of {@code length} holds in {@code round} */
    int firstHeld(int length, long round) {
        return continual ? ContinualPopulation.firstHeld(length, round, storage, deliveryRounds) : 0;
    }

    /** @return one past the last stream position held in {@code round} */
    int endHeld(int length, long round) {
        return continual ? ContinualPopulation.delivered(length, round, deliveryRounds) : length;
    }

    /** @return how many examples a device with a stream of {@code length} holds in {@code round} */
    int heldCount(int length, long round) {
        return endHeld(length, round) - firstHeld(length, round);
    }

    /** @return a bound on the held count of streams no longer than {@code longest} */
    int maxHeld(int longest) {
        return continual ? Math.min(storage, longest) : longest;
    }
}
