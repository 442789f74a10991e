package org.edp4j.cli.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.edp4j.io.ChecksummedFile;

/**
 * The state of a private training run after a whole epoch, in one file {@code DIR/checkpoint.edp}.
 *
 * <h2>Format (version 1, an {@link ChecksummedFile}: big-endian, SHA-256 at the end)</h2>
 * <pre>
 * bytes[8]  magic "EDP4JCKP"
 * int       format version (1)
 * text      configuration, "key=value" lines ({@link TrainConfig#toMap()})
 * text      progress, "key=value" lines (epochs done, steps taken = next noise nonce, clip bound, sigma_0, timings)
 * text      vocabulary, one token per line, index = id
 * bool      noise key derived from --seed (insecure) or secret
 * int[8]    the ChaCha20 noise key (SECRET: whoever holds it can subtract the noise)
 * text      accountant state ({@link org.edp4j.privacy.PrivacyAccountant#saveState()})
 * int n; n x (text name, int length, float[length])   model parameters, in model order
 * int m; m x (int length, float[length])               optimizer state tensors, in optimizer order
 * bytes[32] SHA-256 of every byte above
 * </pre>
 * where {@code text} is an int byte count and UTF-8 bytes.
 *
 * <p>Writes are atomic ({@link ChecksummedFile#writeAtomically}): the bytes go to
 * {@code checkpoint.edp.tmp} (created owner-read/write only where the file system is POSIX), are
 * forced to disk, then moved over {@code checkpoint.edp} with {@code ATOMIC_MOVE}; a kill at any
 * moment leaves either the previous or the new checkpoint. Reads verify the magic, the checksum and
 * the version and refuse anything else.
 *
 * @param config the run's configuration
 * @param progress position and timings of the run
 * @param vocabulary the tokens, index = id
 * @param insecureNoise whether the key was derived from the seed
 * @param noiseKey 8 words
 * @param accountantState the accountant's saved state
 * @param parameterNames names of the model parameters, in order
 * @param parameters their values
 * @param optimizerState the optimizer's state tensors, in order
 */
public record Checkpoint(TrainConfig config, Map<String, String> progress, List<String> vocabulary,
        boolean insecureNoise, int[] noiseKey, String accountantState, List<String> parameterNames,
        List<float[]> parameters, List<float[]> optimizerState) {

    /** The checkpoint file's name inside the directory. */
    public static final String FILE = "checkpoint.edp";
    private static final byte[] MAGIC = "EDP4JCKP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** The checkpoint file of {@code dir}. */
    public static Path file(Path dir) {
        return dir.resolve(FILE);
    }

    /**
     * Writes this checkpoint atomically into {@code dir} (created owner-only if missing).
     *
     * @throws UncheckedIOException when the directory or file cannot be written
     */
    public void save(Path dir) {
        byte[] bytes = encode();
        try {
            createPrivateDirectory(dir);
            ChecksummedFile.writeAtomically(file(dir), bytes, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file(dir) + ": " + e.getMessage(), e);
        }
    }

    /** Creates {@code dir} (and missing parents) owner-only where the file system is POSIX; nothing when it exists. */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (ChecksummedFile.posix(dir.toAbsolutePath().getParent() == null ? dir : dir.toAbsolutePath().getParent())) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * A whole number of the progress section.
     *
     * @throws CheckpointException naming the key when it is missing or not a number
     */
    public long progressLong(String key) {
        return progressLong(progress, key, "checkpoint");
    }

    /** As {@link #progressLong} for a floating-point value. */
    public double progressDouble(String key) {
        return progressDouble(progress, key, "checkpoint");
    }

    /**
     * A comma-separated list of whole numbers of the progress section; empty when the key is absent.
     *
     * @throws CheckpointException naming the key when an entry is not a number
     */
    public List<Long> progressLongs(String key) {
        return progressLongs(progress, key, "checkpoint");
    }

    private static long progressLong(Map<String, String> progress, String key, String where) {
        return progressNumber(progress, key, where, Long::parseLong);
    }

    private static double progressDouble(Map<String, String> progress, String key, String where) {
        return progressNumber(progress, key, where, Double::parseDouble);
    }

    private static <T> T progressNumber(Map<String, String> progress, String key, String where,
            Function<String, T> parse) {
        String v = progressValue(progress, key, where);
        try {
            return parse.apply(v);
        } catch (NumberFormatException e) {
            throw malformedProgress(key, v, where);
        }
    }

    private static List<Long> progressLongs(Map<String, String> progress, String key, String where) {
        List<Long> out = new ArrayList<>();
        for (String x : progress.getOrDefault(key, "").split(",")) {
            if (!x.isEmpty()) {
                try {
                    out.add(Long.parseLong(x));
                } catch (NumberFormatException e) {
                    throw malformedProgress(key, x, where);
                }
            }
        }
        return out;
    }

    private static String progressValue(Map<String, String> progress, String key, String where) {
        String v = progress.get(key);
        if (v == null) {
            throw new CheckpointException(where + " is malformed: its progress lacks '" + key + "'; delete it to "
                    + "start afresh (which spends a new privacy budget)");
        }
        return v;
    }

    private static CheckpointException malformedProgress(String key, String value, String where) {
        return new CheckpointException(where + " is malformed: progress '" + key + "' is '" + value
                + "', not a number; delete it to start afresh (which spends a new privacy budget)");
    }

    /** Progress keys every checkpoint holds: whole numbers, then floating-point ones. */
    private static final List<String> WHOLE_PROGRESS = List.of("epochs-done", "steps", "train-nanos");
    private static final List<String> REAL_PROGRESS = List.of("clip-norm", "sigma0");

    private static void checkProgress(Map<String, String> progress, Path f) {
        String where = "checkpoint " + f;
        WHOLE_PROGRESS.forEach(key -> progressLong(progress, key, where));
        REAL_PROGRESS.forEach(key -> progressDouble(progress, key, where));
        progressLongs(progress, "step-nanos", where);
    }

    /**
     * Reads the checkpoint of {@code dir}, or empty when there is none.
     *
     * @throws CheckpointException when the file exists but is truncated, corrupt (checksum) or of
     *     another format
     */
    public static Optional<Checkpoint> load(Path dir) {
        Path f = file(dir);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + f + ": " + e.getMessage());
        }
        return Optional.of(decode(bytes, f));
    }

    byte[] encode() {
        if (noiseKey.length != 8) {
            throw new IllegalArgumentException("noise key must have 8 words, got " + noiseKey.length);
        }
        ChecksummedFile.Writer w = new ChecksummedFile.Writer(MAGIC, VERSION);
        w.map(config.toMap());
        w.map(progress);
        w.lines(vocabulary);
        w.bool(insecureNoise);
        for (int k : noiseKey) {
            w.writeInt(k);
        }
        w.text(accountantState);
        w.writeInt(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            w.text(parameterNames.get(i));
            w.floats(parameters.get(i));
        }
        w.writeInt(optimizerState.size());
        for (float[] o : optimizerState) {
            w.floats(o);
        }
        return w.toBytes();
    }

    static Checkpoint decode(byte[] bytes, Path f) {
        try {
            ChecksummedFile.Reader in = ChecksummedFile.Reader.open(bytes, MAGIC, VERSION);
            TrainConfig config = TrainConfig.fromMap(in.map());
            Map<String, String> progress = in.map();
            checkProgress(progress, f);
            List<String> vocab = in.lines();
            boolean insecure = in.bool();
            int[] key = new int[8];
            for (int i = 0; i < 8; i++) {
                key[i] = in.readInt();
            }
            String acc = in.text();
            int np = in.readInt();
            List<String> names = new ArrayList<>();
            List<float[]> params = new ArrayList<>();
            for (int i = 0; i < np; i++) {
                names.add(in.text());
                params.add(in.floats());
            }
            int no = in.readInt();
            List<float[]> opt = new ArrayList<>();
            for (int i = 0; i < no; i++) {
                opt.add(in.floats());
            }
            in.end();
            return new Checkpoint(config, progress, vocab, insecure, key, acc, names, params, opt);
        } catch (ChecksummedFile.FormatException e) {
            throw new CheckpointException(switch (e.kind()) {
                case FOREIGN -> "checkpoint " + f + " is not an edp4j checkpoint (bad magic or too short); "
                        + "delete it or choose another --checkpoint directory";
                case CORRUPT -> "checkpoint " + f + " is corrupt (SHA-256 checksum mismatch); "
                        + "refusing to resume from it: delete it to start afresh, which spends a new privacy budget";
                case VERSION -> "checkpoint " + f + " has format version " + e.version()
                        + ", this edp reads version " + VERSION;
                case TRUNCATED -> "checkpoint " + f + " is truncated";
                case MALFORMED -> "checkpoint " + f + " is malformed: " + e.getMessage();
            });
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + f + " is malformed: " + e.getMessage());
        }
    }

    /** A checkpoint that cannot be used: corrupt, of another format, or made with other options. */
    public static final class CheckpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CheckpointException(String message) {
            super(message);
        }
    }
}
