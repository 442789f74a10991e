package org.edp4j.fl;

import java.util.Objects;

/** The static setting: every device holds all of its partition from the first round to the last. */
public final class StaticPopulation implements Population {
    private final Partition partition;
    private long nextRound;

    /** @param partition the devices' data; not null */
    public StaticPopulation(Partition partition) {
        this.partition = Objects.requireNonNull(partition, "partition");
    }

    @Override
    public int deviceCount() {
        return partition.deviceCount();
    }

    /** Nothing changes between rounds; only the order of the calls is checked. */
    @Override
    public void beginRound(long round) {
        if (round != nextRound) {
            throw new IllegalArgumentException("rounds must come in order: expected round " + nextRound + ", got " + round);
        }
        nextRound++;
    }

    @Override
    public int heldCount(int device) {
        return partition.size(device);
    }

    @Override
    public int held(int device, int[] dst) {
        int n = partition.size(device);
        for (int k = 0; k < n; k++) {
            dst[k] = partition.example(device, k);
        }
        return n;
    }

    @Override
    public int maxHeld() {
        return partition.largestDevice();
    }

    @Override
    public String toString() {
        return "static " + partition;
    }
}
