package org.edp4j.cli.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.TextExample;
import org.edp4j.io.InputFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad-file case of the training input, one test each, and the good paths. */
class LabelledFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private String fails(Path train, Path test) {
        return assertThrows(InputFileException.class,
                () -> LabelledFiles.load(train, test, 0.2, 1, "text", "label")).getMessage();
    }

    private static String rows(int n) {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < n; i++) {
            sb.append("text number ").append(i).append(',').append(i % 3 == 0 ? "spam" : "ham").append('\n');
        }
        return sb.toString();
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.csv");
        assertEquals(p + ": no such file; expected a CSV, TSV or JSON Lines file", fails(p, null));
    }

    @Test
    void unreadableFile() throws Exception {
        Path d = Files.createDirectory(dir.resolve("a.csv"));
        assertEquals(d + ": is a directory; expected a CSV, TSV or JSON Lines file", fails(d, null));
        Path p = write("locked.csv", rows(10));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(p), "running as root: permissions do not stop reading");
        assertEquals(p + ": cannot read it (permission denied); expected a readable file", fails(p, null));
    }

    @Test
    void emptyFile() throws Exception {
        Path p = write("e.csv", "");
        assertEquals(p + ":1: empty file; expected a header line and data rows (CSV, TSV) or one JSON object per line",
                fails(p, null));
    }

    @Test
    void headerOnly() throws Exception {
        Path p = write("h.csv", "text,label\n");
        assertEquals(p + ":2: header only, no data rows; expected at least one row after the header [text, label]",
                fails(p, null));
    }

    @Test
    void missingColumn() throws Exception {
        Path p = write("m.csv", "message,label\nhi,a\n");
        assertEquals(p + ":1: no column 'text' in the header [message, label]; expected --text-column to name one of "
                + "them", fails(p, null));
    }

    @Test
    void wrongNumberOfFields() throws Exception {
        Path p = write("w.csv", "text,label\nfine,a\nnot quoted, so two,b\n");
        assertEquals(p + ":3: 3 fields, the header has 2; expected 2 (quote a field that holds a comma or a line "
                + "break with \")", fails(p, null));
    }

    @Test
    void oneClassOnly() throws Exception {
        Path p = write("o.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"label\": \"x\"}\n");
        assertEquals(p + ": one class only ('x' in all 2 rows); expected 2 to 1000 classes", fails(p, null));
    }

    @Test
    void moreThanAThousandClasses() throws Exception {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i <= 1000; i++) {
            sb.append("t,c").append(String.format("%04d", i)).append('\n');
        }
        Path p = write("many.csv", sb.toString());
        assertEquals(p + ":1002: label 'c1000' is class number 1001; expected at most 1000 classes", fails(p, null));
    }

    @Test
    void testLabelNeverSeenInTraining() throws Exception {
        Path train = write("train.csv", rows(12));
        Path test = write("test.tsv", "text\tlabel\nhello\tham\nwhat\tphishing\n");
        assertEquals(test + ":3: label 'phishing' never occurs in the training file " + train
                + "; expected one of [ham, spam]", fails(train, test));
    }

    @Test
    void invalidUtf8() throws Exception {
        Path p = dir.resolve("latin1.csv");
        Files.write(p, "text,label\nok,a\ncaf\u00e9,b\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(p + ":3: invalid UTF-8 (byte 0xe9 at byte 4 of the line); expected UTF-8 text (convert it, e.g. "
                + "iconv -f latin1 -t utf-8)", fails(p, null));
    }

    @Test
    void binaryContent() throws Exception {
        Path p = dir.resolve("bin.csv");
        Files.write(p, new byte[] {'t', 'e', 'x', 't', ',', 'l', 'a', 'b', 'e', 'l', '\n', 'P', 'K', 3, 4, 0, 0});
        assertEquals(p + ":2: binary content (a NUL byte at byte 5 of the line); expected UTF-8 text", fails(p, null));
    }

    @Test
    void lineOverTheLimit() throws Exception {
        Path p = write("long.csv", "text,label\nshort,a\n" + "y".repeat(TextDecoder.MAX_LINE_BYTES + 10) + ",b\n");
        assertEquals(p + ":3: line longer than 1,048,576 bytes; expected at most 1,048,576 bytes per line",
                fails(p, null));
    }

    @Test
    void emptyLabel() throws Exception {
        Path p = write("el.csv", "text,label\na,x\nb,\n");
        assertEquals(p + ":3: empty label; expected a class name", fails(p, null));
    }

    @Test
    void unknownFormat() throws Exception {
        Path p = write("data.txt", rows(3));
        assertEquals(p + ": unknown format; expected a name ending in .csv, .tsv or .jsonl (optionally followed by .gz), "
                + "or .parquet with --engine spark",
                fails(p, null));
    }

    @Test
    void gzippedCsvWithQuotedFieldsAndATestFile() throws Exception {
        Path train = dir.resolve("train.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(train))) {
            o.write("label,text\nspam,\"Win, win\nnow\"\nham,\"see you\"\n".getBytes(StandardCharsets.UTF_8));
        }
        Path test = write("test.jsonl", "{\"text\": \"win?\", \"label\": \"spam\"}\n");
        LabelledFiles.Loaded l = LabelledFiles.load(train, test, Double.NaN, 1, "text", "label");
        DatasetSplits s = l.splits();
        assertEquals(List.of("ham", "spam"), s.train().classNames());
        assertEquals(new TextExample("Win, win\nnow", 1, train.toString(), "2"), s.train().get(0));
        assertEquals(new TextExample("see you", 0, train.toString(), "4"), s.train().get(1));
        assertEquals(1, s.test().size());
        assertEquals("file " + test, l.split());
    }

    @Test
    void aTestFractionIsSeededStratifiedAndKeepsEveryClassInTraining() throws Exception {
        Path p = write("all.csv", rows(100) + "a lone example,rare\n");
        LabelledFiles.Loaded a = LabelledFiles.load(p, null, 0.25, 7, "text", "label");
        LabelledFiles.Loaded b = LabelledFiles.load(p, null, 0.25, 7, "text", "label");
        LabelledFiles.Loaded c = LabelledFiles.load(p, null, 0.25, 8, "text", "label");
        assertEquals(a.splits().test().examples(), b.splits().test().examples());
        assertTrue(!a.splits().test().examples().equals(c.splits().test().examples()));
        // 34 spam -> 9 test (round(8.5) = 9 in Java), 66 ham -> 17, 1 rare -> 0
        assertEquals(List.of(17, 0, 9), java.util.Arrays.stream(a.splits().test().labelCounts()).boxed().toList());
        assertEquals(101, a.splits().train().size() + a.splits().test().size());
        assertEquals("fraction 0.25 seed 7", a.split());
    }

    /** With a device column, every training example keeps its device id, in the split's order, test rows left out. */
    @Test
    void deviceIdsFollowTheTrainingExamplesThroughTheSplit() throws Exception {
        StringBuilder sb = new StringBuilder("text,label,user\n");
        for (int i = 0; i < 40; i++) {
            sb.append("text ").append(i).append(',').append(i % 2 == 0 ? "spam" : "ham").append(",u").append(i % 7)
                    .append('\n');
        }
        Path train = write("d.csv", sb.toString());
        LabelledFiles.Loaded l = LabelledFiles.load(train, null, 0.25, 3, "text", "label", "user");
        List<TextExample> ex = l.splits().train().examples();
        assertEquals(ex.size(), l.trainDevices().size());
        assertEquals(30, ex.size());
        for (int k = 0; k < ex.size(); k++) {
            int row = Integer.parseInt(ex.get(k).text().substring(5));
            assertEquals("u" + (row % 7), l.trainDevices().get(k), "example " + k);
        }
        assertEquals(null, LabelledFiles.load(train, null, 0.25, 3, "text", "label").trainDevices());
        Path test = write("t.csv", "text,label\nx,ham\n");
        assertEquals(40, LabelledFiles.load(train, test, 0.25, 3, "text", "label", "user").trainDevices().size(),
                "a test file needs no device column");
    }

    @Test
    void anEmptyDeviceIdNamesItsLine() throws Exception {
        Path train = write("e.csv", "text,label,user\nhi,spam,u1\nyo,ham,\n");
        assertEquals(train + ":3: empty device id; expected the id of the device that holds the example "
                + "(--device-column)", assertThrows(InputFileException.class,
                        () -> LabelledFiles.load(train, null, 0.2, 1, "text", "label", "user")).getMessage());
    }
}
