package org.edp4j.cli.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.edp4j.audit.Permutation;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.TextDataset;
import org.edp4j.data.TextExample;
import org.edp4j.io.InputFileException;

/**
 * The user's labelled texts as a train/test split: a training file, and a test file or a seeded,
 * stratified fraction of the training file.
 *
 * <ul>
 * <li>Labels are strings; the classes are the distinct training labels in {@link String#compareTo}
 *     order (class {@code k} is the k-th name), {@value #MIN_CLASSES} to {@value #MAX_CLASSES} of them.
 *     A label must be non-empty and hold no line break.</li>
 * <li>A test file's labels must all occur in the training file.</li>
 * <li>{@code --test-fraction F}: within each class, the rows are shuffled by a generator seeded with
 *     the seed, and the first {@code round(F n_c)} go to the test split, but at least one row of every
 *     class stays in training. Both splits keep file order.</li>
 * </ul>
 * Each example's group is the file name and its id the line where its record starts. With a device
 * column (federated learning) each training example also carries the id of its device, in the
 * training split's order.
 */
public final class LabelledFiles {

    /** Fewest classes. */
    public static final int MIN_CLASSES = 2;
    /** Most classes. */
    public static final int MAX_CLASSES = 1000;

    private LabelledFiles() {
    }

    /**
     * The loaded splits and how they were made.
     *
     * @param splits the datasets
     * @param split {@code "file NAME"} or {@code "fraction F seed S"}
     * @param trainDevices the device id of each training example, in the training split's order, or
     *     null without a device column
     */
    public record Loaded(DatasetSplits splits, String split, List<String> trainDevices) {
    }

    /**
     * Reads, checks and splits.
     *
     * @param train the training file
     * @param test the test file, or null to split the training file
     * @param testFraction used when test is null, in (0, 1)
     * @param seed the split's seed
     * @param textColumn the text column or field
     * @param labelColumn the label column or field
     * @return the splits
     * @throws InputFileException for the first problem of either file
     */
    public static Loaded load(Path train, Path test, double testFraction, long seed, String textColumn,
            String labelColumn) {
        return load(train, test, testFraction, seed, textColumn, labelColumn, null);
    }

    /**
     * Reads, checks and splits, with each training example's device id read from {@code deviceColumn}
     * of the training file (the test file needs none).
     *
     * @param deviceColumn the device column or field of the training file, or null for none
     * @return the splits and, with a device column, the training examples' device ids
     * @throws InputFileException for the first problem of either file, a missing or empty device id included
     */
    public static Loaded load(Path train, Path test, double testFraction, long seed, String textColumn,
            String labelColumn, String deviceColumn) {
        String trainName = train.toString();
        List<TextFileReader.Row> trainRows = read(train, textColumn, labelColumn, deviceColumn, "--device-column");
        if (deviceColumn != null) {
            for (TextFileReader.Row r : trainRows) {
                if (r.group().isEmpty()) {
                    throw new InputFileException(trainName, r.line(), "empty device id; expected the id of the device "
                            + "that holds the example (--device-column)");
                }
            }
        }
        TreeSet<String> names = new TreeSet<>();
        for (TextFileReader.Row r : trainRows) {
            checkLabel(trainName, r);
            if (names.add(r.label()) && names.size() > MAX_CLASSES) {
                throw new InputFileException(trainName, r.line(), "label '" + r.label() + "' is class number "
                        + names.size() + "; expected at most " + MAX_CLASSES + " classes");
            }
        }
        if (names.size() < MIN_CLASSES) {
            throw new InputFileException(trainName, 0, "one class only ('" + names.first() + "' in all "
                    + trainRows.size() + " rows); expected " + MIN_CLASSES + " to " + MAX_CLASSES + " classes");
        }
        List<String> classes = List.copyOf(names);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        List<TextExample> trainEx = examples(trainRows, index, trainName);
        if (test != null) {
            String testName = test.toString();
            List<TextFileReader.Row> testRows = read(test, textColumn, labelColumn);
            for (TextFileReader.Row r : testRows) {
                checkLabel(testName, r);
                if (!index.containsKey(r.label())) {
                    throw new InputFileException(testName, r.line(), "label '" + r.label() + "' never occurs in the "
                            + "training file " + trainName + "; expected one of " + shortList(classes));
                }
            }
            return new Loaded(new DatasetSplits(TextDataset.of(trainEx, classes),
                    TextDataset.of(examples(testRows, index, testName), classes)), "file " + testName,
                    devices(trainRows, null));
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        boolean[] isTest = new boolean[trainEx.size()];
        SplittableRandom rng = new SplittableRandom(seed ^ 0x7E57F7AC7L);
        for (int c = 0; c < classes.size(); c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < trainEx.size(); i++) {
                if (trainEx.get(i).label() == c) {
                    members.add(i);
                }
            }
            int[] order = Permutation.of(members.size(), rng);
            int take = (int) Math.min(members.size() - 1, Math.round(testFraction * members.size()));
            for (int j = 0; j < take; j++) {
                isTest[members.get(order[j])] = true;
            }
        }
        List<TextExample> tr = new ArrayList<>();
        List<TextExample> te = new ArrayList<>();
        for (int i = 0; i < trainEx.size(); i++) {
            (isTest[i] ? te : tr).add(trainEx.get(i));
        }
        if (te.isEmpty()) {
            throw new InputFileException(trainName, 0, "too few rows (" + trainEx.size() + ") for a test split of "
                    + testFraction + "; expected more rows, a larger --test-fraction or a --test file");
        }
        return new Loaded(new DatasetSplits(TextDataset.of(tr, classes), TextDataset.of(te, classes)),
                "fraction " + testFraction + " seed " + seed, devices(trainRows, isTest));
    }

    /** The device ids of the rows that stay in training (all when {@code isTest} is null), or null without them. */
    private static List<String> devices(List<TextFileReader.Row> rows, boolean[] isTest) {
        if (rows.get(0).group() == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (isTest == null || !isTest[i]) {
                out.add(rows.get(i).group());
            }
        }
        return List.copyOf(out);
    }

    /** Reads a file in the format its name says. */
    static List<TextFileReader.Row> read(Path file, String textColumn, String labelColumn) {
        return read(file, textColumn, labelColumn, null);
    }

    /**
     * Reads a labelled file in the format its name says ({@code .csv}, {@code .tsv}, {@code .jsonl},
     * optionally {@code .gz}; {@code .parquet} through Spark, {@link ParquetFiles}), with an optional group column.
     *
     * @param groupColumn the group column or field, or null for none
     * @return the rows, in file order
     * @throws InputFileException for an unknown format or the first problem of the file
     */
    public static List<TextFileReader.Row> read(Path file, String textColumn, String labelColumn, String groupColumn) {
        return read(file, textColumn, labelColumn, groupColumn, "--group-column");
    }

    /** As {@link #read(Path, String, String, String)}, naming {@code groupOption} in the messages. */
    static List<TextFileReader.Row> read(Path file, String textColumn, String labelColumn, String groupColumn,
            String groupOption) {
        String name = file.toString();
        if (ParquetFiles.isParquet(name)) {
            return ParquetFiles.read(file, textColumn, labelColumn, groupColumn, groupOption);
        }
        TextFileReader.Format format = TextFileReader.Format.ofName(name);
        if (format == null) {
            throw new InputFileException(name, 0, "unknown format; expected a name ending in .csv, .tsv or .jsonl "
                    + "(optionally followed by .gz), or .parquet with --engine spark");
        }
        return TextFileReader.parse(TextDecoder.read(file, name), name, format, textColumn, labelColumn, groupColumn,
                groupOption);
    }

    private static void checkLabel(String name, TextFileReader.Row r) {
        if (r.label().isEmpty()) {
            throw new InputFileException(name, r.line(), "empty label; expected a class name");
        }
        if (r.label().indexOf('\n') >= 0 || r.label().indexOf('\r') >= 0) {
            throw new InputFileException(name, r.line(), "a label with a line break; expected a one-line class name");
        }
    }

    private static List<TextExample> examples(List<TextFileReader.Row> rows, Map<String, Integer> index, String name) {
        List<TextExample> out = new ArrayList<>(rows.size());
        for (TextFileReader.Row r : rows) {
            out.add(new TextExample(r.text(), index.get(r.label()), name, Long.toString(r.line())));
        }
        return out;
    }

    private static String shortList(List<String> names) {
        return names.size() <= 10 ? names.toString()
                : names.subList(0, 10).toString().replace("]", ", ... (" + names.size() + " in all)]");
    }
}
