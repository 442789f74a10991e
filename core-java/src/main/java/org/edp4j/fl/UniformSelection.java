package org.edp4j.fl;

import java.util.Locale;

/** Every device with the same probability {@code q = K / N}; see {@link DeviceSelection#uniform}. */
final class UniformSelection implements DeviceSelection {
    private final int devices;
    private final double k;
    private final double q;

    UniformSelection(int devices, double expectedPerRound) {
        this.q = DeviceSelection.uniformRate(devices, expectedPerRound);
        this.devices = devices;
        this.k = expectedPerRound;
    }

    @Override
    public InclusionRule rule(DeviceCensus census) {
        DeviceSelection.checkPopulation(devices, census);
        return InclusionRule.uniform(q);
    }

    @Override
    public double accountingRate() {
        return q;
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
        return String.format(Locale.ROOT, "uniform (q = %.4g)", q);
    }
}
