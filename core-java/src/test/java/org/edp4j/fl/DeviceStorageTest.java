package org.edp4j.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DeviceStorageTest {
    /** After every arrival: at most K held, and they are the newest min(K, received) in arrival order (a deque reference). */
    @Property(tries = 300)
    void neverHoldsMoreThanCapacityAndDeletesTheOldest(@ForAll @IntRange(min = 1, max = 12) int capacity,
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1000) Integer> stream) {
        DeviceStorage s = new DeviceStorage(capacity);
        ArrayDeque<Integer> reference = new ArrayDeque<>();
        int[] dst = new int[capacity];
        for (int e : stream) {
            s.receive(e);
            reference.addLast(e);
            if (reference.size() > capacity) {
                reference.removeFirst();
            }
            assertTrue(s.size() <= capacity);
            int n = s.copyTo(dst);
            assertEquals(reference.size(), n);
            assertArrayEquals(reference.stream().mapToInt(Integer::intValue).toArray(), java.util.Arrays.copyOf(dst, n));
        }
        assertEquals(stream.size(), s.received());
    }

    @Test
    void oldestGoesFirst() {
        DeviceStorage s = new DeviceStorage(3);
        for (int e = 10; e < 15; e++) {
            s.receive(e);
        }
        int[] dst = new int[3];
        assertEquals(3, s.copyTo(dst));
        assertArrayEquals(new int[] {12, 13, 14}, dst, "10 and 11 were deleted, oldest first");
        assertEquals("storage capacity must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new DeviceStorage(0)).getMessage());
    }
}
