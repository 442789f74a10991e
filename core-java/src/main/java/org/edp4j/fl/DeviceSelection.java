package org.edp4j.fl;

/**
 * Who is asked to train in a round: an inclusion probability {@code p_d} per device, after which
 * each device joins independently ({@link DeviceSampler}: Poisson selection, the sampling that
 * privacy amplification by subsampling assumes).
 *
 * <p>The accountant records every round at {@link #accountingRate()}, a public constant that bounds
 * every {@code p_d} in every round: a device's privacy loss in a round is that of the subsampled
 * Gaussian mechanism at its own {@code p_d}, which grows with {@code p_d}, so the bound holds for
 * every device (see {@code docs/federated.md}). The server divides the noisy sum by
 * {@link #expectedParticipants()}, also public.
 */
public interface DeviceSelection {

    /**
     * Writes each device's inclusion probability for the population's current round to {@code p}.
     * Every value lies in {@code [0, accountingRate()]}.
     *
     * @param population the devices, after {@link Population#beginRound}; not modified
     * @param p at least {@code population.deviceCount()} long; modified in {@code [0, deviceCount)}
     */
    void probabilities(Population population, double[] p);

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

    /** Throws unless the population has the {@code devices} devices a selection was made for. */
    static void checkPopulation(int devices, Population population) {
        if (population.deviceCount() != devices) {
            throw new IllegalArgumentException("selection is for " + devices + " devices, the population has "
                    + population.deviceCount());
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
