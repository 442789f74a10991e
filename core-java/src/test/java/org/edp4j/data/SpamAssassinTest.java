package org.edp4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class SpamAssassinTest {

    /** Counts per group as in data/spam-assassin/README.md. */
    private static final Map<String, Integer> TRAIN_GROUPS = new LinkedHashMap<>();
    private static final Map<String, Integer> TEST_GROUPS = new LinkedHashMap<>();

    static {
        TRAIN_GROUPS.put("easy-ham-1", 1978);
        TRAIN_GROUPS.put("easy-ham-2", 1110);
        TRAIN_GROUPS.put("hard-ham-1", 198);
        TRAIN_GROUPS.put("spam-1", 382);
        TRAIN_GROUPS.put("spam-2", 1049);
        TEST_GROUPS.put("easy-ham-1", 494);
        TEST_GROUPS.put("easy-ham-2", 278);
        TEST_GROUPS.put("hard-ham-1", 50);
        TEST_GROUPS.put("spam-1", 96);
        TEST_GROUPS.put("spam-2", 262);
    }

    @Test
    void bundledResourceLoadsWithDocumentedCounts() {
        DatasetSplits data = SpamAssassin.load();
        assertEquals(SpamAssassin.TRAIN_SIZE, data.train().size());
        assertEquals(SpamAssassin.TEST_SIZE, data.test().size());
        assertEquals(4717, data.train().size());
        assertEquals(1180, data.test().size());
        assertArrayEquals(new int[] {3286, 1431}, data.train().labelCounts());
        assertArrayEquals(new int[] {822, 358}, data.test().labelCounts());
        assertEquals(TRAIN_GROUPS, data.train().groupCounts());
        assertEquals(TEST_GROUPS, data.test().groupCounts());
        assertEquals(SpamAssassin.CLASS_NAMES, data.train().classNames());
        assertEquals(SpamAssassin.CLASS_NAMES, data.test().classNames());
        assertSame(data, SpamAssassin.load());
    }

    @Test
    void everyTextIsNonEmptyAndSingleLine() {
        DatasetSplits data = SpamAssassin.load();
        for (TextDataset ds : new TextDataset[] {data.train(), data.test()}) {
            for (TextExample e : ds) {
                assertFalse(e.text().isEmpty(), e.group() + "/" + e.id());
                assertTrue(e.text().length() <= 2201, e.group() + "/" + e.id());
                assertEquals(-1, e.text().indexOf('\t'));
                assertEquals(-1, e.text().indexOf('\n'));
                assertEquals(e.group().startsWith("spam") ? SpamAssassin.SPAM : SpamAssassin.HAM, e.label());
            }
        }
    }

    @Test
    void splitIsStratifiedAndDisjoint() {
        DatasetSplits data = SpamAssassin.load();
        Set<String> trainIds = new HashSet<>();
        Set<String> trainTexts = new HashSet<>();
        for (TextExample e : data.train()) {
            assertTrue(trainIds.add(e.group() + "/" + e.id()), "duplicate id " + e.id());
            assertTrue(trainTexts.add(e.text()), "duplicate text " + e.group() + "/" + e.id());
        }
        for (TextExample e : data.test()) {
            assertFalse(trainIds.contains(e.group() + "/" + e.id()), "in both splits: " + e.group() + "/" + e.id());
            assertFalse(trainTexts.contains(e.text()), "text in both splits: " + e.group() + "/" + e.id());
        }
        for (String group : TRAIN_GROUPS.keySet()) {
            double testFraction = TEST_GROUPS.get(group) / (double) (TEST_GROUPS.get(group) + TRAIN_GROUPS.get(group));
            assertEquals(0.2, testFraction, 0.002, group);
        }
    }

    @Test
    void splitIsDeterministic() throws IOException {
        DatasetSplits a;
        try (InputStream in = SpamAssassin.class.getResourceAsStream(SpamAssassin.RESOURCE)) {
            a = SpamAssassin.read(in);
        }
        DatasetSplits b = SpamAssassin.load();
        assertEquals(a.train().examples(), b.train().examples());
        assertEquals(a.test().examples(), b.test().examples());
        // Pins the membership of the test split (README: SHA-256 of the sorted "group/id" lines).
        String[] testIds = a.test().examples().stream().map(e -> e.group() + "/" + e.id()).sorted().toArray(String[]::new);
        assertEquals("easy-ham-1/00002", a.test().get(0).group() + "/" + a.test().get(0).id());
        assertEquals(TEST_IDS_SHA256, sha256(String.join("\n", testIds)));
    }

    /** SHA-256 of the sorted test ids joined by '\n', as printed in data/spam-assassin/README.md. */
    static final String TEST_IDS_SHA256 = "2d39a97cb4ed9010cd402d318cea8064ab7f2c08a7ad20b8b4e8adf7011af51b";

    @Test
    void corruptInputFailsWithLineNumber() {
        String header = SpamAssassin.HEADER + "\n";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SpamAssassin.read(gzip(header + "train\t0\teasy-ham-1\t00001\tsubject\n")));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("6 tab-separated fields"), e.getMessage());
        e = assertThrows(IllegalStateException.class,
                () -> SpamAssassin.read(gzip(header + "valid\t0\teasy-ham-1\t00001\ts\tb\n")));
        assertTrue(e.getMessage().contains("split must be"), e.getMessage());
        e = assertThrows(IllegalStateException.class,
                () -> SpamAssassin.read(gzip(header + "train\t1\teasy-ham-1\t00001\ts\tb\n")));
        assertTrue(e.getMessage().contains("label of group easy-ham-1 must be 0"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> SpamAssassin.read(gzip("text\tlabel\n")));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("header"), e.getMessage());
        e = assertThrows(IllegalStateException.class,
                () -> SpamAssassin.read(new ByteArrayInputStream("not gzip".getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
        byte[] full = gzipBytes(header + "train\t0\teasy-ham-1\t00001\ts\tb\n".repeat(100));
        e = assertThrows(IllegalStateException.class,
                () -> SpamAssassin.read(new ByteArrayInputStream(Arrays.copyOf(full, full.length / 2))));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    /**
     * Invalid UTF-8 is reported on its own line, even deep in the stream (a buffered reader decodes
     * tens of kilobytes ahead and used to blame the line after the last one it returned).
     */
    @Test
    void invalidUtf8IsReportedOnItsLine() {
        String good = "train\t0\teasy-ham-1\t00001\ts\tb\n";
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes((SpamAssassin.HEADER + "\n" + good.repeat(3000)).getBytes(StandardCharsets.UTF_8));
        text.writeBytes("train\t0\teasy-ham-1\t00002\ts\tb".getBytes(StandardCharsets.UTF_8));
        text.write(0xC3); // a lead byte with no continuation
        text.writeBytes(("\n" + good.repeat(3000)).getBytes(StandardCharsets.UTF_8));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SpamAssassin.read(new ByteArrayInputStream(gzipBytes(text.toByteArray()))));
        assertEquals("SpamAssassin corpus is corrupt at line 3002: invalid UTF-8", e.getMessage());
    }

    @Test
    void emptyInputSaysSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SpamAssassin.read(new ByteArrayInputStream(new byte[0])));
        assertEquals("SpamAssassin corpus is corrupt at line 1: the gzip data is empty or cut short", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> SpamAssassin.read(gzip("")));
        assertTrue(e.getMessage().startsWith("SpamAssassin corpus is corrupt at line 1: no lines, expected header"),
                e.getMessage());
    }

    @Test
    void crLfLineEndsParse() {
        DatasetSplits d = SpamAssassin.read(gzip(SpamAssassin.HEADER + "\r\n"
                + "train\t0\teasy-ham-1\t00001\tHello\tworld\r\n"));
        assertEquals(new TextExample("Hello world", 0, "easy-ham-1", "00001"), d.train().get(0));
    }

    @Test
    void smallValidInputParses() {
        DatasetSplits d = SpamAssassin.read(gzip(SpamAssassin.HEADER + "\n"
                + "train\t0\teasy-ham-1\t00001\tHello\tworld\n"
                + "test\t1\tspam-2\t00007\t\tbody only\n"
                + "train\t1\tspam-1\t00003\tsubject only\t\n"));
        assertEquals(2, d.train().size());
        assertEquals(new TextExample("Hello world", 0, "easy-ham-1", "00001"), d.train().get(0));
        assertEquals(new TextExample("subject only", 1, "spam-1", "00003"), d.train().get(1));
        assertEquals(new TextExample("body only", 1, "spam-2", "00007"), d.test().get(0));
    }

    private static InputStream gzip(String text) {
        return new ByteArrayInputStream(gzipBytes(text));
    }

    private static byte[] gzipBytes(String text) {
        return gzipBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzipBytes(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
