package org.edp4j.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edp4j.cli.EdpRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {

    @Test
    void badArgumentsExitWithCode2AndOneLine() {
        String[][] bad = {
            {"audit", "--epsilons", "inf,0"},
            {"audit", "--epsilons", "abc"},
            {"audit", "--epsilons", "-1"},
            {"audit", "--dataset", "mnist"},
            {"audit", "--canaries", "-1"},
            {"audit", "--canary-repeats", "0"},
            {"audit", "--references", "0"},
            {"audit", "--alpha", "1"},
            {"audit", "--max-train", "4"},
            {"audit", "--batch-size", "5000"},
            {"audit", "--plot", "leak.jpg"},
            {"audit", "--backend", "tpu"},
            {"audit", "--canaries", "3000", "--canary-repeats", "1,2"},
        };
        for (String[] args : bad) {
            EdpRun r = EdpRun.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("edp audit: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    /** Messages that name the right option and the limit, before any work. */
    @Test
    void badArgumentsNameTheRightOption(@TempDir Path dir) {
        String[][] cases = {
            {"--max-train 5", "edp audit: --max-train must be >= 8 for an audit, got 5"},
            {"--max-train 100", "edp audit: --max-train 100 is smaller than the default --batch-size 1024: give "
                + "--batch-size B with B <= 100"},
            {"--canary-repeats 100000000", "edp audit: the training set with 1000000000 canary copies (--canaries 10 x "
                + "the sum of --canary-repeats) in rows of --max-len tokens = 1000004717 x 256 = 256001207552 values, "
                + "over the limit of 2147483647 (2^31 - 1) values per tensor"},
            {"--json " + dir, "edp audit: --json " + dir + ": is a directory"},
            {"--plot " + dir.resolve("no/leak.png"), "edp audit: --plot " + dir.resolve("no/leak.png")
                + ": directory " + dir.resolve("no") + " does not exist"},
        };
        for (String[] c : cases) {
            String[] args = ("audit " + c[0]).split(" ");
            EdpRun r = EdpRun.run(args);
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertEquals(c[1], r.err().strip());
            assertEquals("", r.out());
        }
    }

    /** The help prints without picocli's format warnings (an unescaped % in --alpha's description did). */
    @Test
    void helpPrintsNoWarnings() {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EdpRun r;
        try {
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            r = EdpRun.run("audit", "--help");
        } finally {
            System.setErr(old);
        }
        assertEquals(0, r.code());
        assertEquals("", bytes.toString(StandardCharsets.UTF_8) + r.err());
        assertTrue(r.out().contains("95%"), r.out());
    }

    @Test
    void unusableCudaSaysWhy() {
        EdpRun r = EdpRun.run("audit", "--backend", "cuda");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("edp audit: --backend cuda: backend 'cuda' is not usable here"), r.err());
    }

    @Test
    void smallAuditWritesTableJsonAndPlot(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("audit.json");
        Path png = dir.resolve("leak.png");
        EdpRun r = EdpRun.run("audit", "--epsilons", "inf,2", "--max-train", "200", "--epochs", "2", "--batch-size", "50",
                "--max-len", "32", "--canaries", "2", "--canary-repeats", "1,3", "--references", "1",
                "--insecure-seed-noise", "--backend", "cpu", "--json", json.toString(), "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("epsilon "), r.out());
        assertTrue(r.out().contains("exposure k=3"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("inf ")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("2.00 ")), r.out());
        assertTrue(!r.out().contains("WARNING"), r.out());
        String j = Files.readString(json);
        assertTrue(j.startsWith("{\"command\": \"audit\""), j);
        assertTrue(j.contains("\"violation\": false"), j);
        assertTrue(j.contains("\"attack\": \"lira\""), j);
        assertTrue(j.contains("\"lower_bound_exceeds_epsilon\": false"), j);
        assertTrue(Files.size(png) > 1000);
    }
}
