package org.edp4j.fl;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.edp4j.privacy.PrivacyAccountant;

/**
 * Device-level accounting when devices have different inclusion probabilities.
 *
 * <p>In a round, the server releases {@code sum_{d selected} clip(u_d) + N(0, sigma^2 C^2)}. For two
 * populations that differ in one device d (added or removed), everything else being equal, that
 * release is the Poisson-subsampled Gaussian mechanism with sampling rate {@code p_d}, whatever the
 * other devices' probabilities (they are the same in both populations, provided they do not depend on
 * device d's data: see {@code docs/federated.md} on the public normalization). Device d's privacy
 * loss over the run is therefore that of the accountant fed with {@code (sigma, p_d(t))} for every
 * round t, and the population-wide guarantee is the largest such epsilon. The subsampled Gaussian's
 * privacy loss grows with the rate, so that maximum equals the epsilon of a uniform run at the
 * largest probability when the probabilities do not change between rounds, and is never below it;
 * {@link DeviceSelection#accountingRate()}, a public bound on every {@code p_d(t)}, gives a
 * guarantee at least as large, which is what {@link FederatedAveraging} records.
 *
 * <p>This class computes the per-device maximum exactly (one accountant per distinct sequence of
 * rates), for tests and for reports that want the tighter figure.
 */
public final class DeviceAccounting {
    private DeviceAccounting() {
    }

    /**
     * The largest epsilon any device has after rounds with the given inclusion probabilities.
     *
     * @param noiseMultiplier sigma, {@code >= 0} and finite
     * @param probabilitiesPerRound one array per round, each with one probability in {@code [0, 1]}
     *     per device, all of the same length; not modified
     * @param delta in {@code (0, 1)}
     * @param accountant fresh accountants (e.g. {@code RdpAccountant::new})
     * @return {@code max_d epsilon_d}; 0 when there is no round
     * @throws IllegalArgumentException for a value out of range or rounds of different lengths
     */
    public static double maxEpsilon(double noiseMultiplier, List<double[]> probabilitiesPerRound, double delta,
            Supplier<? extends PrivacyAccountant> accountant) {
        Objects.requireNonNull(probabilitiesPerRound, "probabilitiesPerRound");
        Objects.requireNonNull(accountant, "accountant");
        if (probabilitiesPerRound.isEmpty()) {
            return 0;
        }
        int devices = probabilitiesPerRound.get(0).length;
        int rounds = probabilitiesPerRound.size();
        double[][] byDevice = new double[devices][rounds];
        for (int t = 0; t < rounds; t++) {
            double[] p = probabilitiesPerRound.get(t);
            if (p.length != devices) {
                throw new IllegalArgumentException("round " + t + " has " + p.length + " probabilities, round 0 has "
                        + devices);
            }
            for (int d = 0; d < devices; d++) {
                byDevice[d][t] = p[d];
            }
        }
        // Devices with the same sequence of rates have the same epsilon: one accountant each.
        Arrays.sort(byDevice, Arrays::compare);
        double max = 0;
        for (int d = 0; d < devices; d++) {
            if (d > 0 && Arrays.equals(byDevice[d], byDevice[d - 1])) {
                continue;
            }
            PrivacyAccountant a = accountant.get();
            for (double q : byDevice[d]) {
                a.step(noiseMultiplier, q);
            }
            max = Math.max(max, a.getEpsilon(delta));
        }
        return max;
    }

    /**
     * {@link #maxEpsilon(double, List, double, Supplier)} for probabilities that stay the same for
     * {@code rounds} rounds.
     *
     * @param rounds {@code >= 0}
     */
    public static double maxEpsilon(double noiseMultiplier, double[] probabilities, long rounds, double delta,
            Supplier<? extends PrivacyAccountant> accountant) {
        Objects.requireNonNull(probabilities, "probabilities");
        if (rounds < 0) {
            throw new IllegalArgumentException("rounds must be >= 0, got " + rounds);
        }
        double[] distinct = Arrays.stream(probabilities).distinct().toArray();
        double max = 0;
        for (double q : distinct) {
            PrivacyAccountant a = accountant.get();
            a.step(noiseMultiplier, q, rounds);
            max = Math.max(max, a.getEpsilon(delta));
        }
        return max;
    }
}
