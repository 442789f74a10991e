package org.edp4j.spark;

import org.edp4j.dp.BatchLoader;
import org.edp4j.fl.Population;

/**
 * The population as one executor task sees it: the devices of the {@link DeviceBlock} it is working
 * on, in round t, with the rows their examples index. A {@link org.edp4j.fl.DeviceTrainer} reads it
 * as its {@link Population} (global device indices) and its loader reads the same rows, so one
 * trainer serves every block of a task in turn. {@link #beginRound} is not used: what a device holds
 * is a function of the round ({@link DeviceSetting}).
 */
final class BlockView implements Population {
    private final int devices;
    private final int maxHeld;
    private final DeviceSetting setting;
    private final int[] scratch;
    private DeviceBlock block;
    private TokenRows rows;
    private long round;

    /**
     * @param devices the population's N
     * @param maxHeld a bound on any device's held count
     * @param batchCapacity the capacity of the batches the loader fills
     */
    BlockView(int devices, int maxHeld, DeviceSetting setting, int batchCapacity) {
        this.devices = devices;
        this.maxHeld = maxHeld;
        this.setting = setting;
        this.scratch = new int[batchCapacity];
    }

    /** Points the view at {@code block} in {@code round}; {@code corpus} when the block has no rows of its own. */
    void set(DeviceBlock b, TokenRows corpus, long t) {
        this.block = b;
        this.rows = b.rows() != null ? b.rows() : corpus;
        this.round = t;
    }

    /** @return the held counts of the block's devices in the current round, in {@code dst[0..count)} */
    int[] heldCounts(int[] dst) {
        for (int k = 0; k < block.count(); k++) {
            dst[k] = setting.heldCount(block.streamLength(k), round);
        }
        return dst;
    }

    /** A loader of the current rows (the trainer's). */
    BatchLoader loader() {
        return (batch, ids, from, count) -> {
            System.arraycopy(ids, from, scratch, 0, count);
            rows.load(batch, scratch, count);
        };
    }

    @Override
    public int deviceCount() {
        return devices;
    }

    @Override
    public void beginRound(long next) {
        // Stateless: set(...) gives the round.
    }

    @Override
    public int heldCount(int device) {
        return setting.heldCount(block.streamLength(local(device)), round);
    }

    @Override
    public int held(int device, int[] dst) {
        int k = local(device);
        int len = block.streamLength(k);
        int from = setting.firstHeld(len, round);
        int to = setting.endHeld(len, round);
        for (int i = from; i < to; i++) {
            dst[i - from] = block.example(k, i);
        }
        return to - from;
    }

    @Override
    public int maxHeld() {
        return maxHeld;
    }

    private int local(int device) {
        int k = device - block.firstDevice();
        if (k < 0 || k >= block.count()) {
            throw new IllegalArgumentException("device " + device + " is not in the block [" + block.firstDevice()
                    + ", " + (block.firstDevice() + block.count()) + ")");
        }
        return k;
    }
}
