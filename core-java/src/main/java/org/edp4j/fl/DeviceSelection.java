package org.edp4j.fl;

/**
 * Who is asked to train in a round: an inclusion probability {@code p_d} per device, after which
 * each device joins independently ({@link DeviceSampler}: Poisson selection, the sampling that
 * privacy amplification by subsampling assumes). A round's probabilities are an
 * {@link InclusionRule} of the examples each device holds, so the coins can be flipped wherever the
 * devices live ({@link RoundSelection}).
 *
 * <p>The accountant records every round at {@link #accountingRate()}, a public constant that bounds
 * every {@code p_d} in every round: a device's privacy loss in a round is that of the subsampled
 * Gaussian mechanism at its own {@code p_d}, which grows with {@code p_d}, so the bound holds for
 * every device (see {@code docs/federated.md}). The server divides the noisy sum by
 * {@link #expectedParticipants()}, also public.
 */
public interface DeviceSelection {

    /**
     * The rule of the census's current round: {@code p_d = rule.probability(census.heldCount(d))},
     * every value in {@code [0, accountingRate()]}.
     *
     * @param census the devices, after {@link DeviceCensus#beginRound}; not modified
     * @throws IllegalArgumentException when the census does not have {@link #deviceCount()} devices
     */
    InclusionRule rule(DeviceCensus census);

    /**
     * Writes each device's inclusion probability for the census's current round to {@code p}:
     * {@link #rule}'s probability of each device's held count.
     *
     * @param census the devices, after {@link DeviceCensus#beginRound}; not modified
     * @param p at least {@code census.deviceCount()} long; modified in {@code [0, deviceCount)}
     * @throws IllegalArgumentException when the census does not have {@link #deviceCount()} devices
     */
    default void probabilities(DeviceCensus census, double[] p) {
        InclusionRule r = rule(census);
        for (int d = 0; d < deviceCount(); d++) {
            p[d] = r.probability(census.heldCount(d));
        }
    }

    /** @return the probability the accountant records each round: at least every {@code p_d}, in (0, 1] */
    double accountingRate();

    /** @return K, the expected number of participants per round, {@code > 0}: the server's divisor */
    double expectedParticipants();

    /** @return N, the number of devices the selection is for */
    int deviceCount();

    /** @return a short description: "uniform (q = 0.1)" */
    String describe();

    /**
     * Uniform selection: every device with probability {@code q = K / N}.
     *
     * @param devices N, {@code >= 1}
     * @param expectedPerRound K, in {@code (0, N]}
     * @throws IllegalArgumentException for an argument out of range
     */
    static DeviceSelection uniform(int devices, double expectedPerRound) {
        return new UniformSelection(devices, expectedPerRound);
    }

    /**
     * Activity-based selection: {@code p_d = min(cap, s n_d)} with {@code n_d} the examples device d
     * holds now and {@code s} chosen each round so that {@code sum_d p_d = K} (water-filling; when
     * even {@code cap} on every non-empty device falls short of K, every non-empty device gets
     * {@code cap}). Devices without data are never selected. The accountant records {@code cap}.
     *
     * @param devices N, {@code >= 1}
     * @param expectedPerRound K, in {@code (0, N]}
     * @param cap the largest inclusion probability, in {@code [K / N, 1]}
     * @throws IllegalArgumentException for an argument out of range
     */
    static DeviceSelection activity(int devices, double expectedPerRound, double cap) {
        return new ActivitySelection(devices, expectedPerRound, cap);
    }

    /** Throws unless the census has the {@code devices} devices a selection was made for. */
    static void checkPopulation(int devices, DeviceCensus census) {
        if (census.deviceCount() != devices) {
            throw new IllegalArgumentException("selection is for " + devices + " devices, the population has "
                    + census.deviceCount());
        }
    }

    /** Checks N and K; returns {@code K / N}. */
    static double uniformRate(int devices, double expectedPerRound) {
        if (devices < 1) {
            throw new IllegalArgumentException("number of devices must be >= 1, got " + devices);
        }
        if (!(expectedPerRound > 0 && expectedPerRound <= devices)) {
            throw new IllegalArgumentException("expected devices per round must be in (0, " + devices
                    + "] (the number of devices), got " + expectedPerRound);
        }
        return Math.min(1.0, expectedPerRound / devices);
    }
}
