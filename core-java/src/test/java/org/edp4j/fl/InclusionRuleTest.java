package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class InclusionRuleTest {

    @Test
    void uniformIgnoresTheCountAndActivityIsCappedAndZeroWhenEmpty() {
        InclusionRule u = InclusionRule.uniform(0.3);
        assertEquals(0.3, u.probability(0));
        assertEquals(0.3, u.probability(1000));
        InclusionRule a = InclusionRule.activity(0.1, 0.45);
        assertEquals(0.0, a.probability(0));
        assertEquals(0.1, a.probability(1));
        assertEquals(0.4, a.probability(4), 1e-15);
        assertEquals(0.45, a.probability(5));
        InclusionRule all = InclusionRule.activity(Double.POSITIVE_INFINITY, 0.2);
        assertEquals(0.0, all.probability(0), "inf * 0 never reached: an empty device is never selected");
        assertEquals(0.2, all.probability(1));
    }

    @Test
    void rangesAreChecked() {
        assertEquals("inclusion probability must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> InclusionRule.uniform(1.5)).getMessage());
        assertEquals("inclusion cap must be in [0, 1], got NaN",
                assertThrows(IllegalArgumentException.class, () -> InclusionRule.activity(1, Double.NaN)).getMessage());
        assertEquals("inclusion rate must be >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> InclusionRule.activity(-1, 0.5)).getMessage());
    }

    /** The rule travels to other machines (Spark executors) as Java serialization. */
    @Test
    void survivesSerialization() throws Exception {
        InclusionRule a = InclusionRule.activity(0.013, 0.2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(a);
        }
        try (ObjectInputStream i = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(a, i.readObject());
        }
    }
}
