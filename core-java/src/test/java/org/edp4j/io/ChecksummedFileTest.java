package org.edp4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edp4j.io.ChecksummedFile.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksummedFileTest {

    private static final byte[] MAGIC = "EDP4JTST".getBytes(StandardCharsets.US_ASCII);

    private static byte[] sample() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("a", "1");
        m.put("b", "x=y");
        return new ChecksummedFile.Writer(MAGIC, 3).writeInt(-7).bool(true).text("héllo").lines(List.of("p", "q"))
                .lines(List.of()).map(m).floats(new float[] {1.5f, -0f, Float.MIN_VALUE}).toBytes();
    }

    @Test
    void everyFieldRoundTrips() {
        ChecksummedFile.Reader r = ChecksummedFile.Reader.open(sample(), MAGIC, 3);
        assertEquals(3, r.version());
        assertEquals(-7, r.readInt());
        assertTrue(r.bool());
        assertEquals("héllo", r.text());
        assertEquals(List.of("p", "q"), r.lines());
        assertEquals(List.of(), r.lines());
        assertEquals(Map.of("a", "1", "b", "x=y"), r.map());
        assertArrayEquals(new float[] {1.5f, -0f, Float.MIN_VALUE}, r.floats());
        r.end();
    }

    @Test
    void everyFlippedByteAndEveryTruncationIsRefused() {
        byte[] good = sample();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            FormatException e = assertThrows(FormatException.class, () -> ChecksummedFile.Reader.open(bad, MAGIC, 3));
            assertTrue(e.kind() == FormatException.Kind.CORRUPT || e.kind() == FormatException.Kind.FOREIGN, "byte " + i);
        }
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            FormatException e = assertThrows(FormatException.class, () -> ChecksummedFile.Reader.open(cut, MAGIC, 3));
            assertTrue(e.kind() == FormatException.Kind.CORRUPT || e.kind() == FormatException.Kind.FOREIGN, "length " + len);
        }
    }

    @Test
    void anotherMagicOrVersionIsNamed() {
        byte[] good = sample();
        assertEquals(FormatException.Kind.FOREIGN, assertThrows(FormatException.class,
                () -> ChecksummedFile.Reader.open(good, "EDP4JXXX".getBytes(StandardCharsets.US_ASCII), 3)).kind());
        FormatException v = assertThrows(FormatException.class, () -> ChecksummedFile.Reader.open(good, MAGIC, 4));
        assertEquals(FormatException.Kind.VERSION, v.kind());
        assertEquals(3, v.version());
    }

    @Test
    void leftoverOrMissingFieldsAreMalformedOrTruncated() {
        byte[] b = new ChecksummedFile.Writer(MAGIC, 1).writeInt(1).writeInt(2).toBytes();
        ChecksummedFile.Reader r = ChecksummedFile.Reader.open(b, MAGIC, 1);
        r.readInt();
        assertEquals(FormatException.Kind.MALFORMED, assertThrows(FormatException.class, r::end).kind());
        ChecksummedFile.Reader r2 = ChecksummedFile.Reader.open(b, MAGIC, 1);
        // the int 1 read as a text length leaves 4 bytes: fine; then a float count 2 with no floats
        assertEquals(FormatException.Kind.TRUNCATED, assertThrows(FormatException.class, () -> {
            r2.readInt();
            r2.floats();
        }).kind());
    }

    @Test
    void atomicWriteReplacesAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.bin");
        ChecksummedFile.writeAtomically(f, new byte[] {1, 2}, false);
        ChecksummedFile.writeAtomically(f, sample(), true);
        assertArrayEquals(sample(), Files.readAllBytes(f));
        assertFalse(Files.exists(dir.resolve("x.bin.tmp")));
        if (ChecksummedFile.posix(f)) {
            assertEquals(java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(f));
        }
    }

    @Test
    void aWriteIntoAMissingDirectoryFailsAndLeavesNothing(@TempDir Path dir) {
        Path f = dir.resolve("no/such/x.bin");
        assertThrows(java.io.IOException.class, () -> ChecksummedFile.writeAtomically(f, new byte[] {1}, false));
        assertFalse(Files.exists(f));
    }
}
