package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What every subcommand shares: out of memory is one line with the heap advice and exit code 1. */
class EdpTest {

    @Command(name = "oom")
    static final class OutOfMemory implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void outOfMemoryIsOneLineWithTheHeapAdvice() {
        CommandLine cl = Edp.newCommandLine();
        cl.addSubcommand("oom", new OutOfMemory());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.getSubcommands().get("oom").setErr(new PrintWriter(err, true));
        assertEquals(1, cl.execute("oom"));
        String line = err.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("edp oom: error: out of memory (the Java heap is limited to "), line);
        assertTrue(line.contains("java -Xmx8g -jar edp.jar"), line);
    }

    @Test
    void outOfMemoryInTrainingIsCaughtToo() {
        // 2,000 x 1,000,000 embedding weights (2,000 hashed ids) fit an int, but not the heap (8 GB of floats).
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < 7L << 30,
                "the heap could hold the table");
        CommandLine cl = Edp.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute("train", "--batch-size", "50", "--max-len", "8", "--vocabulary", "hashed:2000",
                "--dim", "1000000", "--hidden", "1", "--no-progress", "--backend", "cpu", "--epochs", "1",
                "--no-compare-nondp");
        assertEquals(1, code, err.toString());
        String last = err.toString().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("edp train: error: out of memory"), err.toString());
    }
}
