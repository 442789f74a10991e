package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.edp4j.fl.DeviceOutcome;
import org.edp4j.fl.ModelVector;
import org.edp4j.fl.RoundTally;
import org.junit.jupiter.api.Test;

/** The adds of the partial sums: {@link Arrays2}, {@link RoundPartial} and {@link StepPartial}. */
class Arrays2Test {

    @Test
    void addsElementByElementAndChecksShapes() {
        float[][] acc = {{1f, 2f}, {3f}};
        Arrays2.addInto(acc, new float[][] {{0.5f, 0.25f}, {-3f}});
        assertArrayEquals(new float[] {1.5f, 2.25f}, acc[0]);
        assertArrayEquals(new float[] {0f}, acc[1]);
        assertThrows(IllegalArgumentException.class, () -> Arrays2.addInto(acc, new float[][] {{1f, 2f}}));
        assertThrows(IllegalArgumentException.class, () -> Arrays2.addInto(acc, new float[][] {{1f}, {2f}}));
    }

    @Test
    void roundPartialsSumUpdatesAndTallies() {
        RoundPartial a = new RoundPartial();
        a.add(ModelVector.wrap(new float[][] {{1f, 1f}}), DeviceOutcome.WITHIN_BOUND);
        a.add(ModelVector.wrap(new float[][] {{2f, 0f}}), DeviceOutcome.CLIPPED);
        RoundPartial empty = new RoundPartial();
        RoundPartial b = new RoundPartial();
        b.add(ModelVector.wrap(new float[][] {{0f, 0f}}), DeviceOutcome.DROPPED);
        RoundPartial all = empty.plus(a).plus(b);
        assertEquals(new RoundTally(3, 1, 1), all.tally());
        ModelVector sum = ModelVector.wrap(new float[][] {{9f, 9f}});
        all.writeTo(sum);
        assertArrayEquals(new float[] {3f, 1f}, sum.part(0));
        new RoundPartial().writeTo(sum);
        assertArrayEquals(new float[] {0f, 0f}, sum.part(0), "no device: a zero sum");
    }

    @Test
    void stepPartialsSumGradientsAndCounts() {
        StepPartial a = new StepPartial();
        a.sums = new float[][] {{1f}};
        a.examples = 3;
        a.loss = 1.5;
        a.withinBound = 2;
        a.clipped = 1;
        StepPartial none = new StepPartial();
        StepPartial s = none.plus(a).plus(new StepPartial());
        assertArrayEquals(new float[] {1f}, s.sums[0]);
        assertEquals(3, s.examples);
        assertEquals(1.5, s.loss);
        assertEquals(2, s.withinBound);
        assertEquals(1, s.clipped);
        assertNull(new StepPartial().plus(new StepPartial()).sums);
    }
}
