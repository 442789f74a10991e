package org.edp4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.edp4j.io.ChecksummedFile;

/**
 * The files a command writes ({@code --json}, {@code --plot}, {@code --checkpoint}): checked before
 * any work starts, so a run never fails at its end for want of a writable path, and written
 * atomically, so a failure never leaves a half-written file.
 *
 * <p>A check creates nothing that stays: it may create and at once delete an empty probe file in
 * the target directory, because only an attempt tells whether a file can be created there (the
 * permission bits do not bind root, and a read-only file system or a full quota shows only then).
 * Missing parent directories are not created: a typo in a path is an error, not a new directory.
 */
public final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * Checks that {@code file} can be created, or replaced, as a regular file.
     *
     * @param option the option that named it, e.g. {@code --json}, for the message
     * @throws IllegalArgumentException with one line {@code "<option> <file>: <why>"}: the name is
     *     empty, it is a directory, its directory is missing or not a directory, or no file can be
     *     created there (permission denied, read-only file system, ...)
     */
    public static void checkFile(String option, Path file) {
        if (file.toString().isEmpty()) {
            throw new IllegalArgumentException(option + " must name a file, got ''");
        }
        if (Files.isDirectory(file)) {
            throw bad(option, file, "is a directory");
        }
        checkCanCreateIn(option, file, parent(file));
    }

    /**
     * Checks that {@code dir} is a directory that files can be created in, or can be created
     * itself (its parent exists).
     *
     * @throws IllegalArgumentException with one line {@code "<option> <dir>: <why>"}: the name is
     *     empty, it is not a directory, its parent is missing, or no file can be created there
     */
    public static void checkDirectory(String option, Path dir) {
        if (dir.toString().isEmpty()) {
            throw new IllegalArgumentException(option + " must name a directory, got ''");
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw bad(option, dir, "is a file, not a directory");
            }
            checkCanCreateIn(option, dir, dir);
        } else {
            checkCanCreateIn(option, dir, parent(dir));
        }
    }

    /**
     * Writes {@code bytes} to {@code file} atomically ({@link ChecksummedFile#writeAtomically}: to
     * {@code file.tmp} beside it, forced to disk, then moved over it).
     *
     * @throws IOException with a one-line message naming the option, the file and why; {@code file}
     *     is left as it was
     */
    public static void write(String option, Path file, byte[] bytes) throws IOException {
        try {
            ChecksummedFile.writeAtomically(file, bytes, false);
        } catch (IOException e) {
            throw new IOException("cannot write " + option + " " + file + ": " + why(e), e);
        }
    }

    private static Path parent(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        return parent != null ? parent : p.toAbsolutePath();
    }

    private static void checkCanCreateIn(String option, Path target, Path dir) {
        if (!Files.exists(dir)) {
            throw bad(option, target, "directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw bad(option, target, dir + " is not a directory");
        }
        try {
            Files.delete(Files.createTempFile(dir, ".edp-", ".probe"));
        } catch (IOException e) {
            throw bad(option, target, "cannot create files in " + dir + " (" + why(e) + ")");
        }
    }

    /** The reason of an I/O failure in a few words, without the exception's class name. */
    static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static IllegalArgumentException bad(String option, Path p, String why) {
        return new IllegalArgumentException(option + " " + p + ": " + why);
    }
}
