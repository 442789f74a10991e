package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Backend names: cpu always works; a device backend that is not here says why; a typo is a bad argument. */
class BackendsTest {

    @Test
    void cpuByName() {
        assertSame(CpuBackend.instance(), Backends.byName("cpu"));
    }

    @Test
    void unknownNameIsABadArgumentListingTheNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("tpu"));
        assertEquals("unknown backend 'tpu', expected auto, cpu or cuda", e.getMessage());
    }

    /** core alone has no CUDA module: asking for it names the reason, not "unknown backend". */
    @Test
    void cudaWithoutItsModuleSaysWhy() {
        assumeTrue(ServiceLoader.load(BackendProvider.class).stream().noneMatch(p -> p.get().name().equals("cuda")),
                "the CUDA module is on the class path");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.byName("cuda"));
        assertTrue(e.getMessage().startsWith("backend 'cuda' is not usable here: it is not on the class path"),
                e.getMessage());
    }
}
