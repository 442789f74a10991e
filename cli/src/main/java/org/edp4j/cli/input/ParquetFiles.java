package org.edp4j.cli.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.edp4j.io.InputFileException;

/**
 * Labelled Parquet files, which the commands read through Spark ({@code --engine spark}): a command
 * that runs on Spark installs its session's reader for the time of the command, and
 * {@link LabelledFiles} reads a {@code .parquet} file through it. Without one, a Parquet file is
 * refused with the option to add.
 */
public final class ParquetFiles {

    /** Reads a file's text, label and (optional) group columns, one {@code {text, label, group}} per row. */
    @FunctionalInterface
    public interface Reader {
        /** @throws IllegalArgumentException for a missing column or a null value */
        List<String[]> read(Path file, String textColumn, String labelColumn, String groupColumn);
    }

    private static volatile Reader reader;

    private ParquetFiles() {
    }

    /**
     * Installs {@code r} until the returned handle is closed.
     *
     * @return closes the installation (the previous reader, if any, is not restored: one command at a time)
     */
    public static AutoCloseable install(Reader r) {
        reader = Objects.requireNonNull(r, "reader");
        return () -> reader = null;
    }

    /** @return whether the file name says Parquet ({@code .parquet}, any case) */
    public static boolean isParquet(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".parquet");
    }

    /** Reads a Parquet file as rows of the text readers (line = 1-based row). */
    static List<TextFileReader.Row> read(Path file, String textColumn, String labelColumn, String groupColumn,
            String groupOption) {
        String name = file.toString();
        Reader r = reader;
        if (r == null) {
            throw new InputFileException(name, 0, "a Parquet file is read by Spark; expected --engine spark (or a "
                    + ".csv, .tsv or .jsonl file)");
        }
        List<String[]> rows;
        try {
            rows = r.read(file, textColumn, labelColumn, groupColumn);
        } catch (IllegalArgumentException e) {
            throw new InputFileException(name, 0, e.getMessage() + "; expected columns --text-column " + textColumn
                    + ", --label-column " + labelColumn + (groupColumn == null ? "" : ", " + groupOption + " "
                    + groupColumn));
        } catch (RuntimeException e) {
            throw new InputFileException(name, 0, "cannot be read as Parquet: " + e.getMessage());
        }
        List<TextFileReader.Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            String[] v = rows.get(i);
            out.add(new TextFileReader.Row(v[0], v[1], i + 1, groupColumn == null ? null : v[2]));
        }
        if (out.isEmpty()) {
            throw new InputFileException(name, 0, "no rows; expected labelled texts");
        }
        return out;
    }
}
