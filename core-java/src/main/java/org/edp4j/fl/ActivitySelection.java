package org.edp4j.fl;

import java.util.Arrays;
import java.util.Locale;

/**
 * Inclusion probability proportional to the examples a device holds, capped:
 * {@code p_d = min(cap, s n_d)} with {@code sum_d p_d = K}; see {@link DeviceSelection#activity}.
 *
 * <p>Water-filling: with the counts sorted in decreasing order {@code n_(0) >= n_(1) >= ...}, the
 * first j devices are at the cap and {@code s = (K - j cap) / (sum_{i >= j} n_(i))} for the
 * smallest j with {@code s n_(j) <= cap}. O(N log N) per round.
 */
final class ActivitySelection implements DeviceSelection {
    private final int devices;
    private final double k;
    private final double cap;
    private final int[] counts;

    ActivitySelection(int devices, double expectedPerRound, double cap) {
        double q = DeviceSelection.uniformRate(devices, expectedPerRound);
        if (!(cap >= q && cap <= 1)) {
            throw new IllegalArgumentException("activity cap must be in [K / N, 1] = [" + q + ", 1], got " + cap);
        }
        this.devices = devices;
        this.k = expectedPerRound;
        this.cap = cap;
        this.counts = new int[devices];
    }

    @Override
    public InclusionRule rule(DeviceCensus census) {
        DeviceSelection.checkPopulation(devices, census);
        for (int d = 0; d < devices; d++) {
            counts[d] = census.heldCount(d);
        }
        return InclusionRule.activity(scale(counts, k, cap), cap);
    }

    /**
     * The {@code s} of {@code sum_d min(cap, s n_d) = K}; {@code +inf} when every non-empty device
     * at the cap is not enough (or no device holds data).
     */
    static double scale(int[] counts, double k, double cap) {
        int[] sorted = counts.clone();
        Arrays.sort(sorted);
        long rest = 0;
        for (int c : sorted) {
            rest += c;
        }
        // Walk from the largest count down: j devices at the cap so far, rest = sum of the others.
        for (int j = 0, i = sorted.length - 1; i >= 0 && sorted[i] > 0; j++, i--) {
            double s = (k - j * cap) / rest;
            if (s * sorted[i] <= cap) {
                return s;
            }
            rest -= sorted[i];
        }
        return Double.POSITIVE_INFINITY;
    }

    @Override
    public double accountingRate() {
        return cap;
    }

    @Override
    public double expectedParticipants() {
        return k;
    }

    @Override
    public int deviceCount() {
        return devices;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "activity (K = %.4g, cap %.4g)", k, cap);
    }
}
