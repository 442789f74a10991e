package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {

    private static String why(Runnable check) {
        return assertThrows(IllegalArgumentException.class, check::run).getMessage();
    }

    @Test
    void filesThatCannotBeWrittenAreNamedWithTheReason(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertEquals("--json must name a file, got ''", why(() -> OutputFiles.checkFile("--json", Path.of(""))));
        assertEquals("--json " + dir + ": is a directory", why(() -> OutputFiles.checkFile("--json", dir)));
        assertEquals("--json " + dir.resolve("a/b.json") + ": directory " + dir.resolve("a") + " does not exist",
                why(() -> OutputFiles.checkFile("--json", dir.resolve("a/b.json"))));
        assertEquals("--json " + file.resolve("b.json") + ": " + file + " is not a directory",
                why(() -> OutputFiles.checkFile("--json", file.resolve("b.json"))));
        OutputFiles.checkFile("--json", file); // replacing is fine
        OutputFiles.checkFile("--json", dir.resolve("new.json"));
        assertEquals(List.of(file), Files.list(dir).toList(), "checks leave nothing behind");
    }

    @Test
    void directories(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertEquals("--checkpoint must name a directory, got ''",
                why(() -> OutputFiles.checkDirectory("--checkpoint", Path.of(""))));
        assertEquals("--checkpoint " + file + ": is a file, not a directory",
                why(() -> OutputFiles.checkDirectory("--checkpoint", file)));
        assertEquals("--checkpoint " + dir.resolve("a/b") + ": directory " + dir.resolve("a") + " does not exist",
                why(() -> OutputFiles.checkDirectory("--checkpoint", dir.resolve("a/b"))));
        OutputFiles.checkDirectory("--checkpoint", dir);
        OutputFiles.checkDirectory("--checkpoint", dir.resolve("new"));
        assertEquals(List.of(file), Files.list(dir).toList());
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("r.json");
        OutputFiles.write("--json", f, new byte[] {1, 2});
        OutputFiles.write("--json", f, new byte[] {3});
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(f));
        assertEquals(List.of(f), Files.list(dir).toList());
        IOException e = assertThrows(IOException.class, () -> OutputFiles.write("--json", dir.resolve("no/r.json"),
                new byte[] {1}));
        assertEquals("cannot write --json " + dir.resolve("no/r.json") + ": no such file or directory", e.getMessage());
    }
}
