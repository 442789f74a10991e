package org.edp4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The trail that names the candidates of an asynchronous CUDA fault (no GPU needed). */
class OpTrailTest {

    @Test
    void namesTheOperationsQueuedSinceTheLastSynchronization() {
        OpTrail t = new OpTrail();
        t.queued("gemm");
        t.cleared();
        t.queued("clipFactors");
        t.queued("embeddingScatterAddScaled");
        assertEquals(List.of("clipFactors", "embeddingScatterAddScaled"), t.pending());
        assertEquals("asynchronous fault in this call or in one of the 2 operations queued since the last "
                + "synchronization (oldest first): clipFactors, embeddingScatterAddScaled; rerun with "
                + "-Dedp4j.cuda.syncEachOp=true to stop at the faulting one", t.describe());
    }

    @Test
    void keepsTheLastSixteenAndCountsTheRest() {
        OpTrail t = new OpTrail();
        for (int i = 0; i < 20; i++) {
            t.queued("op" + i);
        }
        List<String> p = t.pending();
        assertEquals(OpTrail.CAPACITY, p.size());
        assertEquals("op4", p.get(0));
        assertEquals("op19", p.get(15));
        assertTrue(t.describe().contains("one of the 20 operations queued since the last synchronization (oldest "
                + "first): ... 4 more, op4, op5,"), t.describe());
    }

    @Test
    void nothingQueuedMeansTheFaultIsTheCallsOwn() {
        OpTrail t = new OpTrail();
        assertEquals(List.of(), t.pending());
        assertTrue(t.describe().startsWith("no operation was queued"), t.describe());
    }

    @Test
    void theExceptionCarriesTheTrail() {
        OpTrail t = new OpTrail();
        t.queued("attention");
        CudaException e = new CudaException("stream synchronize", "cudaErrorIllegalAddress", 700, t.describe());
        assertEquals("stream synchronize", e.op());
        assertTrue(e.getMessage().startsWith("stream synchronize failed: cudaErrorIllegalAddress (700): asynchronous "
                + "fault in this call or in one of the 1 operations queued"), e.getMessage());
        assertTrue(e.getMessage().contains("attention"), e.getMessage());
    }
}
