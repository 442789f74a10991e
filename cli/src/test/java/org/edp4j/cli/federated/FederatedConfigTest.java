package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FederatedConfigTest {
    static FederatedConfig config(int devices, int k, double cap, List<String> selections) {
        return new FederatedConfig(FederatedInput.BUNDLED, devices, PartitionSpec.parse("iid"), selections, List.of("static"), k, cap, 10, 1, 4,
                1.0, 8, "adam", 0.1, 1.0, "flat", 3, 1e-5, 100, 16, 8, 8, 1, 1, true, 100, 1, false);
    }

    @Test
    void capIsAMultipleOfTheUniformRateAtMostOne() {
        assertEquals(0.15, config(1000, 100, 1.5, List.of("activity")).capProbability(), 1e-15);
        assertEquals(1.0, config(10, 5, 2, List.of("activity")).capProbability(), 0);
        assertEquals("--activity-cap must be in [1, 2] (a multiple of clients-per-round / devices, at most "
                + "probability 1), got 3.0", assertThrows(IllegalArgumentException.class,
                        () -> config(10, 5, 3, List.of("activity"))).getMessage());
        assertEquals("--selection needs at least one of uniform,activity",
                assertThrows(IllegalArgumentException.class, () -> config(10, 5, 1, List.of())).getMessage());
    }

    @Test
    void trainSizeIsCappedByTheCorpusAndTheMapNamesTheOptions() {
        FederatedConfig c = config(10, 5, 1, List.of("uniform"));
        assertEquals(100, c.trainSize());
        assertEquals("10", c.toMap().get("devices"));
        assertEquals("iid", c.toMap().get("partition"));
        assertEquals(28, c.toMap().size(), "every field but compare-nondp (a choice of runs, not of one run); "
                + "the file options only with a file");
        assertEquals(7, c.withDevices(7).devices());
    }
}
