package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny run end to end through the library: spent epsilon at the target, curve as asked, listener told. */
class FederatedRunTest {
    @Test
    void privateRunSpendsItsTargetAndNonPrivateIsInfinite() {
        FederatedConfig c = new FederatedConfig(FederatedInput.BUNDLED, 30, PartitionSpec.parse("dirichlet:0.5"), List.of("activity"),
                List.of("continual"), 6, 2, 5, 1, 4, 1.0, 3, "sgd", 1.0, 1.0, "per-layer", 4, 1e-5, 200, 16, 8, 8, 2,
                3, true, 200, 2, true);
        FederatedRun.Data data = FederatedRun.prepare(c);
        assertEquals(200, data.train().size());
        assertEquals(30, data.partition().deviceCount());
        assertEquals(200, data.partition().totalExamples());
        List<String> events = new ArrayList<>();
        FederatedRun.Listener l = new FederatedRun.Listener() {
            @Override
            public void start(String label, int rounds, double sigma) {
                events.add("start " + label);
            }

            @Override
            public void round(int round, double accuracy, double epsilon) {
                events.add(round + (Double.isNaN(accuracy) ? "" : " evaluated"));
            }
        };
        FederatedRun.Result r = FederatedRun.run(c, data, "continual", "activity", true, l);
        assertEquals(List.of("start continual, activity", "1", "2 evaluated", "3", "4 evaluated", "5 evaluated"), events);
        assertEquals(List.of(2, 4, 5), r.evaluatedRounds());
        assertTrue(r.epsilon() <= 4 && r.epsilon() > 3.9, "spent " + r.epsilon());
        assertTrue(r.epsilonPrv() <= r.epsilon(), "PRV is the tighter bound");
        assertEquals(0.4, r.accountedRate(), 1e-15, "the cap: 2 x 6/30");
        FederatedRun.Result plain = FederatedRun.run(c, data, "static", "uniform", false, new FederatedRun.Listener() {
        });
        assertEquals(Double.POSITIVE_INFINITY, plain.epsilon());
        assertEquals(0, plain.sigma());
    }
}
