package org.edp4j.spark;

import java.util.SplittableRandom;

/**
 * The simulated devices of {@link SparkPopulation#synthetic}: device d draws, from a generator seeded
 * with {@code (seed, d)} alone, a stream length {@code L_d = min(16, max(1, round(exp(0.7 + 0.9 z))))}
 * with {@code z ~ N(0, 1)} (log-normal: median 2, mean about 3, a few busy devices), then {@code L_d}
 * rows of the shared corpus, each uniform (with replacement). Any block of devices can be made on any
 * executor without the others, and the driver recomputes the lengths alone.
 *
 * <p>A corpus row copied onto several devices is protected as several devices' data (group
 * privacy); the population is for measuring speed, not a privacy claim about the corpus.
 */
public final class SyntheticDevices {
    /** The most examples a simulated device holds. */
    public static final int MAX_STREAM = 16;

    private SyntheticDevices() {
    }

    /** @return device d's stream length, in {@code [1, MAX_STREAM]} */
    public static int streamLength(int device, long seed) {
        return length(generator(device, seed));
    }

    /**
     * @return device d's stream: {@link #streamLength} row indices in {@code [0, corpusSize)}
     */
    public static int[] streamOf(int device, long seed, int corpusSize) {
        SplittableRandom g = generator(device, seed);
        int[] s = new int[length(g)];
        for (int i = 0; i < s.length; i++) {
            s[i] = g.nextInt(corpusSize);
        }
        return s;
    }

    /** Block b of {@code parts} blocks of consecutive devices (sizes differing by at most one). */
    static DeviceBlock block(int b, int parts, int devices, int corpusSize, long seed) {
        int from = (int) ((long) b * devices / parts);
        int to = (int) ((long) (b + 1) * devices / parts);
        int[] offsets = new int[to - from + 1];
        int[][] streams = new int[to - from][];
        for (int d = from; d < to; d++) {
            streams[d - from] = streamOf(d, seed, corpusSize);
            offsets[d - from + 1] = offsets[d - from] + streams[d - from].length;
        }
        int[] examples = new int[offsets[to - from]];
        for (int k = 0; k < streams.length; k++) {
            System.arraycopy(streams[k], 0, examples, offsets[k], streams[k].length);
        }
        return new DeviceBlock(from, offsets, examples, null);
    }

    /** SplitMix64's finalizer of the seed, xor the device, finalized again: independent streams per device. */
    private static SplittableRandom generator(int device, long seed) {
        return new SplittableRandom(mix(mix(seed) ^ device));
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int length(SplittableRandom g) {
        double z = g.nextGaussian();
        return (int) Math.min(MAX_STREAM, Math.max(1, Math.round(Math.exp(0.7 + 0.9 * z))));
    }
}
