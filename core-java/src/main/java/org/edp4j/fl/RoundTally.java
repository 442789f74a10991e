package org.edp4j.fl;

/**
 * Counts over one round's selected devices. <b>Not covered by epsilon</b> beyond {@code participants}
 * under uniform selection: {@code withinBound} and {@code dropped} depend on the devices' data, and
 * under activity selection so does {@code participants}; only adaptive clipping reads
 * {@code withinBound}, through a noisy, accounted count. Do not print or release them.
 *
 * @param participants devices that trained
 * @param withinBound devices whose update needed no clipping
 * @param dropped devices whose non-finite update was dropped
 */
public record RoundTally(int participants, int withinBound, int dropped) {

    /** No device. */
    public static final RoundTally EMPTY = new RoundTally(0, 0, 0);

    /** This tally plus one device's outcome. */
    public RoundTally plus(DeviceOutcome o) {
        return new RoundTally(participants + 1, withinBound + (o == DeviceOutcome.WITHIN_BOUND ? 1 : 0),
                dropped + (o == DeviceOutcome.DROPPED ? 1 : 0));
    }
}
