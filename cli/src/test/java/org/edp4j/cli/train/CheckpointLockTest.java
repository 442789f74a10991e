package org.edp4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edp4j.cli.train.Checkpoint.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock of a checkpoint directory, within one process and between two. */
class CheckpointLockTest {

    @Test
    void secondLockInTheSameProcessIsRefusedUntilTheFirstCloses(@TempDir Path dir) {
        Path ck = dir.resolve("ck");
        try (CheckpointLock first = CheckpointLock.acquire(ck)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointLock.acquire(ck));
            assertEquals("checkpoint directory " + ck + " is in use by another edp train run (it holds the lock "
                    + ck.resolve(CheckpointLock.FILE) + "); wait until that run ends, or use another --checkpoint "
                    + "directory", e.getMessage());
            // The same directory under another name is the same lock.
            assertThrows(CheckpointException.class, () -> CheckpointLock.acquire(ck.resolve("../ck")));
        }
        CheckpointLock.acquire(ck).close();
    }

    /** Another process holding the directory (here a second JVM) makes a run fail with the message; then it is free. */
    @Test
    void anotherProcessHoldingTheDirectoryIsDetected(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("ck");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), ck.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointLock.acquire(ck));
            assertTrue(e.getMessage().contains("is in use by another edp train run"), e.getMessage());
        } finally {
            holder.getOutputStream().close(); // the holder exits when its standard input ends
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        CheckpointLock.acquire(ck).close();
        assertEquals(List.of(ck.resolve(CheckpointLock.FILE)), Files.list(ck).toList(), "only the empty lock file");
    }

    /** Holds the lock of the directory given as argument until its standard input ends. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (CheckpointLock lock = CheckpointLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait
                }
            }
        }
    }
}
