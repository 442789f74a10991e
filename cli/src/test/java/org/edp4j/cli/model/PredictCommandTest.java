package org.edp4j.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edp4j.cli.EdpRun;
import org.edp4j.model.SavedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edp train --save} on a user's file, then {@code edp predict} and {@code edp inspect} on the model. */
class PredictCommandTest {

    @TempDir
    static Path dir;
    static Path model;
    static String trainOut;

    static EdpRun runWithStdin(String stdin, String... args) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return EdpRun.run(args);
        } finally {
            System.setIn(old);
        }
    }

    @BeforeAll
    static void trainAndSave() throws Exception {
        Path train = OwnData.write(dir, "topics.csv", 900, 1);
        model = dir.resolve("topics.edp");
        EdpRun o = EdpRun.run("train", "--train", train.toString(), "--epochs", "8", "--batch-size", "120",
                "--max-len", "16", "--vocab-share", "0.5", "--insecure-seed-noise", "--no-progress",
                "--backend", "cpu", "--save", model.toString());
        assertEquals(0, o.code(), o.err());
        trainOut = o.out();
    }

    @Test
    void theTrainTableHasTheEpsilonPartsAndTheDataLine() {
        assertTrue(trainOut.contains("epsilon total (RDP)               3.000"), trainOut);
        assertTrue(trainOut.contains("  vocabulary alone                1.500"), trainOut);
        assertTrue(trainOut.contains("vocabulary: dp k=64"), trainOut);
        assertTrue(trainOut.contains("3 classes, test split: fraction 0.2 seed 42"), trainOut);
    }

    @Test
    void predictWritesOneLinePerTextWithLabelAndProbabilities() throws Exception {
        Path in = dir.resolve("new.jsonl");
        Files.writeString(in, "{\"text\": \"the team scored a late goal in the match\"}\n"
                + "{\"text\": \"bake the flour and sugar in the oven\"}\n{\"text\": \"\"}\n");
        EdpRun o = EdpRun.run("predict", "--model", model.toString(), "--input", in.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertEquals(3, lines.size(), o.out());
        assertTrue(lines.get(0).startsWith("sport\t"), lines.get(0));
        assertTrue(lines.get(1).startsWith("cooking\t"), lines.get(1));
        assertTrue(lines.get(0).matches("sport\tcooking=0\\.\\d{4} politics=0\\.\\d{4} sport=0\\.\\d{4}"), lines.get(0));
        assertTrue(o.err().startsWith("edp predict: 3 texts in "), o.err());
    }

    @Test
    void jsonLinesFromStandardInput() throws Exception {
        EdpRun o = runWithStdin("vote for the party in the election\nfree \"text\", with a comma\n", "predict",
                "--model", model.toString(), "--json");
        assertEquals(0, o.code(), o.err());
        ObjectMapper m = new ObjectMapper();
        List<String> lines = o.out().lines().toList();
        assertEquals(2, lines.size());
        JsonNode first = m.readTree(lines.get(0));
        assertEquals("politics", first.get("label").asText());
        double sum = 0;
        for (String l : List.of("cooking", "politics", "sport")) {
            sum += first.get("probabilities").get(l).asDouble();
        }
        assertEquals(1.0, sum, 1e-9);
    }

    @Test
    void csvInputWithAnotherTextColumn() throws Exception {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "body,other\n\"the senate, the vote\",x\n");
        EdpRun o = EdpRun.run("predict", "--model", model.toString(), "--input", in.toString(), "--text-column", "body");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("politics\t"), o.out());
    }

    @Test
    void badModelAndInputFilesExit2WithOneLine() throws Exception {
        Path corrupt = dir.resolve("corrupt.edp");
        byte[] b = Files.readAllBytes(model);
        b[b.length / 2] ^= 1;
        Files.write(corrupt, b);
        Path foreign = dir.resolve("topics.csv");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "ok\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Object[][] cases = {
            {new String[] {"predict", "--model", corrupt.toString()}, corrupt + ": corrupt (SHA-256 checksum mismatch"},
            {new String[] {"predict", "--model", foreign.toString()}, foreign + ": not an edp4j model file"},
            {new String[] {"predict", "--model", dir.resolve("none.edp").toString()}, "none.edp: no such file"},
            {new String[] {"predict", "--model", model.toString(), "--input", latin1.toString()},
                latin1 + ":2: invalid UTF-8"},
            {new String[] {"predict", "--model", model.toString(), "--format", "xml"}, "--format must be csv, tsv, jsonl"},
            {new String[] {"inspect", corrupt.toString()}, corrupt + ": corrupt"},
        };
        for (Object[] c : cases) {
            EdpRun o = runWithStdin("x\n", (String[]) c[0]);
            assertEquals(2, o.code(), o.err());
            assertTrue(o.err().contains((String) c[1]), o.err());
            assertEquals(1, o.err().strip().lines().count(), o.err());
            assertEquals("", o.out());
        }
    }

    @Test
    void inspectShowsShapeLabelsVocabularyAndPrivacy() {
        EdpRun o = EdpRun.run("inspect", model.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("shape      bag: vocabulary"), o.out());
        assertTrue(o.out().contains("labels     cooking, politics, sport"), o.out());
        assertTrue(o.out().contains("epsilon 3.0000 total at delta 1.0e-05"), o.out());
        assertTrue(o.out().contains("NOT PRIVATE"), "seeded noise is flagged: " + o.out());
        SavedModel m = SavedModel.load(model);
        assertEquals(List.of("cooking", "politics", "sport"), m.labels());
        assertTrue(m.privacy().epsilon() <= 3.0);
        assertEquals(m.privacy().vocabularyEpsilon(), 1.5, 1e-3);
    }
}
