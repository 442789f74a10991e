package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RoundTallyTest {
    @Test
    void countsEachOutcome() {
        RoundTally t = RoundTally.EMPTY.plus(DeviceOutcome.WITHIN_BOUND).plus(DeviceOutcome.CLIPPED)
                .plus(DeviceOutcome.DROPPED).plus(DeviceOutcome.WITHIN_BOUND);
        assertEquals(new RoundTally(4, 2, 1), t);
    }
}
