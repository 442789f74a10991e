package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void oneEpochPrintsAccuracyEpsilonAndTheBlockTimedRatio() {
        EdpRun o = EdpRun.runCapturingSystemOut("demo", "--epochs", "2", "--backend", "cpu");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("test accuracy") && o.out().contains("epsilon (RDP"), o.out());
        assertTrue(o.out().contains("private / non-private time"), o.out());
        assertTrue(o.out().contains("blocks of " + DemoCommand.BLOCK), o.out());
    }

    @Test
    void unusableCudaSaysWhyAndBadNamesAreBadOptions() {
        EdpRun cuda = EdpRun.runCapturingSystemOut("demo", "--backend", "cuda");
        assertEquals(1, cuda.code(), cuda.err());
        assertTrue(cuda.err().startsWith("edp demo: error: --backend cuda: backend 'cuda' is not usable here: it is "
                + "not on the class path"), cuda.err());
        EdpRun tpu = EdpRun.runCapturingSystemOut("demo", "--backend", "tpu");
        assertEquals(2, tpu.code(), tpu.err());
        assertEquals("edp demo: --backend must be auto, cpu or cuda, got 'tpu'", tpu.err().strip());
    }
}
