package org.edp4j.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * The devices {@code [firstDevice, firstDevice + count())} of a population, as one element of the
 * population's RDD: each device's stream of examples (row indices into {@link #rows()}, or into the
 * corpus the population's devices share when {@code rows()} is null), oldest first. Immutable.
 */
public final class DeviceBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int firstDevice;
    private final int[] offsets;
    private final int[] examples;
    private final TokenRows rows;

    /**
     * @param firstDevice the block's first device, {@code >= 0}
     * @param offsets {@code count + 1} ascending offsets into {@code examples}, from 0: device
     *     {@code firstDevice + k} holds {@code examples[offsets[k] .. offsets[k + 1])}; held, not copied
     * @param examples row indices, each {@code >= 0} and below the rows' size; held, not copied
     * @param rows the block's own rows, or null when the examples index the population's shared corpus
     * @throws IllegalArgumentException when the offsets are not ascending from 0 to {@code examples.length}
     */
    public DeviceBlock(int firstDevice, int[] offsets, int[] examples, TokenRows rows) {
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(examples, "examples");
        if (firstDevice < 0 || offsets.length < 1 || offsets[0] != 0 || offsets[offsets.length - 1] != examples.length) {
            throw new IllegalArgumentException("a block needs firstDevice >= 0 and offsets from 0 to " + examples.length
                    + ", got firstDevice " + firstDevice + " and " + offsets.length + " offsets");
        }
        for (int k = 1; k < offsets.length; k++) {
            if (offsets[k] < offsets[k - 1]) {
                throw new IllegalArgumentException("offsets must ascend, got " + offsets[k - 1] + " before " + offsets[k]);
            }
        }
        this.firstDevice = firstDevice;
        this.offsets = offsets;
        this.examples = examples;
        this.rows = rows;
    }

    /** @return the block's first device */
    public int firstDevice() {
        return firstDevice;
    }

    /** @return the number of devices in the block */
    public int count() {
        return offsets.length - 1;
    }

    /** @return the length of the stream of the block's k-th device ({@code firstDevice + k}) */
    public int streamLength(int k) {
        return offsets[k + 1] - offsets[k];
    }

    /** @return position {@code i} of the block's k-th device's stream: a row index */
    public int example(int k, int i) {
        return examples[offsets[k] + i];
    }

    /** @return the block's own rows, or null when its examples index the shared corpus */
    public TokenRows rows() {
        return rows;
    }
}
