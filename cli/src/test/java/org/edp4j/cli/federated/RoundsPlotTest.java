package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsPlotTest {
    @Test
    void rendersAPng() throws Exception {
        FederatedConfig c = FederatedConfigTest.config(1000, 100, 1.5, List.of("activity"));
        byte[] png = RoundsPlot.render(c, List.of(FederatedReportTest.PRIVATE, FederatedReportTest.PLAIN));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, Arrays.copyOf(png, 8));
        assertTrue(png.length > 5000, "a real picture: " + png.length + " bytes");
    }
}
