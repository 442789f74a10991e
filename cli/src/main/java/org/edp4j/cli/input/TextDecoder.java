package org.edp4j.cli.input;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.edp4j.io.InputFileException;

/**
 * Reads a text file strictly: gzip is undone when the file starts with the gzip magic bytes, a
 * UTF-8 byte order mark is dropped, and the bytes must be UTF-8 text. The first problem, in file
 * order, is an {@link InputFileException} with its line:
 * <ul>
 * <li>a NUL byte: binary content;</li>
 * <li>bytes that are not UTF-8 (decoded with a {@link CharsetDecoder} that reports malformed and
 *     unmappable input instead of replacing it);</li>
 * <li>a line longer than {@link #MAX_LINE_BYTES} bytes.</li>
 * </ul>
 * The line of a problem is 1 + the number of {@code \n} bytes before it: a {@code \n} byte never
 * occurs inside a multi-byte UTF-8 sequence, so counting raw bytes gives the line a text editor
 * shows. Lines may end in {@code \n} or {@code \r\n}.
 */
public final class TextDecoder {

    /** The longest line accepted, in bytes (1 MiB). */
    public static final int MAX_LINE_BYTES = 1 << 20;

    private TextDecoder() {
    }

    /**
     * Reads and decodes a file.
     *
     * @param file the file
     * @param name its name for messages (as the user gave it)
     * @return the text, without a byte order mark
     * @throws InputFileException for a missing, unreadable, empty, binary, non-UTF-8 or over-long file
     */
    public static String read(Path file, String name) {
        byte[] raw;
        try {
            if (Files.isDirectory(file)) {
                throw new InputFileException(name, 0, "is a directory; expected a CSV, TSV or JSON Lines file");
            }
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputFileException(name, 0, "no such file; expected a CSV, TSV or JSON Lines file");
        } catch (AccessDeniedException e) {
            throw new InputFileException(name, 0, "cannot read it (permission denied); expected a readable file");
        } catch (IOException e) {
            throw new InputFileException(name, 0, "cannot read it (" + e.getMessage() + "); expected a readable file");
        }
        return decode(raw, name);
    }

    /**
     * Reads and decodes a stream (standard input) as {@link #read} does a file.
     *
     * @param in the stream; read to its end, not closed
     * @param name its name for messages ({@code -} for standard input)
     */
    public static String read(InputStream in, String name) {
        try {
            return decode(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new InputFileException(name, 0, "cannot read it (" + e.getMessage() + ")");
        }
    }

    /** Ungzips when needed, then checks and decodes (class javadoc). */
    static String decode(byte[] raw, String name) {
        byte[] bytes = raw;
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                bytes = gz.readAllBytes();
            } catch (IOException e) {
                throw new InputFileException(name, 0, "is not a valid gzip file (" + e.getMessage()
                        + "); expected gzip-compressed UTF-8 text");
            }
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        if (bytes.length - start == 0) {
            throw new InputFileException(name, 1, "empty file; expected a header line and data rows (CSV, TSV) "
                    + "or one JSON object per line");
        }
        // NUL bytes and over-long lines: one pass over the bytes
        int nul = -1;
        int longLineEnd = -1;
        int lineStart = start;
        for (int i = start; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == 0) {
                nul = i;
                break;
            }
            if (b == '\n') {
                lineStart = i + 1;
            } else if (i - lineStart >= MAX_LINE_BYTES && longLineEnd < 0) {
                longLineEnd = i;
            }
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CoderResult r = dec.decode(in, out, true);
        int bad = -1;
        if (r.isError()) {
            bad = in.position();
        } else {
            r = dec.flush(out);
            if (r.isError()) {
                bad = bytes.length;
            }
        }
        int first = min(nul, min(bad, longLineEnd));
        if (first >= 0) {
            long line = 1;
            int lastNl = start - 1;
            for (int i = start; i < first; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lastNl = i;
                }
            }
            int column = first - lastNl;
            if (first == nul) {
                throw new InputFileException(name, line, String.format(Locale.ROOT, "binary content (a NUL byte at "
                        + "byte %d of the line); expected UTF-8 text", column));
            }
            if (first == bad) {
                throw new InputFileException(name, line, String.format(Locale.ROOT, "invalid UTF-8 (byte 0x%02x at "
                        + "byte %d of the line); expected UTF-8 text (convert it, e.g. iconv -f latin1 -t utf-8)",
                        first < bytes.length ? bytes[first] & 0xff : 0, column));
            }
            throw new InputFileException(name, line, String.format(Locale.ROOT, "line longer than %,d bytes; "
                    + "expected at most %,d bytes per line", MAX_LINE_BYTES, MAX_LINE_BYTES));
        }
        out.flip();
        return out.toString();
    }

    private static int min(int a, int b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }
}
