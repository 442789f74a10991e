package org.edp4j.cli.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.cli.EdpRun;
import org.edp4j.model.SavedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edp train --save --save-non-private} on texts where a gendered phrase tracks the label, then {@code edp fairness}. */
class FairnessCommandTest {

    @TempDir
    static Path dir;
    static Path privateModel;
    static Path plainModel;
    static Path augmentedModel;
    static Path augmentedPlainModel;
    static Path test;

    static final String[][] WORDS = {{"goal", "match", "team", "score", "league"},
        {"recipe", "oven", "flour", "bake", "sugar"}};
    static final String[] LABELS = {"sport", "cooking"};

    /** n rows: a topic's words, prefixed by "she said" for cooking and "he said" for sport with probability bias. */
    static Path write(String name, int n, double bias, long seed) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder("text,label,gender\n");
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(2);
            boolean female = (c == 1) == (rng.nextDouble() < bias);
            StringBuilder t = new StringBuilder(female ? "She said" : "He said");
            for (int w = 0; w < 5; w++) {
                t.append(' ').append(WORDS[c][rng.nextInt(5)]);
            }
            sb.append('"').append(t).append(", ok\",").append(LABELS[c]).append(',')
                    .append(female ? "female" : "male").append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
        return p;
    }

    @BeforeAll
    static void trainAndSave() throws Exception {
        Path train = write("train.csv", 800, 1.0, 1);
        test = write("test.csv", 200, 0.5, 2);
        privateModel = dir.resolve("private.edp");
        plainModel = dir.resolve("plain.edp");
        EdpRun o = EdpRun.run("train", "--train", train.toString(), "--test", test.toString(), "--epochs", "6",
                "--batch-size", "100", "--max-len", "16", "--insecure-seed-noise", "--no-progress", "--backend", "cpu",
                "--save", privateModel.toString(), "--save-non-private", plainModel.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("saved the non-private model to " + plainModel + " (NOT PRIVATE)"), o.err());
        augmentedModel = dir.resolve("augmented.edp");
        augmentedPlainModel = dir.resolve("augmented-plain.edp");
        EdpRun a = EdpRun.run("train", "--train", train.toString(), "--test", test.toString(), "--epochs", "6",
                "--batch-size", "100", "--max-len", "16", "--insecure-seed-noise", "--no-progress", "--backend", "cpu",
                "--counterfactual-augment", "--save", augmentedModel.toString(), "--save-non-private",
                augmentedPlainModel.toString());
        assertEquals(0, a.code(), a.err());
        assertTrue(a.err().contains("counterfactual augmentation (bundled gender lexicon)"), a.err());
    }

    /**
     * The mitigation: on a training set where "She said" always means cooking, the models trained with
     * their counterfactual copies (--counterfactual-augment) move less under the swap than those trained
     * without, private and not, at the same epsilon.
     */
    @Test
    void augmentedModelsDependLessOnTheGenderedWords() throws Exception {
        Path json = dir.resolve("augmented.json");
        EdpRun o = EdpRun.run("fairness", "--model", privateModel.toString(), "--model", augmentedModel.toString(),
                "--model", plainModel.toString(), "--model", augmentedPlainModel.toString(), "--data", test.toString(),
                "--json", json.toString());
        assertEquals(0, o.code(), o.err());
        JsonNode models = new ObjectMapper().readTree(Files.readString(json)).get("models");
        for (int biased = 0; biased < 4; biased += 2) {
            JsonNode b = models.get(biased);
            JsonNode a = models.get(biased + 1);
            String both = b + " vs " + a;
            assertEquals(b.get("epsilon").asText(), a.get("epsilon").asText(), "the same epsilon: " + both);
            assertTrue(a.get("mean_abs_delta_p").asDouble() < 0.5 * b.get("mean_abs_delta_p").asDouble(), both);
            assertTrue(a.get("aps").asDouble() < b.get("aps").asDouble(), both);
            assertTrue(a.get("flips").asInt() <= b.get("flips").asInt(), both);
        }
    }

    @Test
    void theNonPrivateModelIsSavedAndSaysSo() {
        SavedModel m = SavedModel.load(plainModel);
        assertFalse(m.privacy().isPrivate());
        assertEquals(Double.POSITIVE_INFINITY, m.privacy().epsilon());
        EdpRun o = EdpRun.run("inspect", plainModel.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("NOT PRIVATE: trained without differential privacy"), o.out());
        assertTrue(SavedModel.load(privateModel).privacy().isPrivate());
    }

    @Test
    void theTableHasOneColumnPerModelAndTheGroupRows() throws Exception {
        Path json = dir.resolve("fair.json");
        EdpRun o = EdpRun.run("fairness", "--model", privateModel.toString(), "--model", plainModel.toString(), "--data",
                test.toString(), "--group-column", "gender", "--json", json.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertTrue(lines.get(0).matches("\\s+private\\.edp\\s+plain\\.edp"), lines.get(0));
        assertTrue(o.out().contains("\ntexts the swap changes") && o.out().matches("(?s).*200 of 200\\s+200 of 200\n.*"),
                o.out());
        for (String row : List.of("epsilon", "counterfactual flip rate", "mean |delta p|", "max |delta p|",
                "APS (all texts)", "accuracy [female]", "TPR cooking [male]", "accuracy gap", "TPR gap sport")) {
            assertTrue(o.out().contains("\n" + row + " "), row + " in " + o.out());
        }
        assertTrue(o.out().contains("these figures describe " + test + " outside any epsilon"), o.out());
        JsonNode j = new ObjectMapper().readTree(Files.readString(json));
        assertEquals(2, j.get("models").size());
        JsonNode plain = j.get("models").get(1);
        assertEquals("inf", plain.get("epsilon").asText());
        assertEquals(200, plain.get("swapped").asInt());
        assertEquals(plain.get("flips").asDouble() / 200, plain.get("flip_rate").asDouble(), 1e-12);
        assertEquals(2, plain.get("groups").size());
        assertTrue(plain.get("aps").asDouble() >= 0, plain.toString());
        assertTrue(j.get("models").get(0).get("aps").asDouble() > 0, j.toString());
        assertFalse(Files.exists(dir.resolve("fair.json.tmp")));
    }

    @Test
    void ownPairsReplaceTheLexicon() throws Exception {
        Path pairs = dir.resolve("pairs.tsv");
        Files.writeString(pairs, "# sport words only\ngoal\trecipe\n");
        EdpRun o = EdpRun.run("fairness", "--model", plainModel.toString(), "--data", test.toString(), "--pairs",
                pairs.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("pairs: " + pairs + " (1 pairs)"), o.out());
        assertFalse(o.out().contains("accuracy gap"), o.out());
    }

    @Test
    void badArgumentsExit2WithOneLineBeforeAnyWork() throws Exception {
        Path badPairs = dir.resolve("bad-pairs.tsv");
        Files.writeString(badPairs, "he\tshe\nhe\tshe\n");
        Path unknownLabel = dir.resolve("unknown.csv");
        Files.writeString(unknownLabel, "text,label\nhe said,sport\nshe said,politics\n");
        Path emptyGroup = dir.resolve("empty-group.csv");
        Files.writeString(emptyGroup, "text,label,gender\nhe said,sport,\n");
        Path json = dir.resolve("never.json");
        String m = plainModel.toString();
        String d = test.toString();
        Object[][] cases = {
            {new String[] {"fairness", "--data", d}, "Missing required option: '--model=FILE.edp'"},
            {new String[] {"fairness", "--model", m}, "Missing required option: '--data=FILE'"},
            {new String[] {"fairness", "--model", dir.resolve("none.edp").toString(), "--data", d}, "none.edp: no such file"},
            {new String[] {"fairness", "--model", test.toString(), "--data", d}, "not an edp4j model file"},
            {new String[] {"fairness", "--model", m, "--data", d, "--pairs", badPairs.toString()},
                badPairs + ":2: the pair he/she is already on line 1"},
            {new String[] {"fairness", "--model", m, "--data", d, "--group-column", "sex"},
                d + ":1: no column 'sex' in the header [text, label, gender]"},
            {new String[] {"fairness", "--model", m, "--data", unknownLabel.toString()},
                unknownLabel + ":3: label 'politics' is not a class of " + m},
            {new String[] {"fairness", "--model", m, "--data", emptyGroup.toString(), "--group-column", "gender"},
                emptyGroup + ":2: empty group in 'gender'"},
            {new String[] {"fairness", "--model", m, "--data", d, "--json", dir.resolve("no/dir/x.json").toString()},
                "does not exist"},
            {new String[] {"fairness", "--model", m, "--data", d, "--json", dir.toString()}, "--json " + dir + ": is a directory"},
            {new String[] {"fairness", "--model", m, "--data", d, "--group-column", ""}, "--group-column must name a column"},
            {new String[] {"fairness", "--model", m, "--data", dir.resolve("x.txt").toString()}, "unknown format"},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[0];
            String[] withJson = java.util.Arrays.copyOf(args, args.length + 2);
            boolean hasJson = List.of(args).contains("--json");
            if (!hasJson) {
                withJson[args.length] = "--json";
                withJson[args.length + 1] = json.toString();
            }
            EdpRun o = EdpRun.run(hasJson ? args : withJson);
            assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.err().contains((String) c[1]), o.err());
            assertEquals(1, o.err().strip().lines().count(), o.err());
            assertEquals("", o.out());
            assertFalse(Files.exists(json), "nothing is written on bad input");
        }
    }
}
