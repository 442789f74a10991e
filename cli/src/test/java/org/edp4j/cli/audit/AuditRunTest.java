package org.edp4j.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.edp4j.audit.Exposure;
import org.edp4j.audit.MembershipAudit;
import org.edp4j.cli.train.TrainConfig;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the audit must show, on 2,400 emails (600 members vs 600 non-members) with short rows so it
 * runs in seconds. Noise is seeded from --seed, so the runs are reproducible.
 */
class AuditRunTest {

    static AuditConfig config(int epochs) {
        TrainConfig t = new TrainConfig("bag", 8000, 64, 32, 16, epochs, 256, 0.1, "flat", 3.0, Double.NaN, 1e-5,
                "constant", "adam", 0.1, 5, true, 2400, 0, 0);
        return new AuditConfig(t, List.of(Double.POSITIVE_INFINITY, 1.0), 4, List.of(8), 1, 0.05);
    }

    static AuditData data;

    @BeforeAll
    static void prepare() {
        data = AuditData.prepare(config(1));
    }

    @Test
    void dataIsSplitAsDocumented() {
        assertEquals(600, data.members());
        assertEquals(1200, data.audited().size());
        assertEquals(2400 + 4 * 8, data.targetTrain().size());
        assertEquals(1800, data.referenceTrain().size());
    }

    /** A non-private model trained for many epochs leaks: AUC above 0.6 or extracted canaries. */
    @Test
    void overfitNonPrivateModelLeaks() {
        AuditRun.Result r = AuditRun.runOne(config(60), data, CpuBackend.instance(), Double.POSITIVE_INFINITY, s -> { });
        double auc = Math.max(r.membership().attacks().get(0).auc(), r.membership().attacks().get(1).auc());
        long extracted = r.exposures().stream().filter(Exposure::extracted).count();
        double meanExposure = r.exposures().stream().mapToDouble(Exposure::exposure).average().orElseThrow();
        assertTrue(auc > 0.6 || extracted > 0, "AUC " + auc + ", extracted " + extracted);
        assertTrue(meanExposure > 8, "mean exposure " + meanExposure);
        assertFalse(r.violation());
    }

    /** At epsilon 1 the attacks are at chance, canaries stay hidden, and the bound is below 1. */
    @Test
    void epsilonOneLeaksLittle() {
        AuditRun.Result r = AuditRun.runOne(config(10), data, CpuBackend.instance(), 1.0, s -> { });
        assertTrue(r.epsilon() <= 1.0 && r.epsilon() > 0.99, "spent " + r.epsilon());
        for (MembershipAudit.Attack a : r.membership().attacks()) {
            assertEquals(0.5, a.auc(), 0.05, a.toString());
        }
        double meanExposure = r.exposures().stream().mapToDouble(Exposure::exposure).average().orElseThrow();
        assertTrue(meanExposure < 5, "mean exposure " + meanExposure);
        assertTrue(r.exposures().stream().noneMatch(Exposure::extracted));
        assertTrue(r.membership().epsilonLowerBound() <= r.epsilon());
        assertFalse(r.violation());
    }
}
