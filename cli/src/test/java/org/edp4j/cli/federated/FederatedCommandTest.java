package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edp4j.cli.EdpRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code edp federated}: bad options exit 2 before any work; a short run prints, writes JSON and a PNG. */
class FederatedCommandTest {

    /** A run of a few seconds: 300 emails over 40 devices, 8 per round, 4 rounds, short sequences. */
    static final String[] SMALL = {"--max-train", "300", "--devices", "40", "--clients-per-round", "8", "--rounds", "4",
        "--vocab-size", "300", "--max-len", "16", "--dim", "8", "--hidden", "8", "--storage", "3",
        "--insecure-seed-noise", "--no-progress"};

    static String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("federated"));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--devices 0|--devices must be in [1, 10000000], got 0",
        "--partition zipf:2|--partition must be iid, dirichlet:A (A > 0) or quantity:S (S >= 0), got 'zipf:2'",
        "--partition dirichlet:0|--partition must be iid, dirichlet:A (A > 0) or quantity:S (S >= 0), got 'dirichlet:0'",
        "--partition quantity:-1|--partition must be",
        "--selection random|--selection values must be uniform or activity, got 'random'",
        "--selection uniform,uniform|--selection lists 'uniform' twice",
        "--setting streaming|--setting values must be static or continual, got 'streaming'",
        "--clients-per-round 0|--clients-per-round must be in [1, 1000] (the number of devices), got 0",
        "--clients-per-round 2000|--clients-per-round must be in [1, 1000]",
        "--activity-cap 0.5|--activity-cap must be in [1, 10]",
        "--rounds 0|--rounds must be in [1, 100000], got 0",
        "--local-epochs 0|--local-epochs must be in [1, 1000], got 0",
        "--local-batch-size 0|--local-batch-size must be in [1, 4096], got 0",
        "--local-lr -1|--local-lr must be > 0 and finite, got -1.0",
        "--storage 0|--storage must be >= 1, got 0",
        "--server-optimizer rmsprop|--server-optimizer must be adam or sgd, got 'rmsprop'",
        "--server-lr 0|--server-lr must be > 0 and finite, got 0.0",
        "--clip 0|--clip must be > 0 and finite, got 0.0",
        "--clipping ghost|--clipping must be one of flat|per-layer|automatic|adaptive, got 'ghost'",
        "--target-epsilon 0|--target-epsilon must be > 0 and finite, got 0.0",
        "--target-epsilon 1e-9|targetEpsilon 1.0E-9 is too small",
        "--delta 1|--delta must be in (0, 1), got 1.0",
        "--vocab-size 2|--vocab-size must be in [3, 1000000], got 2",
        "--dim 1000000|the embedding table (--vocab-size x --dim) = 4000 x 1000000 = 4000000000 values, over the limit",
        "--threads 0|--threads must be in [1, 256], got 0",
        "--max-train 1|--max-train must be >= 2, got 1",
        "--eval-every 0|--eval-every must be >= 1, got 0",
        "--plot out.jpg|--plot must name a .png file, got out.jpg",
        "--json /no/such/dir/r.json|--json /no/such/dir/r.json: directory /no/such/dir does not exist",
        "--rounds many|Invalid value for option '--rounds'",
        "--device-column user|--device-column needs --train (the bundled corpus names no devices)",
        "--train a.csv --device-column user --devices 10|--devices and --partition do not apply with --device-column",
        "--train a.csv --max-train 10|--max-train applies to the bundled corpus; with --train all rows are used",
        "--train a.csv --test b.csv --test-fraction 0.3|give --test or --test-fraction, not both",
        "--test-fraction 0.3|--test-fraction needs --train",
        "--train /no/such/file.csv|/no/such/file.csv: ",
        "--no-such-option|Unknown option",
    })
    void badOptionsAreOneLineAndExitCode2BeforeAnyWork(String options, String expected) {
        List<String> a = new ArrayList<>(List.of("federated"));
        a.addAll(List.of(options.split(" ")));
        EdpRun o = EdpRun.run(a.toArray(new String[0]));
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertTrue(o.err().startsWith("edp federated: "), o.err());
        assertEquals("", o.out());
    }

    @Test
    void aDirectoryAsJsonIsRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("p.png");
        EdpRun o = EdpRun.run(args("--json", dir.toString(), "--plot", png.toString()));
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("is a directory"), o.err());
        assertFalse(Files.exists(png), "nothing written");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void shortRunPrintsTheTableAndWritesJsonAndPng(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Path png = dir.resolve("Curve.PNG");
        EdpRun o = EdpRun.run(args("--json", json.toString(), "--plot", png.toString(), "--threads", "2"));
        assertEquals(0, o.code(), o.err());
        for (String row : List.of("static     uniform  ", "static     activity  ", "continual  uniform  ",
                "continual  activity  ", "static     uniform, non-DP", "static     activity, non-DP")) {
            assertTrue(o.out().contains(row), row + " in\n" + o.out());
        }
        assertTrue(o.err().contains("NOT PRIVATE"), "the seeded noise is announced");
        String all = (o.out() + o.err()).toLowerCase(java.util.Locale.ROOT);
        assertFalse(all.contains("loss"), "no training loss is printed");
        String j = Files.readString(json);
        for (String key : List.of("\"target_epsilon\":3.0", "\"delta\":1.0E-5", "\"setting\":\"continual\"",
                "\"selection\":\"activity\"", "\"epsilon_prv\":", "\"noise_multiplier\":", "\"curve\":[[1,",
                "\"accounted_rate\":0.2,", "\"accounted_rate\":0.3,", "\"config\":{\"train\":\"\",\"test\":\"\",\"devices\":\"40\"")) {
            assertTrue(j.contains(key), key + " in " + j);
        }
        Matcher m = Pattern.compile("\"private\":true,\"accuracy\":[0-9.E-]+,\"epsilon\":([0-9.E-]+)").matcher(j);
        int runs = 0;
        while (m.find()) {
            double eps = Double.parseDouble(m.group(1));
            assertTrue(eps <= 3.0 && eps > 2.9, "spent " + eps + " of the target 3");
            runs++;
        }
        assertEquals(4, runs);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, head, "a PNG under the name given");
    }

    /** Same seeds and keys: the same accuracies with one device thread or three. */
    @Test
    void theResultDoesNotDependOnTheThreadCount(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one.json");
        Path three = dir.resolve("three.json");
        String[] base = {"--selection", "activity", "--setting", "continual", "--no-compare-nondp"};
        assertEquals(0, EdpRun.run(concat(args(base), "--threads", "1", "--json", one.toString())).code());
        assertEquals(0, EdpRun.run(concat(args(base), "--threads", "3", "--json", three.toString())).code());
        assertEquals(curves(Files.readString(one)), curves(Files.readString(three)));
    }

    private static String curves(String json) {
        Matcher m = Pattern.compile("\"curve\":\\[[^]]*(\\][^]]*)*\\]\\]").matcher(json);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            sb.append(m.group());
        }
        assertFalse(sb.isEmpty(), json);
        return sb.toString();
    }

    private static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(new String[0]);
    }

    /** 60 texts over 12 named devices: words that say the label, so a few rounds learn something. */
    static Path deviceFile(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("user,text,label\n");
        for (int i = 0; i < 60; i++) {
            boolean spam = i % 3 == 0;
            sb.append("u").append(i % 12).append(',').append(spam ? "win money now free offer" : "meeting notes for "
                    + "monday").append(" number ").append(i).append(',').append(spam ? "spam" : "ham").append('\n');
        }
        Path f = dir.resolve("devices.csv");
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void ownFileWithADeviceColumnRunsOverItsDevices(@TempDir Path dir) throws Exception {
        Path f = deviceFile(dir);
        Path json = dir.resolve("r.json");
        EdpRun o = EdpRun.run("federated", "--train", f.toString(), "--device-column", "user", "--clients-per-round", "4",
                "--rounds", "3", "--vocab-size", "64", "--max-len", "12", "--dim", "4", "--hidden", "4",
                "--insecure-seed-noise", "--no-progress", "--setting", "static", "--json", json.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("over 12 devices (--device-column user)"), o.err());
        assertTrue(o.err().contains("hashed vocabulary of 64 ids"), o.err());
        assertTrue(o.out().contains("12 devices"), o.out());
        String j = Files.readString(json);
        assertTrue(j.contains("\"device-column\":\"user\"") && j.contains("\"partition\":\"device-column\""), j);
        assertTrue(j.contains("\"accounted_rate\":0.3333333333333333,"), "K/N = 4/12: " + j);
    }

    @Test
    void aFileWithFewerDevicesThanKOrABadRowExits2(@TempDir Path dir) throws Exception {
        Path f = deviceFile(dir);
        EdpRun few = EdpRun.run("federated", "--train", f.toString(), "--device-column", "user", "--clients-per-round", "20",
                "--no-progress");
        assertEquals(2, few.code(), few.err());
        assertEquals("edp federated: --clients-per-round must be in [1, 12] (the number of devices), got 20 (12 devices "
                + "in " + f + ") (see --help)", few.err().strip());
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "user,text,label\nu1,hi,spam\n,yo,ham\n");
        EdpRun empty = EdpRun.run("federated", "--train", bad.toString(), "--device-column", "user", "--no-progress");
        assertEquals(2, empty.code(), empty.err());
        assertEquals("edp federated: " + bad + ":3: empty device id; expected the id of the device that holds the "
                + "example (--device-column)", empty.err().strip());
        assertEquals("", empty.out());
    }
}
