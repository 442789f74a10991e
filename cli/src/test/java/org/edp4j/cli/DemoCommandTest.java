package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

    record Outcome(int code, String out, String err) {
    }

    /** The demo prints with System.out; the command line's error stream gets the failures. */
    static Outcome run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            CommandLine cl = Edp.newCommandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Outcome(code, bytes.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void oneEpochPrintsAccuracyEpsilonAndTheBlockTimedRatio() {
        Outcome o = run("demo", "--epochs", "2", "--backend", "cpu");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("test accuracy") && o.out().contains("epsilon (RDP"), o.out());
        assertTrue(o.out().contains("private / non-private time"), o.out());
        assertTrue(o.out().contains("blocks of " + DemoCommand.BLOCK), o.out());
    }

    @Test
    void unusableCudaSaysWhyAndBadNamesAreBadOptions() {
        Outcome cuda = run("demo", "--backend", "cuda");
        assertEquals(1, cuda.code(), cuda.err());
        assertTrue(cuda.err().startsWith("edp demo: error: --backend cuda: backend 'cuda' is not usable here: it is "
                + "not on the class path"), cuda.err());
        Outcome tpu = run("demo", "--backend", "tpu");
        assertEquals(2, tpu.code(), tpu.err());
        assertEquals("edp demo: --backend must be auto, cpu or cuda, got 'tpu'", tpu.err().strip());
    }
}
