package org.edp4j.fl;

import java.util.Objects;

/**
 * The continual setting: each device's partition is its <em>stream</em>, delivered at a steady rate
 * over the first {@code deliveryRounds} rounds, and each device keeps only its newest
 * {@code storage} examples ({@link DeviceStorage}: the oldest is deleted to make room).
 *
 * <p>Delivery: by the start of round t ({@code t < deliveryRounds}) device d with stream length
 * {@code L} has received its first {@code ceil(L (t + 1) / deliveryRounds)} examples, so a device
 * with any data holds at least one from round 0 and the whole stream has arrived at round
 * {@code deliveryRounds - 1}; later rounds deliver nothing new. Busy devices (long streams) receive
 * more per round, and with a small {@code storage} they forget faster.
 *
 * <p>Privacy unit: a device, over everything its stream ever delivers. Deleting an example does not
 * take back what earlier rounds learned from it, so the device-level guarantee is stated over the
 * whole stream, not over what a device holds at one time.
 */
public final class ContinualPopulation implements Population {
    private final Partition streams;
    private final int deliveryRounds;
    private final DeviceStorage[] storage;
    private long nextRound;

    /**
     * @param streams each device's stream, in arrival order; not null
     * @param storageLimit the most examples a device keeps, {@code >= 1}
     * @param deliveryRounds rounds over which the streams arrive, {@code >= 1}
     * @throws IllegalArgumentException for storage or deliveryRounds out of range
     */
    public ContinualPopulation(Partition streams, int storageLimit, int deliveryRounds) {
        this.streams = Objects.requireNonNull(streams, "streams");
        if (deliveryRounds < 1) {
            throw new IllegalArgumentException("delivery rounds must be >= 1, got " + deliveryRounds);
        }
        this.deliveryRounds = deliveryRounds;
        this.storage = new DeviceStorage[streams.deviceCount()];
        for (int d = 0; d < storage.length; d++) {
            this.storage[d] = new DeviceStorage(storageLimit);
        }
    }

    @Override
    public int deviceCount() {
        return storage.length;
    }

    /** Delivers round {@code round}'s new examples to every device (oldest deleted when full). */
    @Override
    public void beginRound(long round) {
        if (round != nextRound) {
            throw new IllegalArgumentException("rounds must come in order: expected round " + nextRound + ", got " + round);
        }
        for (int d = 0; d < storage.length; d++) {
            long due = delivered(streams.size(d), round);
            DeviceStorage s = storage[d];
            for (long k = s.received(); k < due; k++) {
                s.receive(streams.example(d, (int) k));
            }
        }
        nextRound++;
    }

    /** Examples of a stream of length {@code length} delivered by the start of {@code round}. */
    long delivered(int length, long round) {
        return delivered(length, round, deliveryRounds);
    }

    /**
     * How many of a stream's examples have arrived by the start of round {@code round}:
     * {@code ceil(L (t + 1) / deliveryRounds)} before round {@code deliveryRounds - 1}, all {@code L} from then on.
     *
     * @param length the stream's length L, {@code >= 0}
     * @param round t, {@code >= 0}
     * @param deliveryRounds {@code >= 1}
     */
    public static int delivered(int length, long round, int deliveryRounds) {
        if (round >= deliveryRounds - 1) {
            return length;
        }
        return (int) (((long) length * (round + 1) + deliveryRounds - 1) / deliveryRounds);
    }

    /**
     * The first stream position a device holds in round {@code round}: it holds positions
     * {@code [firstHeld, delivered)} of its stream, the newest {@code storageLimit} that have arrived
     * (what its {@link DeviceStorage} keeps), so an engine can say what a device holds from its stream
     * and the round alone.
     *
     * @param length the stream's length, {@code >= 0}
     * @param round t, {@code >= 0}
     * @param storageLimit the most examples a device keeps, {@code >= 1}
     * @param deliveryRounds {@code >= 1}
     */
    public static int firstHeld(int length, long round, int storageLimit, int deliveryRounds) {
        return Math.max(0, delivered(length, round, deliveryRounds) - storageLimit);
    }

    @Override
    public int heldCount(int device) {
        return storage[device].size();
    }

    @Override
    public int held(int device, int[] dst) {
        return storage[device].copyTo(dst);
    }

    @Override
    public int maxHeld() {
        return storage.length == 0 ? 0 : Math.min(storage[0].capacity(), streams.largestDevice());
    }

    /** @return the most examples a device keeps */
    public int storageCapacity() {
        return storage[0].capacity();
    }

    @Override
    public String toString() {
        return "continual " + streams + ", storage " + storage[0].capacity() + ", delivered over " + deliveryRounds
                + " rounds";
    }
}
