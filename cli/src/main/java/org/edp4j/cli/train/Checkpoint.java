package org.edp4j.cli.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The state of a private training run after a whole epoch, in one file {@code DIR/checkpoint.edp}.
 *
 * <h2>Format (version 1, big-endian, {@link DataOutputStream})</h2>
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
 * <p>Writes are atomic: the bytes go to {@code checkpoint.edp.tmp} (created owner-read/write only
 * where the file system is POSIX), are forced to disk, then moved over {@code checkpoint.edp} with
 * {@link StandardCopyOption#ATOMIC_MOVE}; a kill at any moment leaves either the previous or the new
 * checkpoint. Reads verify the magic, the version and the checksum and refuse anything else.
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
    private static final byte[] MAGIC = "EDP4JCKP".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int DIGEST_BYTES = 32;

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
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            createPrivateDirectory(dir);
            Files.deleteIfExists(tmp);
            if (posix(dir)) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
                tmp.toFile().setReadable(false, false);
                tmp.toFile().setReadable(true, true);
                tmp.toFile().setWritable(true, true);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot replace files atomically", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file(dir) + ": " + e.getMessage(), e);
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

    private static boolean posix(Path dir) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} (and missing parents) owner-only where the file system is POSIX; nothing when it exists. */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir.toAbsolutePath().getParent() == null ? dir : dir.toAbsolutePath().getParent())) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
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
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(1 << 20);
            DataOutputStream out = new DataOutputStream(bos);
            out.write(MAGIC);
            out.writeInt(VERSION);
            writeText(out, joinMap(config.toMap()));
            writeText(out, joinMap(progress));
            writeText(out, String.join("\n", vocabulary));
            out.writeBoolean(insecureNoise);
            if (noiseKey.length != 8) {
                throw new IllegalArgumentException("noise key must have 8 words, got " + noiseKey.length);
            }
            for (int w : noiseKey) {
                out.writeInt(w);
            }
            writeText(out, accountantState);
            out.writeInt(parameters.size());
            for (int i = 0; i < parameters.size(); i++) {
                writeText(out, parameterNames.get(i));
                writeFloats(out, parameters.get(i));
            }
            out.writeInt(optimizerState.size());
            for (float[] s : optimizerState) {
                writeFloats(out, s);
            }
            out.flush();
            byte[] body = bos.toByteArray();
            byte[] all = Arrays.copyOf(body, body.length + DIGEST_BYTES);
            System.arraycopy(sha256(body, body.length), 0, all, body.length, DIGEST_BYTES);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Checkpoint decode(byte[] bytes, Path f) {
        if (bytes.length < MAGIC.length + 4 + DIGEST_BYTES
                || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CheckpointException("checkpoint " + f + " is not an edp4j checkpoint (bad magic or too short); "
                    + "delete it or choose another --checkpoint directory");
        }
        int bodyLen = bytes.length - DIGEST_BYTES;
        byte[] want = Arrays.copyOfRange(bytes, bodyLen, bytes.length);
        if (!MessageDigest.isEqual(want, sha256(bytes, bodyLen))) {
            throw new CheckpointException("checkpoint " + f + " is corrupt (SHA-256 checksum mismatch); "
                    + "refusing to resume from it: delete it to start afresh, which spends a new privacy budget");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bodyLen));
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointException("checkpoint " + f + " has format version " + version
                        + ", this edp reads version " + VERSION);
            }
            TrainConfig config = TrainConfig.fromMap(splitMap(readText(in)));
            Map<String, String> progress = splitMap(readText(in));
            checkProgress(progress, f);
            List<String> vocab = List.of(readText(in).split("\n", -1));
            boolean insecure = in.readBoolean();
            int[] key = new int[8];
            for (int i = 0; i < 8; i++) {
                key[i] = in.readInt();
            }
            String acc = readText(in);
            int np = in.readInt();
            List<String> names = new ArrayList<>();
            List<float[]> params = new ArrayList<>();
            for (int i = 0; i < np; i++) {
                names.add(readText(in));
                params.add(readFloats(in));
            }
            int no = in.readInt();
            List<float[]> opt = new ArrayList<>();
            for (int i = 0; i < no; i++) {
                opt.add(readFloats(in));
            }
            if (in.available() != 0) {
                throw new CheckpointException("checkpoint " + f + " has " + in.available() + " unexpected trailing bytes");
            }
            return new Checkpoint(config, progress, vocab, insecure, key, acc, names, params, opt);
        } catch (EOFException e) {
            throw new CheckpointException("checkpoint " + f + " is truncated");
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + f + " is malformed: " + e.getMessage());
        }
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

    private static byte[] sha256(byte[] b, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, 0, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String joinMap(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : m.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, String> splitMap(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : s.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("line '" + line + "' is not key=value");
            }
            m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readText(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new EOFException();
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeFloats(OutputStream os, float[] xs) throws IOException {
        DataOutputStream out = (DataOutputStream) os;
        out.writeInt(xs.length);
        ByteBuffer buf = ByteBuffer.allocate(4 * xs.length);
        buf.asFloatBuffer().put(xs);
        out.write(buf.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || 4L * n > in.available()) {
            throw new EOFException();
        }
        float[] xs = new float[n];
        ByteBuffer.wrap(in.readNBytes(4 * n)).asFloatBuffer().get(xs);
        return xs;
    }

    /** A checkpoint that cannot be used: corrupt, of another format, or made with other options. */
    public static final class CheckpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CheckpointException(String message) {
            super(message);
        }
    }
}
