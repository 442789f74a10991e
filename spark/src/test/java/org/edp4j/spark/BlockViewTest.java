package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.edp4j.nn.Batch;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

class BlockViewTest {
    static final TokenRows CORPUS = SparkTests.randomRows(20, 9, 2, 3, 1);

    @Test
    void globalDevicesOfTheCurrentBlockInTheCurrentRound() {
        // Devices 5, 6, 7: streams of 3, 0 and 5 corpus rows.
        DeviceBlock b = new DeviceBlock(5, new int[] {0, 3, 3, 8}, new int[] {4, 0, 9, 1, 2, 3, 5, 6}, null);
        BlockView v = new BlockView(100, 2, DeviceSetting.continual(2, 4), 4);
        v.set(b, CORPUS, 0);
        int[] counts = v.heldCounts(new int[3]);
        assertArrayEquals(new int[] {1, 0, 2}, counts, "round 0 delivers ceil(L / 4), storage keeps 2");
        int[] dst = new int[2];
        assertEquals(2, v.held(7, dst));
        assertArrayEquals(new int[] {1, 2}, dst);
        v.set(b, CORPUS, 3);
        assertEquals(2, v.held(7, dst));
        assertArrayEquals(new int[] {5, 6}, dst, "the newest two of the whole stream");
        assertEquals(2, v.heldCount(5));
        assertEquals(100, v.deviceCount());
        assertEquals(2, v.maxHeld());
        assertEquals("device 8 is not in the block [5, 8)",
                assertThrows(IllegalArgumentException.class, () -> v.heldCount(8)).getMessage());
    }

    @Test
    void theLoaderReadsTheBlocksOwnRowsOrTheCorpus() {
        TokenRows own = SparkTests.randomRows(4, 9, 2, 3, 2);
        BlockView v = new BlockView(10, 4, DeviceSetting.STATIC, 2);
        try (Batch batch = Batch.tokens(CpuBackend.instance(), 2, 3, 2)) {
            v.set(new DeviceBlock(0, new int[] {0, 1}, new int[] {3}, own), CORPUS, 0);
            v.loader().load(batch, new int[] {3}, 0, 1);
            int[] t = batch.tokens().toArray();
            assertArrayEquals(new int[] {own.token(3, 0), own.token(3, 1), own.token(3, 2)}, Arrays.copyOf(t, 3));
            v.set(new DeviceBlock(0, new int[] {0, 1}, new int[] {3}, null), CORPUS, 0);
            v.loader().load(batch, new int[] {3}, 0, 1);
            t = batch.tokens().toArray();
            assertArrayEquals(new int[] {CORPUS.token(3, 0), CORPUS.token(3, 1), CORPUS.token(3, 2)},
                    Arrays.copyOf(t, 3));
        }
    }
}
