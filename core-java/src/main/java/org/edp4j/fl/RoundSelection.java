package org.edp4j.fl;

import java.util.Arrays;
import java.util.Objects;
import org.edp4j.dp.noise.GaussianNoise;

/**
 * Which devices train in a round, as the server hands it to a {@link RoundExecutor}: a decision
 * each device's coin makes on its own, so an engine can flip the coins on one machine
 * ({@link #devices(long)}) or each where its device lives ({@link #select}, over a range of
 * devices), and select the same devices either way.
 *
 * <ul>
 *   <li>{@link #poisson}: device d joins round t when uniform d of stream
 *       {@link GaussianNoise#DEVICE_SELECTION} at nonce t ({@link DeviceSampler}) is below
 *       {@code rule.probability(n_d)}, {@code n_d} the examples it holds now. The coins' key travels to
 *       wherever the coins are flipped; the server's noise key does not (see {@code docs/spark.md}).</li>
 *   <li>{@link #of}: a fixed list of devices (tests and benchmarks).</li>
 * </ul>
 * Immutable.
 */
public final class RoundSelection {
    private final InclusionRule rule;
    private final GaussianNoise coins;
    private final DeviceCensus census;
    private final int[] fixed;

    private RoundSelection(InclusionRule rule, GaussianNoise coins, DeviceCensus census, int[] fixed) {
        this.rule = rule;
        this.coins = coins;
        this.census = census;
        this.fixed = fixed;
    }

    /**
     * Poisson selection by {@code rule} with {@code coins}.
     *
     * @param rule the round's rule ({@link DeviceSelection#rule}); not null
     * @param coins the generator of the selection coins; not null
     * @param census the devices and their held counts, read by {@link #devices(long)} only; not null
     */
    public static RoundSelection poisson(InclusionRule rule, GaussianNoise coins, DeviceCensus census) {
        return new RoundSelection(Objects.requireNonNull(rule, "rule"), Objects.requireNonNull(coins, "coins"),
                Objects.requireNonNull(census, "census"), null);
    }

    /**
     * Exactly these devices.
     *
     * @param devices distinct, ascending, each {@code >= 0}; copied
     * @throws IllegalArgumentException when they are not distinct and ascending, or one is negative
     */
    public static RoundSelection of(int... devices) {
        int[] d = devices.clone();
        for (int k = 0; k < d.length; k++) {
            if (d[k] < 0) {
                throw new IllegalArgumentException("devices must be >= 0, got " + d[k]);
            }
            if (k > 0 && d[k] <= d[k - 1]) {
                throw new IllegalArgumentException("devices must be distinct and ascending, got " + d[k - 1]
                        + " before " + d[k]);
            }
        }
        return new RoundSelection(null, null, null, d);
    }

    /**
     * Every selected device of round {@code round}, ascending, every coin flipped here (for a Poisson
     * selection: O(N) coins and held counts).
     *
     * @param round the round, {@code >= 0}
     * @return a new array
     */
    public int[] devices(long round) {
        if (fixed != null) {
            return fixed.clone();
        }
        int n = census.deviceCount();
        int[] counts = new int[n];
        for (int d = 0; d < n; d++) {
            counts[d] = census.heldCount(d);
        }
        int[] out = new int[n];
        return Arrays.copyOf(out, DeviceSampler.select(coins, round, rule, 0, counts, n, out));
    }

    /**
     * The selected devices of the range {@code [firstDevice, firstDevice + count)}: the ones
     * {@link #devices(long)} returns from that range, decided from the range alone.
     *
     * @param round the round, {@code >= 0}
     * @param firstDevice the range's first device, {@code >= 0}
     * @param heldCounts device {@code firstDevice + k} holds {@code heldCounts[k]} examples now; not modified
     * @param count the devices in the range, {@code <= heldCounts.length}
     * @param out at least {@code count} long; receives the selected devices (global indices), ascending
     * @return the number selected
     */
    public int select(long round, int firstDevice, int[] heldCounts, int count, int[] out) {
        if (fixed == null) {
            return DeviceSampler.select(coins, round, rule, firstDevice, heldCounts, count, out);
        }
        int from = Arrays.binarySearch(fixed, firstDevice);
        from = from >= 0 ? from : -from - 1;
        int n = 0;
        for (int k = from; k < fixed.length && fixed[k] < (long) firstDevice + count; k++) {
            out[n++] = fixed[k];
        }
        return n;
    }

    /** @return whether the coins decide (false: a fixed list) */
    public boolean isPoisson() {
        return fixed == null;
    }

    /** @return the inclusion rule (null for a fixed list) */
    public InclusionRule rule() {
        return rule;
    }

    /** @return the generator of the coins (null for a fixed list); its key is the sampling key */
    public GaussianNoise coins() {
        return coins;
    }

    /** @return a copy of the fixed list (null for a Poisson selection) */
    public int[] fixedDevices() {
        return fixed == null ? null : fixed.clone();
    }

    @Override
    public String toString() {
        return fixed != null ? "devices " + Arrays.toString(fixed) : "Poisson, " + rule;
    }
}
