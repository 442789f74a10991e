package org.edp4j.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container of edp4j's binary files (training checkpoints, saved models): a magic, a format
 * version, a body of typed fields, and the SHA-256 of everything before it; written atomically,
 * read strictly.
 *
 * <h2>Layout (big-endian, {@link DataOutputStream})</h2>
 * <pre>
 * bytes[8]  magic (e.g. "EDP4JCKP", "EDP4JMDL")
 * int       format version
 * ...       the body: int, bool, text (int byte count + UTF-8 bytes), floats (int n + n IEEE-754 floats)
 * bytes[32] SHA-256 of every byte above
 * </pre>
 * A "map" is a text of {@code key=value} lines (keys without {@code =} or line breaks, values without
 * line breaks); "lines" is a text of {@code \n}-joined lines.
 *
 * <p><b>Reading</b> checks, in this order, the magic (else {@link FormatException.Kind#FOREIGN}),
 * the checksum ({@link FormatException.Kind#CORRUPT}: a flipped byte or a truncated file), the
 * version ({@link FormatException.Kind#VERSION}), every length against the bytes left
 * ({@link FormatException.Kind#TRUNCATED}) and, at the end, that no byte is left over
 * ({@link FormatException.Kind#MALFORMED}).
 *
 * <p><b>Writing</b> ({@link #writeAtomically}): the bytes go to {@code NAME.tmp} beside the target,
 * are forced to disk and moved over the target with {@link StandardCopyOption#ATOMIC_MOVE}, so a
 * crash at any moment leaves the old file or the new one, never a part.
 *
 * <pre>{@code
 * ChecksummedFile.Writer w = new ChecksummedFile.Writer(MAGIC, 1);
 * w.text("hello");
 * w.floats(new float[] {1, 2});
 * ChecksummedFile.writeAtomically(path, w.toBytes(), false);
 * ChecksummedFile.Reader r = ChecksummedFile.Reader.open(Files.readAllBytes(path), MAGIC, 1);
 * String s = r.text();
 * float[] f = r.floats();
 * r.end();
 * }</pre>
 */
public final class ChecksummedFile {

    /** Bytes of the magic. */
    public static final int MAGIC_BYTES = 8;
    /** Bytes of the SHA-256 at the end. */
    public static final int DIGEST_BYTES = 32;

    private ChecksummedFile() {
    }

    /** A file that is not what the reader expects. */
    public static final class FormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** What is wrong. */
        public enum Kind {
            /** Too short or another magic: not this kind of file. */
            FOREIGN,
            /** The SHA-256 does not match: a flipped byte, or a truncated file. */
            CORRUPT,
            /** Another format version. */
            VERSION,
            /** A length runs past the end of the body. */
            TRUNCATED,
            /** Bytes left over, or a field that does not parse. */
            MALFORMED
        }

        private final Kind kind;
        private final int version;

        FormatException(Kind kind, int version, String message) {
            super(message);
            this.kind = kind;
            this.version = version;
        }

        /** @return what is wrong */
        public Kind kind() {
            return kind;
        }

        /** @return the version the file has (for {@link Kind#VERSION}; -1 otherwise) */
        public int version() {
            return version;
        }
    }

    /** Writes the fields of a body; {@link #toBytes()} adds the magic, version and checksum. */
    public static final class Writer {
        private final ByteArrayOutputStream bos = new ByteArrayOutputStream(1 << 16);
        private final DataOutputStream out = new DataOutputStream(bos);

        /**
         * @param magic exactly {@value #MAGIC_BYTES} bytes; not modified
         * @param version the format version
         * @throws IllegalArgumentException if the magic is not 8 bytes
         */
        public Writer(byte[] magic, int version) {
            if (magic.length != MAGIC_BYTES) {
                throw new IllegalArgumentException("magic must have " + MAGIC_BYTES + " bytes, got " + magic.length);
            }
            write(() -> {
                out.write(magic);
                out.writeInt(version);
            });
        }

        /** Appends an int. */
        public Writer writeInt(int v) {
            return write(() -> out.writeInt(v));
        }

        /** Appends a boolean (one byte). */
        public Writer bool(boolean v) {
            return write(() -> out.writeBoolean(v));
        }

        /** Appends a text: its UTF-8 byte count, then the bytes. */
        public Writer text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return write(() -> {
                out.writeInt(b.length);
                out.write(b);
            });
        }

        /** Appends lines as one text, joined with {@code \n}; no line may contain a line break. */
        public Writer lines(List<String> lines) {
            for (String l : lines) {
                if (l.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("a line must not contain a line break: '" + l + "'");
                }
            }
            return text(String.join("\n", lines));
        }

        /** Appends a map as one text of {@code key=value} lines, in iteration order. */
        public Writer map(Map<String, String> m) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> e : m.entrySet()) {
                String k = e.getKey();
                String v = e.getValue();
                if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\n') >= 0 || v.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("map entry must be a key without '=' or line breaks and a value "
                            + "without line breaks, got '" + k + "' = '" + v + "'");
                }
                sb.append(k).append('=').append(v).append('\n');
            }
            return text(sb.toString());
        }

        /** Appends floats: their count, then big-endian IEEE-754 values. */
        public Writer floats(float[] xs) {
            ByteBuffer buf = ByteBuffer.allocate(4 * xs.length);
            buf.asFloatBuffer().put(xs);
            return write(() -> {
                out.writeInt(xs.length);
                out.write(buf.array());
            });
        }

        /** @return magic, version, body and the SHA-256 of all of them */
        public byte[] toBytes() {
            write(out::flush);
            byte[] body = bos.toByteArray();
            byte[] all = Arrays.copyOf(body, body.length + DIGEST_BYTES);
            System.arraycopy(sha256(body, body.length), 0, all, body.length, DIGEST_BYTES);
            return all;
        }

        private interface IoAction {
            void run() throws IOException;
        }

        private Writer write(IoAction a) {
            try {
                a.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
            }
            return this;
        }
    }

    /** Reads the fields of a verified body in the order they were written. */
    public static final class Reader {
        private final DataInputStream in;
        private final int version;

        private Reader(DataInputStream in, int version) {
            this.in = in;
            this.version = version;
        }

        /**
         * Verifies magic, checksum and version (in that order) and positions after the version.
         *
         * @param bytes the whole file; not modified
         * @param magic the expected magic
         * @param version the only version this reader accepts
         * @return a reader of the body
         * @throws FormatException ({@code FOREIGN}, {@code CORRUPT} or {@code VERSION})
         */
        public static Reader open(byte[] bytes, byte[] magic, int version) {
            if (bytes.length < MAGIC_BYTES + 4 + DIGEST_BYTES
                    || !Arrays.equals(Arrays.copyOf(bytes, MAGIC_BYTES), magic)) {
                throw new FormatException(FormatException.Kind.FOREIGN, -1, "bad magic or too short");
            }
            int bodyLen = bytes.length - DIGEST_BYTES;
            byte[] want = Arrays.copyOfRange(bytes, bodyLen, bytes.length);
            if (!MessageDigest.isEqual(want, sha256(bytes, bodyLen))) {
                throw new FormatException(FormatException.Kind.CORRUPT, -1, "SHA-256 checksum mismatch");
            }
            int v = ByteBuffer.wrap(bytes, MAGIC_BYTES, 4).getInt();
            if (v != version) {
                throw new FormatException(FormatException.Kind.VERSION, v, "format version " + v + ", expected "
                        + version);
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC_BYTES + 4,
                    bodyLen - MAGIC_BYTES - 4));
            return new Reader(in, v);
        }

        /** @return the format version read */
        public int version() {
            return version;
        }

        /** Reads an int. */
        public int readInt() {
            return read(in::readInt);
        }

        /** Reads a boolean. */
        public boolean bool() {
            return read(in::readBoolean);
        }

        /** Reads a text. */
        public String text() {
            return read(() -> {
                int n = in.readInt();
                if (n < 0 || n > in.available()) {
                    throw new EOFException();
                }
                return new String(in.readNBytes(n), StandardCharsets.UTF_8);
            });
        }

        /** Reads lines written by {@link Writer#lines}; an empty text is no line. */
        public List<String> lines() {
            String t = text();
            return t.isEmpty() ? List.of() : List.of(t.split("\n", -1));
        }

        /** Reads a map written by {@link Writer#map}, in its order. */
        public Map<String, String> map() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : text().split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new FormatException(FormatException.Kind.MALFORMED, -1, "line '" + line + "' is not key=value");
                }
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return m;
        }

        /** Reads floats. */
        public float[] floats() {
            return read(() -> {
                int n = in.readInt();
                if (n < 0 || 4L * n > in.available()) {
                    throw new EOFException();
                }
                float[] xs = new float[n];
                ByteBuffer.wrap(in.readNBytes(4 * n)).asFloatBuffer().get(xs);
                return xs;
            });
        }

        /** @throws FormatException ({@code MALFORMED}) if bytes are left before the checksum */
        public void end() {
            int left = read(in::available);
            if (left != 0) {
                throw new FormatException(FormatException.Kind.MALFORMED, -1, left + " unexpected trailing bytes");
            }
        }

        private interface IoRead<T> {
            T get() throws IOException;
        }

        private static <T> T read(IoRead<T> r) {
            try {
                return r.get();
            } catch (EOFException e) {
                throw new FormatException(FormatException.Kind.TRUNCATED, -1, "truncated");
            } catch (IOException e) {
                throw new UncheckedIOException(e);   // a ByteArrayInputStream does not fail
            }
        }
    }

    /**
     * Writes {@code bytes} to {@code file} atomically: to {@code file + ".tmp"} (created owner
     * read/write only when {@code ownerOnly} and the file system is POSIX), forced to disk, then
     * moved over {@code file} with {@code ATOMIC_MOVE}. The parent directory must exist.
     *
     * @param file the target; replaced if it exists
     * @param bytes the content; not modified
     * @param ownerOnly whether the file must be readable by its owner only (secrets)
     * @throws IOException when the file cannot be written, or the file system cannot move atomically
     */
    public static void writeAtomically(Path file, byte[] bytes, boolean ownerOnly) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (ownerOnly && posix(file)) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
            if (ownerOnly) {
                tmp.toFile().setReadable(false, false);
                tmp.toFile().setReadable(true, true);
                tmp.toFile().setWritable(true, true);
            }
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + file + " cannot replace files atomically", e);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** @return whether the default and the path's file system have POSIX permissions */
    public static boolean posix(Path p) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static byte[] sha256(byte[] b, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, 0, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
