package org.edp4j.fl;

/**
 * The bounded storage of one continual device: it keeps at most {@code capacity} examples, and a
 * new example arriving when it is full deletes the oldest one (a ring buffer).
 */
public final class DeviceStorage {
    private final int[] ring;
    private int start;
    private int size;
    private long received;

    /**
     * @param capacity the most examples kept, {@code >= 1}
     * @throws IllegalArgumentException when capacity is below 1
     */
    public DeviceStorage(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("storage capacity must be >= 1, got " + capacity);
        }
        this.ring = new int[capacity];
    }

    /** Stores {@code example}; when the storage is full the oldest example is deleted first. */
    public void receive(int example) {
        if (size < ring.length) {
            ring[(start + size) % ring.length] = example;
            size++;
        } else {
            ring[start] = example;
            start = (start + 1) % ring.length;
        }
        received++;
    }

    /** @return the number of examples held, at most {@link #capacity()} */
    public int size() {
        return size;
    }

    /** @return the most examples this storage keeps */
    public int capacity() {
        return ring.length;
    }

    /** @return every example received so far, deleted ones included */
    public long received() {
        return received;
    }

    /**
     * Writes the held examples, oldest first, to {@code dst[0..size())}.
     *
     * @return {@link #size()}
     */
    public int copyTo(int[] dst) {
        for (int k = 0; k < size; k++) {
            dst[k] = ring[(start + k) % ring.length];
        }
        return size;
    }
}
