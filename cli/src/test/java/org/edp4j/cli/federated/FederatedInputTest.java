package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FederatedInputTest {
    @Test
    void fileOptionsNeedAFileAndDistinctColumns() {
        assertTrue(FederatedInput.BUNDLED.bundled());
        FederatedInput f = new FederatedInput("a.csv", "", 0.2, "text", "label", "user");
        assertTrue(f.byDevice() && !f.bundled());
        assertEquals("--device-column needs --train (the bundled corpus names no devices)", assertThrows(
                IllegalArgumentException.class, () -> new FederatedInput("", "", 0.2, "text", "label", "user"))
                .getMessage());
        assertEquals("--test needs --train (the bundled corpus has its own test split)", assertThrows(
                IllegalArgumentException.class, () -> new FederatedInput("", "t.csv", 0.2, "text", "label", ""))
                .getMessage());
        assertEquals("--device-column must differ from --text-column and --label-column", assertThrows(
                IllegalArgumentException.class, () -> new FederatedInput("a.csv", "", 0.2, "text", "label", "label"))
                .getMessage());
        assertEquals("--test-fraction must be in (0, 1), got 1.0", assertThrows(IllegalArgumentException.class,
                () -> new FederatedInput("a.csv", "", 1, "text", "label", "")).getMessage());
    }
}
