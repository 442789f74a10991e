package org.edp4j.cli.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.edp4j.cli.train.Checkpoint.CheckpointException;

/**
 * Exclusive use of a checkpoint directory for one run: an operating-system lock
 * ({@link FileChannel#tryLock()}) on {@code DIR/checkpoint.edp.lock}, held until {@link #close()}.
 * Two processes training into one directory would overwrite each other's checkpoints and could
 * both resume from the same one: the same noise and batches used for two different models. The
 * lock is released by the operating system when the process dies, even by {@code kill -9}; the
 * empty lock file stays.
 *
 * <p>Once the lock is held, a stale {@code checkpoint.edp.tmp} (a write cut short by a kill; it may
 * hold the secret noise key) is deleted.
 */
final class CheckpointLock implements AutoCloseable {

    /** The lock file's name inside the directory. */
    static final String FILE = Checkpoint.FILE + ".lock";

    /**
     * Directories locked by this process. Checked before the file is opened: on Linux, closing any
     * channel of a locked file drops every lock this process holds on it.
     */
    private static final Set<Path> HELD = new HashSet<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private CheckpointLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created owner-only when missing) and removes a stale temporary checkpoint.
     *
     * @throws CheckpointException when another process (or another run of this one) holds the lock,
     *     or the directory or lock file cannot be created
     */
    static CheckpointLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        Path key = dir.toAbsolutePath().normalize();
        synchronized (HELD) {
            if (!HELD.add(key)) {
                throw inUse(dir, file);
            }
        }
        FileChannel ch = null;
        try {
            Checkpoint.createPrivateDirectory(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // the same directory under another name, locked by this process
            }
            if (l == null) {
                throw inUse(dir, file);
            }
            Files.deleteIfExists(dir.resolve(Checkpoint.FILE + ".tmp"));
            return new CheckpointLock(key, ch, l);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            synchronized (HELD) {
                HELD.remove(key);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new CheckpointException("cannot lock checkpoint directory " + dir + ": " + e.getMessage());
        }
    }

    private static CheckpointException inUse(Path dir, Path file) {
        return new CheckpointException("checkpoint directory " + dir + " is in use by another edp train run (it "
                + "holds the lock " + file + "); wait until that run ends, or use another --checkpoint directory");
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was locked
            }
        }
    }

    /** Releases the lock (the lock file stays). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        synchronized (HELD) {
            HELD.remove(key);
        }
    }
}
