package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FederatedReportTest {
    static final FederatedRun.Result PRIVATE = new FederatedRun.Result("static", "activity", true, 0.9153, 2.9999,
            2.61, 2.491, 0.15, 100, 31.7, List.of(50, 100), List.of(0.88, 0.9153));
    static final FederatedRun.Result PLAIN = new FederatedRun.Result("static", "uniform", false, 0.9712,
            Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0.1, 100, 24.2, List.of(100), List.of(0.9712));

    @Test
    void tableHasOneRowPerRunAndJsonTheCurves() {
        FederatedConfig c = FederatedConfigTest.config(1000, 100, 1.5, List.of("activity"));
        FederatedReport r = new FederatedReport(c, List.of(PRIVATE, PLAIN), 60);
        String t = r.table();
        assertTrue(t.contains("static     activity             91.53 %     3.000    2.4910    0.1500     100    31.7 s"), t);
        assertTrue(t.contains("static     uniform, non-DP      97.12 %       inf    0.0000         -     100    24.2 s"), t);
        String j = r.json();
        assertTrue(j.contains("\"curve\":[[50,0.88],[100,0.9153]]"), j);
        assertTrue(j.contains("\"private\":false,\"accuracy\":0.9712,\"epsilon\":null"), j);
        assertTrue(j.contains("\"accounted_rate\":null"), j);
        assertTrue(j.endsWith("}}\n"), j);
    }
}
