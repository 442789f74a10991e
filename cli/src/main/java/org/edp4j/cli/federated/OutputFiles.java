package org.edp4j.cli.federated;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Output files of a command: checked before any work (so a bad path costs nothing) and written
 * atomically (a temporary file in the same directory, then a rename), so a failure or a kill never
 * leaves a half-written file.
 */
final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Checks that {@code path} can be written: not a directory, its parent an existing, writable directory.
     *
     * @param option the option that named it, for the message
     * @throws IllegalArgumentException naming the option, the path and what is wrong
     */
    static void check(String option, Path path) {
        Path abs = path.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + path + " is a directory; give a file name");
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new IllegalArgumentException(option + " " + path + " exists and is not writable (permission denied)");
        }
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + path + ": the directory " + parent + " does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new IllegalArgumentException(option + " " + path + ": the directory " + parent
                    + " is not writable (permission denied)");
        }
    }

    /** Writes {@code bytes} to {@code path} atomically (replacing an existing file). */
    static void write(Path path, byte[] bytes) throws IOException {
        Path abs = path.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
