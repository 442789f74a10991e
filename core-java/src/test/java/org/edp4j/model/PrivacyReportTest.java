package org.edp4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrivacyReportTest {

    @Test
    void aNonPrivateReportRoundTripsAndSaysNotPrivate() {
        PrivacyReport r = PrivacyReport.nonPrivate(1e-5, "fitted on the training split (not private)", 0.2, 150);
        assertFalse(r.isPrivate());
        assertEquals(r, PrivacyReport.fromMap(r.toMap()));
        assertTrue(r.describe().startsWith("NOT PRIVATE: trained without differential privacy (epsilon infinite; "
                + "vocabulary fitted on the training split (not private), q 0.20000, 150 steps)"), r.describe());
        assertTrue(Fixtures.report().isPrivate());
        assertFalse(Fixtures.report().describe().contains("NOT PRIVATE"));
    }
}
