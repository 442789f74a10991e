package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.edp4j.dp.Clipping;
import org.edp4j.dp.ClippingMode;
import org.edp4j.dp.NonFinitePolicy;
import org.junit.jupiter.api.Test;

class RoundTaskTest {
    static final ModelVector V = ModelVector.wrap(new float[][] {{1f}});

    @Test
    void devicesAreCopiedAndMustAscend() {
        int[] d = {1, 4, 9};
        RoundTask t = new RoundTask(0, Clipping.flat(1), 1, V, d, NonFinitePolicy.THROW);
        d[0] = 7;
        assertArrayEquals(new int[] {1, 4, 9}, t.devices());
        t.devices()[0] = 5;
        assertArrayEquals(new int[] {1, 4, 9}, t.devices());
        assertEquals("devices must be distinct and ascending, got 4 before 4", assertThrows(
                IllegalArgumentException.class,
                () -> new RoundTask(0, Clipping.flat(1), 1, V, new int[] {1, 4, 4}, NonFinitePolicy.THROW)).getMessage());
        assertEquals("clip norm must be > 0 and finite, got 0.0", assertThrows(IllegalArgumentException.class,
                () -> new RoundTask(0, Clipping.flat(1), 0, V, new int[] {1, 4, 9}, NonFinitePolicy.THROW)).getMessage());
    }

    @Test
    void adaptiveDevicesClipFlatAtTheRoundsBound() {
        RoundTask t = new RoundTask(3, Clipping.adaptive(1.0), 0.37, V, new int[0], NonFinitePolicy.THROW);
        assertEquals(ClippingMode.FLAT, t.deviceClipping().mode());
        assertEquals(0.37, t.deviceClipping().clipNorm());
        RoundTask p = new RoundTask(3, Clipping.perLayer(1.0), 1.0, V, new int[0], NonFinitePolicy.THROW);
        assertEquals(ClippingMode.PER_LAYER, p.deviceClipping().mode());
    }
}
