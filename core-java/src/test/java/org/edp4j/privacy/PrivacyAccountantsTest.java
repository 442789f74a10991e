package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PrivacyAccountantsTest {

    @Test
    void registry() {
        assertEquals("rdp", PrivacyAccountants.byName("rdp").name());
        assertEquals("prv", PrivacyAccountants.byName("PRV").name());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PrivacyAccountants.byName("moments"));
        assertEquals("accountant must be one of [rdp, prv], got moments", e.getMessage());
    }

    @Test
    void prvStateRoundTrip() {
        PrvAccountant a = new PrvAccountant(0.02, 1e-3, 1 << 20, new double[] {1.5, 2, 4, 8, 16, 32, 64});
        a.step(1.3, 0.03, 400);
        a.step(1.1, 0.03, 100);
        PrivacyAccountant b = PrivacyAccountants.restore(a.saveState());
        assertEquals(a.saveState(), b.saveState());
        assertEquals(a.getEpsilon(1e-6), b.getEpsilon(1e-6), 0.0);
        assertEquals(a.history(), b.history());
    }

    @Test
    void restoreRejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> PrivacyAccountants.restore("xyz;runs="));
        assertThrows(IllegalArgumentException.class, () -> PrivacyAccountants.restore("rdp;orders=zz;runs="));
        assertThrows(IllegalArgumentException.class, () -> PrivacyAccountants.restore(""));
    }

    @Property(tries = 60)
    void rdpStateRoundTripIsExact(@ForAll @DoubleRange(min = 0.3, max = 20) double sigma,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double q, @ForAll @LongRange(min = 0, max = 1_000_000) long n,
            @ForAll @IntRange(min = 1, max = 4) int runs) {
        RdpAccountant a = new RdpAccountant();
        for (int k = 0; k < runs; k++) {
            a.step(sigma * (1 + 0.1 * k), q, n + k);
        }
        PrivacyAccountant b = PrivacyAccountants.restore(a.saveState());
        assertEquals(a.saveState(), b.saveState());
        assertEquals(Double.doubleToLongBits(a.getEpsilon(1e-5)), Double.doubleToLongBits(b.getEpsilon(1e-5)));
        assertEquals(a.totalSteps(), b.totalSteps());
        PrivacyAccountant c = a.copy();
        c.step(1.0, 0.5);
        assertEquals(a.saveState(), b.saveState()); // copies are independent
    }

    @Property(tries = 200)
    void rdpEpsilonIsNeverNaN(@ForAll @DoubleRange(min = 0.0, max = 50) double sigma,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double q, @ForAll @LongRange(min = 0) long n,
            @ForAll @IntRange(min = 1, max = 12) int minusLogDelta) {
        double delta = Math.pow(10, -minusLogDelta);
        RdpAccountant a = new RdpAccountant();
        a.step(sigma, q, n);
        double e = a.getEpsilon(delta);
        assertEquals(false, Double.isNaN(e));
        assertEquals(true, e >= 0);
    }
}
