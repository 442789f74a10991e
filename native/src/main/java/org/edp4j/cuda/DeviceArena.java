package org.edp4j.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Device memory for one backend: a few large {@code cudaMalloc} chunks handed out by first fit
 * from an address-ordered free list, with neighbours coalesced on free. Allocation and free are
 * host bookkeeping only (no CUDA call), so a training step never calls {@code cudaMalloc}; the
 * arena grows only when {@link #grow} is called, outside steps.
 *
 * <p>Reusing freed memory is safe without synchronization because every kernel and copy of the
 * owning backend runs on its one stream, in order. Thread-safe ({@link java.lang.ref.Cleaner}
 * frees come from another thread).
 */
final class DeviceArena implements AutoCloseable {
    /** Every block starts on this boundary (cudaMalloc's own alignment; enough for float4 and double). */
    static final long ALIGN = 256;

    private final List<long[]> chunks = new ArrayList<>(); // {base, bytes}
    private final TreeMap<Long, Long> free = new TreeMap<>(); // address -> bytes
    private final Map<Long, Long> used = new HashMap<>(); // address -> bytes
    private long capacity;
    private long inUse;
    private boolean closed;

    DeviceArena(long bytes) {
        grow(bytes);
    }

    /** Adds a chunk of {@code bytes} (rounded up to {@link #ALIGN}) with one {@code cudaMalloc}. Not inside a step. */
    synchronized void grow(long bytes) {
        if (closed) {
            throw new IllegalStateException("the device arena is closed");
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("arena growth must be > 0 bytes, got " + bytes);
        }
        long size = roundUp(bytes);
        long[] out = new long[1];
        int s = CudaNative.edp4j_malloc(out, size);
        if (s != 0) {
            throw new CudaException("arena grow (cudaMalloc of " + size + " bytes)",
                    CudaNative.edp4j_error_name(s).getString(), s, null);
        }
        chunks.add(new long[] {out[0], size});
        insertFree(out[0], size);
        capacity += size;
    }

    /**
     * A block of at least {@code bytes}; 0 for {@code bytes == 0}.
     *
     * @throws CudaException (cudaErrorMemoryAllocation) when no free block is large enough
     */
    synchronized long alloc(long bytes) {
        if (closed) {
            throw new IllegalStateException("the device arena is closed");
        }
        if (bytes == 0) {
            return 0;
        }
        long size = roundUp(bytes);
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (e.getValue() >= size) {
                long addr = e.getKey();
                long rest = e.getValue() - size;
                free.remove(addr);
                if (rest > 0) {
                    free.put(addr + size, rest);
                }
                used.put(addr, size);
                inUse += size;
                return addr;
            }
        }
        throw new CudaException("arena alloc", "cudaErrorMemoryAllocation", 0,
                "out of device memory: requested " + size + " bytes, largest free block " + largestFree()
                        + " of an arena of " + capacity + " bytes (" + inUse + " in use); size the arena with "
                        + "-D" + CudaBackend.ARENA_PROPERTY + "=BYTES or CudaBackend.growArena outside a step");
    }

    /** Returns a block from {@link #alloc}; 0 and frees after {@link #close} are ignored. */
    synchronized void free(long addr) {
        if (addr == 0 || closed) {
            return;
        }
        Long size = used.remove(addr);
        if (size == null) {
            throw new IllegalStateException("device address 0x" + Long.toHexString(addr) + " was not allocated here");
        }
        inUse -= size;
        insertFree(addr, size);
    }

    private void insertFree(long addr, long size) {
        long[] chunk = chunkOf(addr);
        Map.Entry<Long, Long> next = free.ceilingEntry(addr);
        if (next != null && next.getKey() == addr + size && next.getKey() < chunk[0] + chunk[1]) {
            free.remove(next.getKey());
            size += next.getValue();
        }
        Map.Entry<Long, Long> prev = free.floorEntry(addr - 1);
        if (prev != null && prev.getKey() + prev.getValue() == addr && prev.getKey() >= chunk[0]) {
            addr = prev.getKey();
            size += prev.getValue();
        }
        free.put(addr, size);
    }

    private long[] chunkOf(long addr) {
        for (long[] c : chunks) {
            if (addr >= c[0] && addr < c[0] + c[1]) {
                return c;
            }
        }
        throw new IllegalStateException("device address 0x" + Long.toHexString(addr) + " is outside the arena");
    }

    synchronized long capacity() {
        return capacity;
    }

    synchronized long inUse() {
        return inUse;
    }

    synchronized long largestFree() {
        long m = 0;
        for (long v : free.values()) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** Frees every chunk (call after the stream is idle). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (long[] c : chunks) {
            CudaNative.edp4j_free(c[0]);
        }
        chunks.clear();
        free.clear();
        used.clear();
    }

    static long roundUp(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }
}
