package org.edp4j.spark;

import org.edp4j.fl.DeviceOutcome;
import org.edp4j.fl.ModelVector;
import org.edp4j.fl.RoundTally;

/**
 * The part of a round's sum one partition computed: the clipped updates of its selected devices,
 * added in device order, and their tally. {@code sums} is null while no device has been added (a
 * partition without a selected device sends no vector).
 */
final class RoundPartial implements Summand<RoundPartial> {
    private static final long serialVersionUID = 1L;

    private float[][] sums;
    private int participants;
    private int withinBound;
    private int dropped;

    /** Adds one device's clipped update and its outcome. */
    void add(ModelVector update, DeviceOutcome outcome) {
        if (sums == null) {
            sums = new float[update.partCount()][];
            for (int i = 0; i < sums.length; i++) {
                sums[i] = new float[update.part(i).length];
            }
        }
        Arrays2.addInto(sums, update);
        participants++;
        withinBound += outcome == DeviceOutcome.WITHIN_BOUND ? 1 : 0;
        dropped += outcome == DeviceOutcome.DROPPED ? 1 : 0;
    }

    @Override
    public RoundPartial plus(RoundPartial o) {
        if (o.sums != null) {
            if (sums == null) {
                sums = o.sums;
            } else {
                Arrays2.addInto(sums, o.sums);
            }
        }
        participants += o.participants;
        withinBound += o.withinBound;
        dropped += o.dropped;
        return this;
    }

    /** Writes the sum into {@code sum} (zero when no device took part). */
    void writeTo(ModelVector sum) {
        sum.zero();
        if (sums != null) {
            for (int i = 0; i < sums.length; i++) {
                System.arraycopy(sums[i], 0, sum.part(i), 0, sums[i].length);
            }
        }
    }

    RoundTally tally() {
        return new RoundTally(participants, withinBound, dropped);
    }
}
