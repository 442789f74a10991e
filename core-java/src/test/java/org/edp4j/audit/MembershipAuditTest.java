package org.edp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MembershipAuditTest {

    static double[] gauss(SplittableRandom rng, int n, double mean) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = rng.nextGaussian() + mean;
        }
        return s;
    }

    /** Same distribution for members and non-members: the held-out bound is (almost always) 0. */
    @Test
    void noLeakGivesNoBound() {
        SplittableRandom rng = new SplittableRandom(11);
        int positive = 0;
        for (int rep = 0; rep < 40; rep++) {
            MembershipAudit a = MembershipAudit.of(List.of(
                    new MembershipAudit.Scores("a", gauss(rng, 1000, 0), gauss(rng, 1000, 0)),
                    new MembershipAudit.Scores("b", gauss(rng, 1000, 0), gauss(rng, 1000, 0))), 1e-5, 0.05, rep);
            positive += a.epsilonLowerBound() > 0 ? 1 : 0;
            assertEquals(0.5, a.attacks().get(0).auc(), 0.06);
        }
        assertTrue(positive <= 2, "a bound above 0 without any leak in " + positive + " of 40");
    }

    /** The in-sample maximum over thresholds overstates; the held-out bound does not. */
    @Test
    void heldOutBoundIsBelowTheInSampleMaximum() {
        SplittableRandom rng = new SplittableRandom(12);
        double[] m = gauss(rng, 1000, 1.5);
        double[] n = gauss(rng, 1000, 0);
        MembershipAudit a = MembershipAudit.of(List.of(new MembershipAudit.Scores("x", m, n)), 1e-5, 0.05, 3);
        Roc roc = Roc.of(m, n);
        double inSample = 0;
        for (int i = 0; i < roc.points(); i++) {
            inSample = Math.max(inSample, EmpiricalEpsilon.lowerBound(roc.truePositives(i), 1000,
                    roc.falsePositives(i), 1000, 1e-5, 0.05));
        }
        MembershipAudit.Bound b = a.bound();
        assertEquals(500, b.members());
        assertEquals(500, b.nonMembers());
        assertTrue(b.epsilon() > 0.5, "a clear leak gives a positive bound: " + b);
        assertTrue(b.epsilon() < inSample, b.epsilon() + " vs in-sample " + inSample);
        assertEquals(EmpiricalEpsilon.lowerBound(b.truePositives(), 500, b.falsePositives(), 500, 1e-5, 0.05),
                b.epsilon(), 0.0);
        assertTrue(a.attacks().get(0).auc() > 0.8);
        assertTrue(a.attacks().get(0).tprAt1() > 0.05);
    }

    @Test
    void picksTheStrongerAttackOnHalfA() {
        SplittableRandom rng = new SplittableRandom(13);
        MembershipAudit a = MembershipAudit.of(List.of(
                new MembershipAudit.Scores("weak", gauss(rng, 600, 0.1), gauss(rng, 600, 0)),
                new MembershipAudit.Scores("strong", gauss(rng, 600, 3), gauss(rng, 600, 0))), 1e-5, 0.05, 1);
        assertEquals("strong", a.bound().attack());
        assertEquals(300, a.bound().members());
    }

    @Test
    void badArgumentsAreRefused() {
        double[] two = {1, 2};
        assertThrows(IllegalArgumentException.class, () -> MembershipAudit.of(List.of(), 1e-5, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> MembershipAudit.of(
                List.of(new MembershipAudit.Scores("a", new double[] {1}, two)), 1e-5, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> MembershipAudit.of(List.of(
                new MembershipAudit.Scores("a", two, two), new MembershipAudit.Scores("b", two, new double[3])),
                1e-5, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> MembershipAudit.of(
                List.of(new MembershipAudit.Scores("a", two, two)), 1.5, 0.05, 1));
        assertThrows(IllegalArgumentException.class, () -> MembershipAudit.of(
                List.of(new MembershipAudit.Scores("a", two, two)), 1e-5, 0, 1));
    }
}
