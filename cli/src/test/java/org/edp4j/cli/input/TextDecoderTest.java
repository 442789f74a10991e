package org.edp4j.cli.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.edp4j.io.InputFileException;
import org.junit.jupiter.api.Test;

class TextDecoderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static String fails(byte[] b) {
        return assertThrows(InputFileException.class, () -> TextDecoder.decode(b, "f.csv")).getMessage();
    }

    @Test
    void invalidUtf8IsReportedAtItsLine() {
        // line 3 holds a Latin-1 e-acute (0xE9), which is not UTF-8; line 2 holds a valid "é"
        byte[] b = concat(utf8("text,label\ncaf\u00e9,a\n"), new byte[] {'c', 'a', 'f', (byte) 0xE9, ',', 'b', '\n'},
                utf8("ok,a\n"));
        assertEquals("f.csv:3: invalid UTF-8 (byte 0xe9 at byte 4 of the line); expected UTF-8 text (convert it, "
                + "e.g. iconv -f latin1 -t utf-8)", fails(b));
        // a truncated sequence at the very end
        assertEquals(2, lineOf(concat(utf8("a\n"), new byte[] {'x', (byte) 0xE2, (byte) 0x82})));
        // a lone continuation byte and an overlong encoding of '/'
        assertEquals(1, lineOf(new byte[] {(byte) 0x80}));
        assertEquals(2, lineOf(concat(utf8("x\n"), new byte[] {(byte) 0xC0, (byte) 0xAF})));
    }

    private static long lineOf(byte[] b) {
        return assertThrows(InputFileException.class, () -> TextDecoder.decode(b, "f")).line();
    }

    @Test
    void binaryContentIsANulByteAtItsLine() {
        byte[] b = concat(utf8("text,label\nhello,a\nhe"), new byte[] {0, 1, 2}, utf8(",b\n"));
        assertEquals("f.csv:3: binary content (a NUL byte at byte 3 of the line); expected UTF-8 text", fails(b));
    }

    @Test
    void aLineOverTheLimitIsRefusedAtItsLine() {
        String longLine = "x".repeat(TextDecoder.MAX_LINE_BYTES + 1);
        assertEquals("f.csv:2: line longer than 1,048,576 bytes; expected at most 1,048,576 bytes per line",
                fails(utf8("text,label\n" + longLine + ",a\n")));
        // exactly the limit is fine
        String ok = "x".repeat(TextDecoder.MAX_LINE_BYTES);
        assertEquals(ok + "\n", TextDecoder.decode(utf8(ok + "\n"), "f"));
    }

    @Test
    void theEarliestProblemWins() {
        byte[] b = concat(utf8("a\n"), new byte[] {(byte) 0xff}, utf8("\n"), new byte[] {0});
        assertEquals(2, lineOf(b));
        byte[] c = concat(utf8("a\n"), new byte[] {0}, utf8("\n"), new byte[] {(byte) 0xff});
        assertEquals("f.csv:2: binary content (a NUL byte at byte 1 of the line); expected UTF-8 text", fails(c));
    }

    @Test
    void anEmptyFileIsRefusedAndABomIsDropped() {
        assertEquals("f.csv:1: empty file; expected a header line and data rows (CSV, TSV) or one JSON object per line",
                fails(new byte[0]));
        assertEquals("f.csv:1: empty file; expected a header line and data rows (CSV, TSV) or one JSON object per line",
                fails(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}));
        assertEquals("text", TextDecoder.decode(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("text")),
                "f"));
    }

    @Test
    void gzipIsUndoneAndABrokenGzipIsNamed() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(utf8("text,label\n\u00fcber \ud83d\ude00,a\n"));
        }
        assertEquals("text,label\n\u00fcber \ud83d\ude00,a\n", TextDecoder.decode(bos.toByteArray(), "f.csv.gz"));
        byte[] cut = java.util.Arrays.copyOf(bos.toByteArray(), 12);
        assertEquals(true, fails(cut).startsWith("f.csv: is not a valid gzip file ("));
    }
}
