package org.edp4j.cli.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.edp4j.cli.input.TextFileReader.Format;
import org.edp4j.cli.input.TextFileReader.Row;
import org.edp4j.io.InputFileException;
import org.junit.jupiter.api.Test;

class TextFileReaderTest {

    private static List<Row> csv(String s) {
        return TextFileReader.parse(s, "f.csv", Format.CSV, "text", "label");
    }

    private static String fails(String content, Format f) {
        return assertThrows(InputFileException.class,
                () -> TextFileReader.parse(content, "f", f, "text", "label")).getMessage();
    }

    @Test
    void quotedCommasQuotesAndLineBreaksAreOneField() {
        List<Row> rows = csv("id,text,label\r\n1,\"Hello, world\",a\n2,\"line one\nline two \"\"quoted\"\"\",b\n\n3,plain,a\n");
        assertEquals(3, rows.size());
        assertEquals(new Row("Hello, world", "a", 2), rows.get(0));
        assertEquals(new Row("line one\nline two \"quoted\"", "b", 3), rows.get(1));
        assertEquals(new Row("plain", "a", 6), rows.get(2));    // the record after the quoted break and the blank line
    }

    @Test
    void tsvWithOtherColumnNames() {
        List<Row> rows = TextFileReader.parse("body\tcat\nhi, you\tx\n\"tab\there\"\ty\n", "f.tsv", Format.TSV, "body",
                "cat");
        assertEquals(List.of(new Row("hi, you", "x", 2), new Row("tab\there", "y", 3)), rows);
    }

    @Test
    void jsonLinesWithEscapesSurrogatePairsAndNumericLabels() {
        List<Row> rows = TextFileReader.parse("{\"text\": \"a \\\"b\\\"\\n\\u00e9 \\ud83d\\ude00\", \"label\": \"x\"}\r\n\n"
                + "{\"label\": 3, \"text\": \"t\", \"other\": [1]}\n", "f.jsonl", Format.JSONL, "text", "label");
        assertEquals(List.of(new Row("a \"b\"\n\u00e9 \ud83d\ude00", "x", 1), new Row("t", "3", 3)), rows);
    }

    @Test
    void headerOnlyIsRefused() {
        assertEquals("f:2: header only, no data rows; expected at least one row after the header [text, label]",
                fails("text,label\n", Format.CSV));
    }

    @Test
    void aMissingColumnIsNamedWithTheHeader() {
        assertEquals("f:1: no column 'text' in the header [body, label]; expected --text-column to name one of them",
                fails("body,label\nx,y\n", Format.CSV));
        assertEquals("f:1: no column 'label' in the header [text, class]; expected --label-column to name one of them",
                fails("text,class\nx,y\n", Format.CSV));
    }

    @Test
    void aWrongNumberOfFieldsIsReportedAtItsLine() {
        assertEquals("f:3: 3 fields, the header has 2; expected 2 (quote a field that holds a comma or a line break "
                + "with \")", fails("text,label\nok,a\nnot, ok,b\n", Format.CSV));
        assertEquals("f:2: 1 field, the header has 2; expected 2 (quote a field that holds a tab or a line break with \")",
                fails("text\tlabel\nonly\n", Format.TSV));
    }

    @Test
    void malformedCsvAndJsonNameTheLine() {
        String m = fails("text,label\n\"never closed,a\n", Format.CSV);
        assertEquals("f:2: malformed CSV in the record that starts here (Missing closing quote for value at line 3); "
                + "expected CSV with \"-quoted fields", m);
        assertEquals(true, fails("{\"text\": \"a\", \"label\": \"b\"}\n{\"text\": oops}\n", Format.JSONL)
                .startsWith("f:2: malformed JSON ("));
        assertEquals("f:1: a JSON array, not an object; expected {\"text\": ..., \"label\": ...}",
                fails("[1, 2]\n", Format.JSONL));
        assertEquals("f:1: no \"label\" field; expected a field \"label\" (--label-column) holding the class name",
                fails("{\"text\": \"a\"}\n", Format.JSONL));
        assertEquals("f:1: \"text\" is not a string; expected a string field \"text\" (--text-column)",
                fails("{\"text\": 5, \"label\": \"a\"}\n", Format.JSONL));
        assertEquals("f:1: more than one JSON value on the line; expected one object per line",
                fails("{\"text\": \"a\", \"label\": \"b\"} {}\n", Format.JSONL));
    }

    @Test
    void textsOnlyAndTheLinesFormat() {
        assertNull(TextFileReader.parse("text\nhello\n", "f", Format.CSV, "text", null).get(0).label());
        assertEquals(List.of(new Row("a, b", null, 1), new Row("", null, 2), new Row("c", null, 3)),
                TextFileReader.parse("a, b\r\n\nc\n", "-", Format.LINES, "text", null));
        assertEquals("f:1: no records; expected at least one JSON object", fails("\n\n", Format.JSONL));
    }

    @Test
    void formatsByName() {
        assertEquals(Format.CSV, Format.ofName("a.CSV.gz"));
        assertEquals(Format.TSV, Format.ofName("a.tab"));
        assertEquals(Format.JSONL, Format.ofName("a.ndjson"));
        assertNull(Format.ofName("a.txt"));
        assertEquals(Format.LINES, Format.parse("lines"));
        assertThrows(IllegalArgumentException.class, () -> Format.parse("xml"));
    }

    @Test
    void aGroupColumnOrFieldIsReadWhenAskedFor() {
        List<Row> rows = TextFileReader.parse("text,label,gender\n\"he, said\",a,male\nshe,b,female\n", "f.csv",
                Format.CSV, "text", "label", "gender");
        assertEquals(List.of(new Row("he, said", "a", 2, "male"), new Row("she", "b", 3, "female")), rows);
        assertEquals(List.of(new Row("t", "x", 1, "7")), TextFileReader.parse(
                "{\"text\": \"t\", \"label\": \"x\", \"g\": 7}\n", "f.jsonl", Format.JSONL, "text", "label", "g"));
        assertNull(csv("text,label,gender\nx,a,m\n").get(0).group());
    }

    @Test
    void aMissingGroupColumnOrFieldIsNamed() {
        assertEquals("f:1: no column 'gender' in the header [text, label]; expected --group-column to name one of them",
                assertThrows(InputFileException.class, () -> TextFileReader.parse("text,label\nx,y\n", "f", Format.CSV,
                        "text", "label", "gender")).getMessage());
        assertEquals("f:2: no \"g\" field; expected a field \"g\" (--group-column) holding the group's name",
                assertThrows(InputFileException.class, () -> TextFileReader.parse(
                        "{\"text\": \"t\", \"label\": \"x\", \"g\": \"a\"}\n{\"text\": \"t\", \"label\": \"x\"}\n", "f",
                        Format.JSONL, "text", "label", "g")).getMessage());
    }

    /** The group column under another option's name: edp federated reads each example's device through it. */
    @Test
    void aGroupColumnReadForAnotherOptionNamesThatOption() {
        assertEquals(List.of(new Row("hi", "a", 2, "phone-1"), new Row("yo", "b", 3, "7")),
                TextFileReader.parse("user,text,label\nphone-1,hi,a\n7,yo,b\n", "f.csv", Format.CSV, "text", "label",
                        "user", "--device-column"));
        assertEquals("f.csv:1: no column 'user' in the header [text, label]; expected --device-column to name one of "
                + "them", assertThrows(InputFileException.class, () -> TextFileReader.parse("text,label\nhi,a\n",
                        "f.csv", Format.CSV, "text", "label", "user", "--device-column")).getMessage());
        assertEquals("f.jsonl:1: no \"user\" field; expected a field \"user\" (--device-column) holding the group's name",
                assertThrows(InputFileException.class, () -> TextFileReader.parse("{\"text\": \"hi\", \"label\": \"a\"}",
                        "f.jsonl", Format.JSONL, "text", "label", "user", "--device-column")).getMessage());
    }
}
