package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    @Test
    void checkSaysWhatIsWrongWithThePath(@TempDir Path dir) throws Exception {
        assertDoesNotThrow(() -> OutputFiles.check("--json", dir.resolve("new.json")));
        assertEquals("--json " + dir + " is a directory; give a file name",
                assertThrows(IllegalArgumentException.class, () -> OutputFiles.check("--json", dir)).getMessage());
        Path missing = dir.resolve("a/b.json");
        assertEquals("--plot " + missing + ": the directory " + dir.resolve("a") + " does not exist",
                assertThrows(IllegalArgumentException.class, () -> OutputFiles.check("--plot", missing)).getMessage());
        Path ro = Files.createDirectory(dir.resolve("ro"));
        if (ro.toFile().setWritable(false) && !Files.isWritable(ro)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputFiles.check("--json", ro.resolve("x.json")));
            assertTrue(e.getMessage().endsWith("is not writable (permission denied)"), e.getMessage());
        }
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.json");
        OutputFiles.write(f, new byte[] {1, 2});
        OutputFiles.write(f, new byte[] {3});
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
