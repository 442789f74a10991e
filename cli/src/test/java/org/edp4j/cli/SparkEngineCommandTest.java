package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --engine spark} of {@code edp federated} and {@code edp train} on {@code local[2]}: the
 * options it refuses before any work, the same results as {@code --engine local} with the same
 * seeded keys, and Parquet input.
 *
 * <p>"The same results": the epsilons are equal exactly (the same accounting), and every test
 * accuracy within two test examples: the models differ by float rounding only (the spark module's
 * equality tests bound the weights to {@code 1e-5 + 1e-4 |w|}), which can move an example that sits
 * on the decision boundary.
 */
class SparkEngineCommandTest {
    /**
     * One session for the whole class (the commands join it instead of starting their own, which
     * costs seconds each); stopped after the last test.
     */
    static SparkSession session;

    @org.junit.jupiter.api.BeforeAll
    static void startSpark() {
        session = SparkSession.builder().master("local[2]").appName("edp-cli-tests")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @org.junit.jupiter.api.AfterAll
    static void stopSpark() {
        session.stop();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "federated --master local[2]|--master applies to --engine spark",
        "federated --partitions 3|--partitions applies to --engine spark",
        "federated --engine flink|--engine must be local or spark, got 'flink'",
        "federated --engine spark|--engine spark needs --master URL (e.g. local[2]), or spark-submit --master",
        "federated --engine spark --master local[2] --threads 2|--threads applies to --engine local",
        "federated --engine spark --master local[2] --partitions 0|--partitions must be >= 1, got 0",
        "train --master local[2]|--master applies to --engine spark",
        "train --engine spark|--engine spark needs --master URL",
        "train --engine spark --master local[2] --checkpoint ck|--checkpoint applies to --engine local",
        "train --engine spark --master local[2] --backend cuda|--backend cuda applies to --engine local",
        "train --engine spark --master local[2] --counterfactual-augment|--counterfactual-augment applies to --engine local",
        "train --train data.parquet|--train data.parquet: a Parquet file is read by Spark; add --engine spark",
    })
    void sparkOptionsAreCheckedBeforeAnyWork(String args, String expected) {
        EdpRun o = EdpRun.run(args.split(" "));
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertEquals("", o.out());
        assertTrue(Files.notExists(Path.of("ck")), "nothing written");
    }

    @Test
    void federatedOnSparkGivesTheLocalResults(@TempDir Path dir) throws Exception {
        List<String> base = List.of("federated", "--max-train", "300", "--devices", "40", "--clients-per-round", "8",
                "--rounds", "4", "--vocab-size", "300", "--max-len", "16", "--dim", "8", "--hidden", "8", "--storage",
                "3", "--insecure-seed-noise", "--no-progress", "--selection", "uniform,activity", "--setting",
                "continual", "--no-compare-nondp");
        Path local = dir.resolve("local.json");
        Path spark = dir.resolve("spark.json");
        EdpRun l = EdpRun.run(with(base, "--threads", "2", "--json", local.toString()));
        assertEquals(0, l.code(), l.err());
        EdpRun s = EdpRun.run(with(base, "--engine", "spark", "--master", "local[2]", "--partitions", "3", "--json",
                spark.toString()));
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains("engine spark (local[2], 3 partitions)"), s.err());
        assertSameRuns(Files.readString(local), Files.readString(spark), "epsilon", 1180);
    }

    @Test
    void trainOnSparkGivesTheLocalResultsAndReadsParquet(@TempDir Path dir) throws Exception {
        // 240 labelled texts as CSV and as Parquet (written by Spark), the same rows in the same order.
        StringBuilder csv = new StringBuilder("text,label\n");
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            boolean spam = i % 3 == 0;
            String text = (spam ? "win money now free offer " : "meeting notes for monday ") + "item " + i;
            csv.append(text).append(',').append(spam ? "spam" : "ham").append('\n');
            rows.add(RowFactory.create(text, spam ? "spam" : "ham"));
        }
        Path csvFile = dir.resolve("train.csv");
        Files.writeString(csvFile, csv.toString());
        Path parquet = dir.resolve("train.parquet");
        StructType schema = new StructType().add("text", DataTypes.StringType).add("label", DataTypes.StringType);
        session.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet.toString());

        List<String> base = List.of("train", "--batch-size", "40", "--epochs", "1", "--max-len", "16",
                "--vocabulary", "hashed:300", "--dim", "8", "--hidden", "8", "--insecure-seed-noise", "--no-progress");
        Path local = dir.resolve("local.json");
        Path spark = dir.resolve("spark.json");
        Path fromParquet = dir.resolve("parquet.json");
        EdpRun l = EdpRun.run(with(base, "--train", csvFile.toString(), "--json", local.toString()));
        assertEquals(0, l.code(), l.err());
        EdpRun s = EdpRun.run(with(base, "--train", csvFile.toString(), "--engine", "spark", "--master", "local[2]",
                "--json", spark.toString()));
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains("engine spark (local[2], "), s.err());
        assertTrue(s.out().contains("test accuracy"), s.out());
        assertSameRuns(Files.readString(local), Files.readString(spark), "epsilon", 48);
        EdpRun p = EdpRun.run(with(base, "--train", parquet.toString(), "--engine", "spark", "--master", "local[2]",
                "--no-compare-nondp", "--json", fromParquet.toString()));
        assertEquals(0, p.code(), p.err());
        assertSameRuns(Files.readString(spark), Files.readString(fromParquet), "epsilon", 48);
    }

    /**
     * The JSON of two runs: every epsilon equal, every accuracy within two of {@code testSize} test examples.
     */
    static void assertSameRuns(String a, String b, String epsilonKey, int testSize) {
        List<Double> ea = numbers(a, "\"" + epsilonKey + "\":");
        List<Double> eb = numbers(b, "\"" + epsilonKey + "\":");
        assertTrue(!ea.isEmpty(), a);
        assertEquals(ea, eb, "the same accounting");
        List<Double> aa = numbers(a, "\"accuracy\":");
        List<Double> ab = numbers(b, "\"accuracy\":");
        assertEquals(aa.size(), ab.size());
        for (int i = 0; i < aa.size(); i++) {
            assertEquals(aa.get(i), ab.get(i), 2.0 / testSize + 1e-12, "accuracy " + i + ": " + aa + " vs " + ab);
        }
    }

    private static List<Double> numbers(String json, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "(-?[0-9.]+(?:E-?[0-9]+)?)").matcher(json);
        List<Double> out = new ArrayList<>();
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    private static String[] with(List<String> base, String... more) {
        List<String> l = new ArrayList<>(base);
        l.addAll(List.of(more));
        return l.toArray(new String[0]);
    }
}
