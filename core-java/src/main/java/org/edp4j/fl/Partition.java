package org.edp4j.fl;

import java.util.Arrays;
import java.util.Objects;

/**
 * Which examples of a dataset each device holds: device {@code d} holds the example indices
 * {@code examples(d)}, in the order the device received them (the order a continual device's
 * stream delivers them in). Immutable.
 *
 * <p>The builders of {@link Partitions} split a dataset: every example lies on exactly one device.
 * {@link #of(int[][])} accepts any lists, including an example on several devices (a simulated
 * population larger than its dataset, as the benchmarks use); the guarantee is still per device,
 * so an example copied onto k devices is protected as k devices' data, i.e. by group privacy.
 */
public final class Partition {
    private final int[][] devices;
    private final long total;
    private final int largest;

    private Partition(int[][] devices) {
        this.devices = devices;
        long t = 0;
        int m = 0;
        for (int[] d : devices) {
            t += d.length;
            m = Math.max(m, d.length);
        }
        this.total = t;
        this.largest = m;
    }

    /**
     * A partition from explicit lists: device {@code d} holds {@code examplesPerDevice[d]}.
     *
     * @param examplesPerDevice one array of example indices (each {@code >= 0}) per device, at least
     *     one device; an array may be empty. Not modified (copied).
     * @throws IllegalArgumentException when there is no device or an index is negative
     * @throws NullPointerException when the array or one of its rows is null
     */
    public static Partition of(int[][] examplesPerDevice) {
        Objects.requireNonNull(examplesPerDevice, "examplesPerDevice");
        if (examplesPerDevice.length == 0) {
            throw new IllegalArgumentException("a partition needs at least one device, got 0");
        }
        int[][] copy = new int[examplesPerDevice.length][];
        for (int d = 0; d < copy.length; d++) {
            copy[d] = Objects.requireNonNull(examplesPerDevice[d], "examplesPerDevice[" + d + "]").clone();
            for (int e : copy[d]) {
                if (e < 0) {
                    throw new IllegalArgumentException("example indices must be >= 0, got " + e + " on device " + d);
                }
            }
        }
        return new Partition(copy);
    }

    /** Wraps arrays the caller gives up (no copy, no check); for {@link Partitions}. */
    static Partition wrap(int[][] examplesPerDevice) {
        return new Partition(examplesPerDevice);
    }

    /** @return the number of devices, {@code >= 1} */
    public int deviceCount() {
        return devices.length;
    }

    /** @return the number of examples device {@code d} holds */
    public int size(int device) {
        return devices[device].length;
    }

    /** @return a new array with every device's size, in device order */
    public int[] sizes() {
        int[] s = new int[devices.length];
        for (int d = 0; d < s.length; d++) {
            s[d] = devices[d].length;
        }
        return s;
    }

    /** @return the {@code k}-th example index of device {@code d} ({@code 0 <= k < size(d)}) */
    public int example(int device, int k) {
        return devices[device][k];
    }

    /** @return a copy of device {@code d}'s example indices, in arrival order */
    public int[] examples(int device) {
        return devices[device].clone();
    }

    /** @return the sum of the device sizes */
    public long totalExamples() {
        return total;
    }

    /** @return the largest device size */
    public int largestDevice() {
        return largest;
    }

    /**
     * How many of device {@code d}'s examples carry each label.
     *
     * @param labels the dataset's labels, indexed by example; not modified
     * @param classes the number of classes; every label of the device must lie in {@code [0, classes)}
     * @return a new array of {@code classes} counts
     * @throws IllegalArgumentException when a label is outside {@code [0, classes)}
     */
    public int[] labelHistogram(int device, int[] labels, int classes) {
        int[] h = new int[classes];
        for (int e : devices[device]) {
            int y = labels[e];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " of example " + e + " is outside [0, " + classes + ")");
            }
            h[y]++;
        }
        return h;
    }

    @Override
    public String toString() {
        return "Partition[" + devices.length + " devices, " + total + " examples, largest " + largest + "]";
    }

    /** Two partitions are equal when every device holds the same examples in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Partition p && Arrays.deepEquals(devices, p.devices);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(devices);
    }
}
