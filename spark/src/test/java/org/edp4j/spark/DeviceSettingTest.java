package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.edp4j.fl.ContinualPopulation;
import org.edp4j.fl.Partition;
import org.junit.jupiter.api.Test;

class DeviceSettingTest {

    /** The continual setting holds, round by round, exactly what ContinualPopulation's storage holds. */
    @Test
    void continualHoldsWhatTheLocalStorageHolds() {
        int[][] streams = new int[12][];
        for (int d = 0; d < streams.length; d++) {
            streams[d] = new int[d * 3];
            for (int k = 0; k < streams[d].length; k++) {
                streams[d][k] = 100 * d + k;
            }
        }
        Partition p = Partition.of(streams);
        ContinualPopulation local = new ContinualPopulation(p, 4, 5);
        DeviceSetting s = DeviceSetting.continual(4, 5);
        int[] dst = new int[local.maxHeld()];
        for (int t = 0; t < 8; t++) {
            local.beginRound(t);
            for (int d = 0; d < streams.length; d++) {
                int n = local.held(d, dst);
                int len = streams[d].length;
                assertEquals(n, s.heldCount(len, t), "device " + d + " round " + t);
                int from = s.firstHeld(len, t);
                for (int k = 0; k < n; k++) {
                    assertEquals(dst[k], streams[d][from + k]);
                }
                assertEquals(from + n, s.endHeld(len, t));
            }
        }
        assertEquals(4, s.maxHeld(33));
    }

    @Test
    void staticHoldsEverythingAndRangesAreChecked() {
        assertEquals(7, DeviceSetting.STATIC.heldCount(7, 0));
        assertEquals(0, DeviceSetting.STATIC.firstHeld(7, 99));
        assertEquals(33, DeviceSetting.STATIC.maxHeld(33));
        assertEquals("storage capacity must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> DeviceSetting.continual(0, 3)).getMessage());
        assertEquals("delivery rounds must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> DeviceSetting.continual(2, 0)).getMessage());
    }
}
