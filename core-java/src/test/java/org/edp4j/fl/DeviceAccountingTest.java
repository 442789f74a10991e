package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.edp4j.privacy.RdpAccountant;
import org.junit.jupiter.api.Test;

class DeviceAccountingTest {
    static double uniform(double sigma, double q, long rounds, double delta) {
        RdpAccountant a = new RdpAccountant();
        a.step(sigma, q, rounds);
        return a.getEpsilon(delta);
    }

    /**
     * Non-uniform probabilities, accounted per device: the worst device's epsilon is never below the
     * uniform run at the largest probability (it is that run), and never below any device's.
     */
    @Property(tries = 60)
    void nonUniformIsNeverBelowUniformAtTheLargestProbability(
            @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = 0, max = 1) Double> probs,
            @ForAll @DoubleRange(min = 0.5, max = 5) double sigma, @ForAll @IntRange(min = 1, max = 300) int rounds) {
        double[] p = probs.stream().mapToDouble(Double::doubleValue).toArray();
        double max = 0;
        for (double x : p) {
            max = Math.max(max, x);
        }
        double perDevice = DeviceAccounting.maxEpsilon(sigma, p, rounds, 1e-5, RdpAccountant::new);
        double atMax = uniform(sigma, max, rounds, 1e-5);
        assertTrue(perDevice >= atMax, perDevice + " < " + atMax);
        assertEquals(atMax, perDevice, 1e-12 * Math.max(1, atMax));
        for (double x : p) {
            assertTrue(perDevice >= uniform(sigma, x, rounds, 1e-5));
        }
    }

    /**
     * Activity selection on a continual population: each device's rate changes every round. The
     * per-device maximum over the actual rates is at most the epsilon the server records (every
     * round at the cap) and at least the uniform run at the smallest per-round maximum.
     */
    @Test
    void activityOnAContinualPopulationIsBoundedByItsCap() {
        Partition streams = Partitions.quantitySkew(3000, 100, 1.5, 2);
        ContinualPopulation pop = new ContinualPopulation(streams, 8, 30);
        double cap = 0.25;
        DeviceSelection sel = DeviceSelection.activity(100, 10, cap);
        List<double[]> perRound = new ArrayList<>();
        double minOfMax = 1;
        int rounds = 40;
        for (int t = 0; t < rounds; t++) {
            pop.beginRound(t);
            double[] p = new double[100];
            sel.probabilities(pop, p);
            double m = 0;
            for (double x : p) {
                assertTrue(x <= sel.accountingRate(), "every rate under the accounting rate");
                m = Math.max(m, x);
            }
            minOfMax = Math.min(minOfMax, m);
            perRound.add(p);
        }
        double sigma = 1.1;
        double perDevice = DeviceAccounting.maxEpsilon(sigma, perRound, 1e-5, RdpAccountant::new);
        double recorded = uniform(sigma, sel.accountingRate(), rounds, 1e-5);
        assertTrue(perDevice <= recorded * (1 + 1e-12), perDevice + " > " + recorded);
        assertTrue(perDevice >= uniform(sigma, minOfMax, rounds, 1e-5));
    }

    @Test
    void sameSequencesShareAnAccountantAndEmptyHistoriesCostNothing() {
        List<double[]> rounds = List.of(new double[] {0.1, 0.2, 0.1}, new double[] {0.3, 0.2, 0.3});
        double e = DeviceAccounting.maxEpsilon(1.0, rounds, 1e-5, RdpAccountant::new);
        RdpAccountant a = new RdpAccountant();
        a.step(1.0, 0.1);
        a.step(1.0, 0.3);
        RdpAccountant b = new RdpAccountant();
        b.step(1.0, 0.2, 2);
        assertEquals(Math.max(a.getEpsilon(1e-5), b.getEpsilon(1e-5)), e, 0);
        assertEquals(0, DeviceAccounting.maxEpsilon(1.0, List.of(), 1e-5, RdpAccountant::new));
    }
}
