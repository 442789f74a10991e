package org.edp4j.cli.input;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edp4j.io.InputFileException;

/**
 * Reads texts (and labels) from CSV, TSV or JSON Lines, with the parsing done by Jackson
 * (jackson-dataformat-csv, jackson-databind): quoted fields may hold the separator, quotes
 * ({@code ""}) and line breaks; JSON strings may hold any escape.
 *
 * <ul>
 * <li><b>CSV / TSV</b>: the first record is the header; the text and label columns are found by
 *     name. Every record must have as many fields as the header. Fields may be quoted with
 *     {@code "} (in TSV too). Empty lines are skipped.</li>
 * <li><b>JSON Lines</b>: one JSON object per line, e.g. {@code {"text": "...", "label": "spam"}};
 *     the text must be a string, the label a string or a number (taken as its text). Blank lines
 *     are skipped.</li>
 * <li><b>lines</b> (prediction input only): every line is one text, no header.</li>
 * </ul>
 * The file's bytes are checked first by {@link TextDecoder} (gzip, UTF-8, NUL bytes, line length).
 * Every problem is an {@link InputFileException} with the line where the record starts.
 */
public final class TextFileReader {

    /** A file format. */
    public enum Format {
        /** Comma-separated values with a header. */
        CSV,
        /** Tab-separated values with a header. */
        TSV,
        /** One JSON object per line. */
        JSONL,
        /** One text per line (prediction input only). */
        LINES;

        /** @return the format's option value */
        public String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param name csv, tsv, jsonl or lines
         * @return the format
         * @throws IllegalArgumentException for another name
         */
        public static Format parse(String name) {
            for (Format f : values()) {
                if (f.optionName().equals(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--format must be csv, tsv, jsonl or lines, got '" + name + "'");
        }

        /**
         * The format a file name says: {@code .csv}, {@code .tsv} or {@code .tab}, {@code .jsonl},
         * {@code .ndjson} or {@code .json}, each optionally followed by {@code .gz}.
         *
         * @return the format, or null when the name says none
         */
        public static Format ofName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".gz")) {
                n = n.substring(0, n.length() - 3);
            }
            if (n.endsWith(".csv")) {
                return CSV;
            }
            if (n.endsWith(".tsv") || n.endsWith(".tab")) {
                return TSV;
            }
            if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
                return JSONL;
            }
            return null;
        }
    }

    /**
     * One record.
     *
     * @param text the text
     * @param label the label, or null when not asked for
     * @param line the 1-based line where the record starts
     * @param group the group column's value, or null when not asked for
     */
    public record Row(String text, String label, long line, String group) {
        /** A record without a group. */
        public Row(String text, String label, long line) {
            this(text, label, line, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

    private TextFileReader() {
    }

    /**
     * Parses decoded text.
     *
     * @param content the text ({@link TextDecoder#read})
     * @param name the file's name for messages
     * @param format the format
     * @param textColumn the text column (CSV/TSV) or field (JSON Lines)
     * @param labelColumn the label column or field, or null to read texts only
     * @return the rows, in file order; at least one
     * @throws InputFileException for the first problem (class javadoc)
     */
    public static List<Row> parse(String content, String name, Format format, String textColumn, String labelColumn) {
        return parse(content, name, format, textColumn, labelColumn, null);
    }

    /**
     * Parses decoded text, with a third column or field: a group (e.g. for {@code edp fairness --group-column}).
     *
     * @param groupColumn the group column or field (a string or number in JSON Lines), or null for none
     * @return the rows, in file order; at least one
     * @throws InputFileException for the first problem, a missing group column or field included
     * @see #parse(String, String, Format, String, String)
     */
    public static List<Row> parse(String content, String name, Format format, String textColumn, String labelColumn,
            String groupColumn) {
        return parse(content, name, format, textColumn, labelColumn, groupColumn, "--group-column");
    }

    /**
     * As {@link #parse(String, String, Format, String, String, String)}, with the option that names the
     * group column given for the messages (e.g. {@code --device-column} for {@code edp federated}, whose
     * groups are the devices that hold the examples).
     *
     * @param groupOption the option that names {@code groupColumn}, for messages
     */
    public static List<Row> parse(String content, String name, Format format, String textColumn, String labelColumn,
            String groupColumn, String groupOption) {
        List<Row> rows = switch (format) {
            case CSV -> separated(content, name, ',', textColumn, labelColumn, groupColumn, groupOption);
            case TSV -> separated(content, name, '\t', textColumn, labelColumn, groupColumn, groupOption);
            case JSONL -> jsonLines(content, name, textColumn, labelColumn, groupColumn, groupOption);
            case LINES -> {
                if (labelColumn != null || groupColumn != null) {
                    throw new IllegalArgumentException("the lines format has no labels");
                }
                yield lines(content);
            }
        };
        if (rows.isEmpty()) {
            throw new InputFileException(name, 1, "no records; expected at least one "
                    + (format == Format.JSONL ? "JSON object" : "text"));
        }
        return rows;
    }

    private static List<Row> lines(String content) {
        List<Row> rows = new ArrayList<>();
        String[] ls = content.split("\r?\n", -1);
        int n = ls.length;
        if (n > 0 && ls[n - 1].isEmpty()) {
            n--;    // the final line break ends the last line; it does not start an empty one
        }
        for (int i = 0; i < n; i++) {
            rows.add(new Row(ls[i], null, i + 1));
        }
        return rows;
    }

    private static List<Row> separated(String content, String name, char separator, String textColumn,
            String labelColumn, String groupColumn, String groupOption) {
        String kind = separator == ',' ? "CSV" : "TSV";
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(separator).withQuoteChar('"')
                .withoutEscapeChar();
        List<Row> rows = new ArrayList<>();
        long[] recordStart = {1};
        try (CsvParser p = (CsvParser) CSV.getFactory().createParser(content)) {
            p.setSchema(schema);
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new InputFileException(name, 1, "empty file; expected a header line");
            }
            List<String> header = null;
            int textAt = -1;
            int labelAt = -1;
            int groupAt = -1;
            while (true) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.END_ARRAY || t == null) {
                    break;
                }
                // at a row's START_ARRAY the parser stands where the record starts (blank lines skipped)
                long line = p.currentLocation().getLineNr();
                recordStart[0] = line;
                List<String> fields = new ArrayList<>();
                while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
                    fields.add(p.getText());
                }
                if (header == null) {
                    header = fields;
                    textAt = header.indexOf(textColumn);
                    if (textAt < 0) {
                        throw new InputFileException(name, line, "no column '" + textColumn + "' in the header "
                                + header + "; expected --text-column to name one of them");
                    }
                    if (labelColumn != null) {
                        labelAt = header.indexOf(labelColumn);
                        if (labelAt < 0) {
                            throw new InputFileException(name, line, "no column '" + labelColumn + "' in the header "
                                    + header + "; expected --label-column to name one of them");
                        }
                    }
                    if (groupColumn != null) {
                        groupAt = header.indexOf(groupColumn);
                        if (groupAt < 0) {
                            throw new InputFileException(name, line, "no column '" + groupColumn + "' in the header "
                                    + header + "; expected " + groupOption + " to name one of them");
                        }
                    }
                    continue;
                }
                if (fields.size() != header.size()) {
                    throw new InputFileException(name, line, fields.size() + " field" + (fields.size() == 1 ? "" : "s")
                            + ", the header has " + header.size() + "; expected " + header.size() + " (quote a field "
                            + "that holds a " + (separator == ',' ? "comma" : "tab") + " or a line break with \")");
                }
                String label = labelAt < 0 ? null : fields.get(labelAt);
                rows.add(new Row(fields.get(textAt), label, line, groupAt < 0 ? null : fields.get(groupAt)));
            }
            if (header == null) {
                throw new InputFileException(name, 1, "empty file; expected a header line");
            }
            if (rows.isEmpty()) {
                throw new InputFileException(name, 2, "header only, no data rows; expected at least one row after the "
                        + "header " + header);
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new InputFileException(name, recordStart[0], "malformed " + kind + " in the record that starts here ("
                    + e.getOriginalMessage() + (loc == null ? "" : " at line " + loc.getLineNr()) + "); expected "
                    + kind + " with \"-quoted fields");
        } catch (IOException e) {
            throw new InputFileException(name, 0, "cannot parse it (" + e.getMessage() + ")");
        }
        return rows;
    }

    private static List<Row> jsonLines(String content, String name, String textField, String labelField,
            String groupField, String groupOption) {
        List<Row> rows = new ArrayList<>();
        String[] ls = content.split("\n", -1);
        for (int i = 0; i < ls.length; i++) {
            String l = ls[i];
            long line = i + 1;
            if (l.isBlank()) {
                continue;
            }
            JsonNode node;
            try (JsonParser p = JSON.getFactory().createParser(l)) {
                node = JSON.readTree(p);
                if (p.nextToken() != null) {
                    throw new InputFileException(name, line, "more than one JSON value on the line; expected one "
                            + "object per line");
                }
            } catch (JsonProcessingException e) {
                throw new InputFileException(name, line, "malformed JSON (" + e.getOriginalMessage()
                        + "); expected one JSON object per line");
            } catch (IOException e) {
                throw new InputFileException(name, line, "cannot parse it (" + e.getMessage() + ")");
            }
            if (node == null || !node.isObject()) {
                throw new InputFileException(name, line, "a JSON " + (node == null ? "nothing" : node.getNodeType()
                        .name().toLowerCase(Locale.ROOT)) + ", not an object; expected {\"" + textField + "\": ..."
                        + (labelField == null ? "" : ", \"" + labelField + "\": ...") + "}");
            }
            JsonNode text = node.get(textField);
            if (text == null || !text.isTextual()) {
                throw new InputFileException(name, line, (text == null ? "no \"" + textField + "\" field"
                        : "\"" + textField + "\" is not a string") + "; expected a string field \"" + textField
                        + "\" (--text-column)");
            }
            String label = scalar(node, labelField, "--label-column", "the class name", name, line);
            String group = scalar(node, groupField, groupOption, "the group's name", name, line);
            rows.add(new Row(text.asText(), label, line, group));
        }
        return rows;
    }

    /** A string, number or boolean field as text; null when {@code field} is null. */
    private static String scalar(JsonNode node, String field, String option, String what, String name, long line) {
        if (field == null) {
            return null;
        }
        JsonNode v = node.get(field);
        if (v == null || !(v.isTextual() || v.isNumber() || v.isBoolean())) {
            throw new InputFileException(name, line, (v == null ? "no \"" + field + "\" field"
                    : "\"" + field + "\" is not a string or number") + "; expected a field \"" + field + "\" ("
                    + option + ") holding " + what);
        }
        return v.asText();
    }
}
