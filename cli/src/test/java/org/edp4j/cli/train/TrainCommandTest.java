package org.edp4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edp4j.cli.EdpRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code edp train} command line: bad options, a short end-to-end run, JSON, plot, checkpoint errors. */
class TrainCommandTest {

    /** A run that takes a second or two: 300 emails, 6 steps per epoch, short sequences. */
    static final String[] SMALL = {"--max-train", "300", "--batch-size", "50", "--max-len", "32",
        "--vocab-size", "500", "--insecure-seed-noise", "--no-progress", "--backend", "cpu"};

    static String[] small(String... more) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--delta 1|--delta must be in (0, 1), got 1.0",
        "--delta 0|--delta must be in (0, 1)",
        "--batch-size 5000|--batch-size must be in [1, 4717] (the training set size), got 5000",
        "--model encoder --heads 3|--dim (32) must be a multiple of --heads (3)",
        "--model encoder --layers 0|--layers must be >= 1, got 0",
        "--layers 2|--layers and --heads apply to the encoder only",
        "--model transformer|unknown model 'transformer'; available models: bag, encoder",
        "--clipping bogus|--clipping must be one of flat|per-layer|automatic|adaptive",
        "--target-epsilon 1 --noise-multiplier 1|not both",
        "--target-epsilon -1|--target-epsilon must be > 0",
        "--noise-schedule decay:2|--noise-schedule must be 'constant' or 'decay:R'",
        "--epochs 0|--epochs must be >= 1",
        "--backend tpu|--backend must be auto, cpu or cuda",
        "--no-such-option|Unknown option",
        "--epochs many|Invalid value for option '--epochs'",
        "--sweep-epsilon 1,2 --checkpoint x|cannot be combined with --checkpoint",
        "--plot out.jpg|--plot must name a .png file",
        "--test t.csv|--test needs --train",
        "--test-fraction 0.3|--test-fraction needs --train",
        "--vocab-share 1.5|--vocab-share must be in (0, 1), got 1.5",
        "--vocabulary hashed:2|--vocabulary hashed:V needs an integer V >= 3, got 'hashed:2'",
        "--vocabulary hashed:100 --vocab-share 0.3|apply to --vocabulary dp only",
        "--vocabulary hashed:100 --vocab-buckets 10|--vocab-buckets applies to a dp or file vocabulary",
        "--vocab-buckets -1|--vocab-buckets must be in [0, 10000000], got -1",
        "--vocabulary /no/such/vocab.txt|/no/such/vocab.txt: no such file",
        "--train /no/such/train.csv|/no/such/train.csv: no such file; expected a CSV, TSV or JSON Lines file",
        "--save /no/such/dir/m.edp|--save /no/such/dir/m.edp: directory /no/such/dir does not exist",
        "--save m.edp --sweep-epsilon 1,2|--save keeps one model; drop --sweep-epsilon",
        "--save-non-private m.edp --no-compare-nondp|--save-non-private needs the non-private run",
        "--save-non-private m.edp --sweep-epsilon 1,2|--save-non-private keeps one model",
        "--save-non-private /no/such/dir/m.edp|--save-non-private /no/such/dir/m.edp: directory /no/such/dir does not exist",
        "--pairs p.tsv|--pairs needs --counterfactual-augment",
        "--counterfactual-augment --pairs /no/such/pairs.tsv|/no/such/pairs.tsv: no such file; expected a word-pairs file",
    })
    void badOptionsAreOneLineAndExitCode2(String args, String expected) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(args.split(" ")));
        EdpRun o = EdpRun.run(a.toArray(new String[0]));
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertEquals("", o.out());
    }

    /**
     * Sizes whose product overflows an int: refused by name, with the limit, before any work
     * (main printed {@code error: -1800967296} after loading the corpus).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--dim 1000000|the embedding table ((--vocab-size + --vocab-buckets) x --dim) = 16000 x 1000000 = "
            + "16000000000 values, over the limit of 2147483647 (2^31 - 1) values per tensor",
        "--dim 300000 --vocabulary hashed:10000|the embedding table ((--vocabulary hashed:10000) x --dim) = 10000 x "
            + "300000 = 3000000000 values",
        "--model encoder --max-len 4096 --heads 32|the attention weights (batch capacity x --heads x --max-len x "
            + "--max-len) = 1081 x 32 x 4096 x 4096",
        "--target-epsilon NaN|--target-epsilon must be > 0 and finite, got NaN",
        "--noise-multiplier NaN|--noise-multiplier must be > 0 and finite, got NaN",
        "--max-train 1|--max-train must be >= 2, got 1",
        "--checkpoint ''|--checkpoint must name a directory, got ''",
        "--noise-schedule decay:0.5|--target-epsilon 3.0 with --noise-schedule decay:0.5 cannot be met: with decay "
            + "0.5 over 30 epochs the last epoch's noise multiplier is sigma_0 x 1.86e-09",
    })
    void badValuesAreNamedBeforeAnyWork(String args, String expected) {
        List<String> a = new ArrayList<>(List.of("train"));
        for (String x : args.split(" ")) {
            a.add(x.equals("''") ? "" : x);
        }
        EdpRun o = EdpRun.run(a.toArray(new String[0]));
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("edp train: " + expected), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertEquals("", o.out());
        assertTrue(Files.notExists(Path.of(Checkpoint.FILE)), "nothing written in the working directory");
    }

    /** An output path that cannot be written is refused before any work, with the reason; nothing is created. */
    @Test
    void outputPathsAreCheckedBeforeTraining(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        String[][] cases = {
            {"--json", dir.toString(), "--json " + dir + ": is a directory"},
            {"--json", dir.resolve("no/r.json").toString(), "--json " + dir.resolve("no/r.json") + ": directory "
                + dir.resolve("no") + " does not exist"},
            {"--plot", dir.resolve("no/p.png").toString(), "--plot " + dir.resolve("no/p.png") + ": directory "
                + dir.resolve("no") + " does not exist"},
            {"--checkpoint", dir.resolve("no/ck").toString(), "--checkpoint " + dir.resolve("no/ck") + ": directory "
                + dir.resolve("no") + " does not exist"},
            {"--checkpoint", file.toString(), "--checkpoint " + file + ": is a file, not a directory"},
        };
        for (String[] c : cases) {
            EdpRun o = EdpRun.run(small("--epochs", "1", c[0], c[1]));
            assertEquals(2, o.code(), String.join(" ", c) + ": " + o.err());
            assertEquals("edp train: " + c[2] + " (see --help)", o.err().strip(), o.err());
        }
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "nothing created");
        }
    }

    /** Root ignores permission bits, so the denial is shown where the kernel refuses even root: sysfs. */
    @Test
    void permissionDeniedIsNamed() {
        Path sys = Path.of("/sys");
        assumeTrue(Files.isDirectory(sys) && !canCreateIn(sys), "needs a directory where files cannot be created");
        EdpRun o = EdpRun.run(small("--epochs", "1", "--json", "/sys/r.json"));
        assertEquals(2, o.code(), o.err());
        assertEquals("edp train: --json /sys/r.json: cannot create files in /sys (permission denied) (see --help)",
                o.err().strip());
    }

    private static boolean canCreateIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ""));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void plotKeepsTheNameGiven(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("Accuracy.PNG");
        EdpRun o = EdpRun.run(small("--epochs", "1", "--no-compare-nondp", "--plot", png.toString()));
        assertEquals(0, o.code(), o.err());
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(png), listing.toList());
        }
        assertEquals('P', Files.readAllBytes(png)[1]);
    }

    /** CUDA is not in this jar: say so (exit code 1), not "must be auto, cpu or cuda, got 'cuda'". */
    @Test
    void unusableCudaSaysWhy() {
        EdpRun o = EdpRun.run("train", "--backend", "cuda");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().startsWith("edp train: --backend cuda: backend 'cuda' is not usable here: it is not on the "
                + "class path"), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
    }

    /**
     * A private run's un-noised training loss is not covered by epsilon: its epoch lines show test
     * accuracy and epsilon only; the non-private run may show its loss.
     */
    @Test
    void privateRunNeverPrintsItsTrainingLoss() {
        EdpRun o = EdpRun.run(small("--epochs", "2"));
        assertEquals(0, o.code(), o.err());
        List<String> dp = o.err().lines().filter(l -> l.startsWith("DP epoch")).toList();
        List<String> plain = o.err().lines().filter(l -> l.startsWith("non-DP epoch")).toList();
        assertEquals(2, dp.size(), o.err());
        assertEquals(2, plain.size(), o.err());
        dp.forEach(l -> assertTrue(!l.contains("loss") && l.contains("test accuracy") && l.contains("epsilon"), l));
        plain.forEach(l -> assertTrue(l.contains("training loss"), l));
    }

    /** The private and non-private runs take turns of one epoch, so their step times are measured side by side. */
    @Test
    void runsTakeTurnsOfOneEpoch() {
        EdpRun o = EdpRun.run(small("--epochs", "3"));
        assertEquals(0, o.code(), o.err());
        List<String> epochs = o.err().lines().filter(l -> l.contains(" epoch ")).map(l -> l.substring(0,
                l.indexOf(':'))).toList();
        assertEquals(List.of("DP epoch 1/3", "non-DP epoch 1/3", "DP epoch 2/3", "non-DP epoch 2/3", "DP epoch 3/3",
                "non-DP epoch 3/3"), epochs, o.err());
    }

    /** A checkpoint whose progress lacks a key (but whose checksum is right) names the key, not a NullPointerException. */
    @Test
    void checkpointMissingAKeyNamesIt(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("ck");
        EdpRun first = EdpRun.run(small("--epochs", "2", "--no-compare-nondp", "--checkpoint", ck.toString()));
        assertEquals(0, first.code(), first.err());
        Checkpoint k = Checkpoint.load(ck).orElseThrow();
        java.util.Map<String, String> progress = new java.util.LinkedHashMap<>(k.progress());
        progress.remove("sigma0");
        new Checkpoint(k.config(), progress, k.vocabulary(), k.insecureNoise(), k.noiseKey(), k.accountantState(),
                k.parameterNames(), k.parameters(), k.optimizerState()).save(ck);
        EdpRun o = EdpRun.run(small("--epochs", "2", "--no-compare-nondp", "--checkpoint", ck.toString()));
        assertEquals(1, o.code(), o.err());
        String last = o.err().strip().lines().reduce((x, y) -> y).orElseThrow();
        assertEquals("edp train: checkpoint " + Checkpoint.file(ck) + " is malformed: its progress lacks 'sigma0'; "
                + "delete it to start afresh (which spends a new privacy budget)", last);
    }

    @Test
    void badTrainingFilesExit2WithFileAndLineBeforeTraining(@TempDir Path dir) throws Exception {
        Path oneClass = dir.resolve("one.csv");
        Files.writeString(oneClass, "text,label\na,x\nb,x\n");
        Path test = dir.resolve("test.jsonl");
        Files.writeString(test, "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"label\": \"new\"}\n");
        Path two = dir.resolve("two.csv");
        Files.writeString(two, "text,label\na,x\nb,y\nc,x\nd,y\n");
        Object[][] cases = {
            {new String[] {"train", "--train", oneClass.toString()}, oneClass + ": one class only ('x' in all 2 rows)"},
            {new String[] {"train", "--train", two.toString(), "--test", test.toString()},
                test + ":2: label 'new' never occurs in the training file"},
            {new String[] {"train", "--train", two.toString(), "--test", two.toString(), "--batch-size", "50"},
                "--batch-size must be in [1, 4] (the training set size), got 50"},
        };
        for (Object[] c : cases) {
            EdpRun o = EdpRun.run((String[]) c[0]);
            assertEquals(2, o.code(), o.err());
            assertTrue(o.err().contains((String) c[1]), o.err());
            assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
            assertEquals("", o.out());
        }
    }

    @Test
    void shortEndToEndRunWritesTableAndJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        EdpRun o = EdpRun.run(small("--epochs", "2", "--json", json.toString()));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("test accuracy") && o.out().contains("epsilon total (PRV)")
                && o.out().contains("vocabulary alone") && o.out().contains("DP-SGD alone")
                && o.out().contains("step-time ratio"), o.out());
        String j = Files.readString(json);
        for (String key : List.of("\"accuracy\":", "\"epsilon\":2.99", "\"epsilon_prv\":", "\"delta\":1.0E-5",
                "\"epsilon_vocabulary\":0.59", "\"epsilon_training\":", "\"vocabulary\":\"dp k=64",
                "\"steps\":12", "\"step_time_ratio\":", "\"nondp_accuracy\":", "\"split\":", "\"classes\":[\"ham\",\"spam\"]")) {
            assertTrue(j.contains(key), key + " in " + j);
        }
        assertTrue(o.err().contains("NOT PRIVATE"), "the insecure noise is announced: " + o.err());
    }

    /**
     * The pair of an example and its swapped copy is one privacy unit: for the same sampling and noise
     * the run reports the epsilon, steps and vocabulary epsilon of the run without augmentation.
     */
    @Test
    void counterfactualAugmentationReportsTheSameEpsilon(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.json");
        Path augmented = dir.resolve("augmented.json");
        EdpRun p = EdpRun.run(small("--epochs", "2", "--noise-multiplier", "0.9", "--no-compare-nondp", "--json",
                plain.toString()));
        EdpRun a = EdpRun.run(small("--epochs", "2", "--noise-multiplier", "0.9", "--no-compare-nondp", "--json",
                augmented.toString(), "--counterfactual-augment"));
        assertEquals(0, p.code(), p.err());
        assertEquals(0, a.code(), a.err());
        assertTrue(a.err().contains("counterfactual augmentation"), a.err());
        String pj = Files.readString(plain);
        String aj = Files.readString(augmented);
        for (String key : List.of("epsilon", "epsilon_prv", "epsilon_vocabulary", "epsilon_training", "steps",
                "noise_multiplier")) {
            assertEquals(field(pj, key), field(aj, key), key + ": " + pj + " vs " + aj);
        }
        assertTrue(Double.parseDouble(field(aj, "epsilon")) > 0);
    }

    /** The value of {@code "key":} in a flat JSON text (the first one). */
    static String field(String json, String key) {
        int i = json.indexOf("\"" + key + "\":");
        assertTrue(i >= 0, key + " in " + json);
        int from = i + key.length() + 3;
        int to = from;
        while (to < json.length() && ",}".indexOf(json.charAt(to)) < 0) {
            to++;
        }
        return json.substring(from, to);
    }

    @Test
    void encoderTrainsPrivatelyAndItsCheckpointHoldsItsShape(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("ck");
        EdpRun first = EdpRun.run(small(encoder(ck, "1", "--epochs", "1")));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("encoder model"), first.err());
        assertTrue(first.out().contains("test accuracy"), first.out());
        EdpRun other = EdpRun.run(small(encoder(ck, "2", "--epochs", "1")));
        assertEquals(1, other.code(), other.err());
        assertTrue(other.err().contains("--layers 1 (checkpoint) vs 2 (now)"), other.err());
    }

    /**
     * The encoder (every built-in rule: embeddings, LayerNorm, Linear on sequences) trains with units of
     * two rows and resumes from its checkpoint; the checkpoint records the augmentation, so a run
     * without it is refused.
     */
    @Test
    void augmentedEncoderResumesOnlyWithTheSameAugmentation(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("ck");
        EdpRun first = EdpRun.run(small(encoder(ck, "1", "--epochs", "1", "--counterfactual-augment")));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("counterfactual augmentation"), first.err());
        EdpRun resumed = EdpRun.run(small(encoder(ck, "1", "--epochs", "1", "--counterfactual-augment")));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resumed after epoch 1"), resumed.err());
        EdpRun plain = EdpRun.run(small(encoder(ck, "1", "--epochs", "1")));
        assertEquals(1, plain.code(), plain.err());
        assertTrue(plain.err().contains("--counterfactual-augment bundled (checkpoint) vs  (now)"), plain.err());
    }

    /** A tiny encoder run: width 8, 2 heads, feed-forward 16, {@code layers} blocks, no comparison. */
    private static String[] encoder(Path checkpoint, String layers, String... more) {
        String[] enc = {"--model", "encoder", "--dim", "8", "--hidden", "16", "--layers", layers, "--heads", "2",
            "--no-compare-nondp", "--checkpoint", checkpoint.toString()};
        return concat(enc, more);
    }

    private static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(new String[0]);
    }

    @Test
    void sweepDrawsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plot.png");
        EdpRun o = EdpRun.run(small("--epochs", "1", "--sweep-epsilon", "1,4", "--plot", png.toString()));
        assertEquals(0, o.code(), o.err());
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
        assertTrue(o.out().contains("target epsilon 1") && o.out().contains("target epsilon 4"), o.out());
    }

    @Test
    void corruptOrMismatchedCheckpointIsRefused(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("ck");
        EdpRun first = EdpRun.run(small("--epochs", "1", "--no-compare-nondp", "--checkpoint", ck.toString()));
        assertEquals(0, first.code(), first.err());

        EdpRun other = EdpRun.run(small("--epochs", "1", "--no-compare-nondp", "--checkpoint", ck.toString(), "--seed", "7"));
        assertEquals(1, other.code());
        assertTrue(other.err().contains("was made with other options: --seed 42 (checkpoint) vs 7 (now)"), other.err());

        Path f = Checkpoint.file(ck);
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 1;
        Files.write(f, b);
        EdpRun corrupt = EdpRun.run(small("--epochs", "1", "--no-compare-nondp", "--checkpoint", ck.toString()));
        assertEquals(1, corrupt.code());
        assertTrue(corrupt.err().contains("is corrupt (SHA-256 checksum mismatch)"), corrupt.err());
        List<String> lines = corrupt.err().strip().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("edp train: checkpoint "), "one-line error last: " + lines);

        Files.write(f, new byte[] {1, 2, 3});
        EdpRun junk = EdpRun.run(small("--epochs", "1", "--no-compare-nondp", "--checkpoint", ck.toString()));
        assertEquals(1, junk.code());
        assertTrue(junk.err().contains("is not an edp4j checkpoint"), junk.err());
    }
}
