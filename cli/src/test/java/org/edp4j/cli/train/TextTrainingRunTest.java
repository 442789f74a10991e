package org.edp4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.edp4j.data.SpamAssassin;
import org.edp4j.dp.StepReport;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint and resume of the private text run. */
class TextTrainingRunTest {

    /** 3 epochs of 6 steps on 240 emails; noise seeded so two runs can be compared bit for bit. */
    static TrainConfig small(boolean insecure, String schedule) {
        return new TrainConfig("bag", 500, 32, 8, 8, 3, 40, 0.5, "flat", 2.0, Double.NaN, 1e-5, schedule, "adam", 0.05,
                11, insecure, 240, 0, 0);
    }

    static final class Kill extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** Throws (a simulated kill -9) when the step with index {@code at} finishes. */
    static TextTrainingRun.Listener killAt(long at) {
        return new TextTrainingRun.Listener() {
            @Override
            public void step(StepReport r, PrivacyAccountant a) {
                if (r.step() == at) {
                    throw new Kill();
                }
            }
        };
    }

    static final TextTrainingRun.Listener QUIET = new TextTrainingRun.Listener() {
    };

    @Test
    void resumeAfterInterruptionGivesTheSameEpsilonAndModel(@TempDir Path dir) throws Exception {
        for (String schedule : new String[] {"constant", "decay:0.8"}) {
            TrainConfig c = small(true, schedule);
            Path ck = dir.resolve(schedule.replace(':', '_'));
            TextTrainingRun.Result straight = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), null, QUIET);

            // Killed in the middle of the second epoch: the checkpoint holds epoch 1.
            assertThrows(Kill.class, () -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, killAt(8)));
            Checkpoint after1 = Checkpoint.load(ck).orElseThrow();
            assertEquals("1", after1.progress().get("epochs-done"));
            assertEquals("6", after1.progress().get("steps"));

            TextTrainingRun.Result resumed = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, QUIET);
            assertEquals(1, resumed.resumedEpochs());
            assertEquals(straight.steps(), resumed.steps());
            assertEquals(straight.epsilonRdp(), resumed.epsilonRdp(), 0.0, schedule);
            assertEquals(straight.epsilonPrv(), resumed.epsilonPrv(), 0.0, schedule);
            assertTrue(resumed.epsilonRdp() <= 2.0 && resumed.epsilonRdp() > 1.9, "calibrated: " + resumed.epsilonRdp());
            // Same noise and batches: the resumed model equals the uninterrupted one.
            assertEquals(straight.accuracy(), resumed.accuracy(), 0.0);
            Checkpoint done = Checkpoint.load(ck).orElseThrow();
            assertEquals("3", done.progress().get("epochs-done"));

            // Running the finished command again trains nothing and reports the same.
            TextTrainingRun.Result again = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, QUIET);
            assertEquals(3, again.resumedEpochs());
            assertEquals(straight.epsilonRdp(), again.epsilonRdp(), 0.0);
            assertEquals(straight.accuracy(), again.accuracy(), 0.0);
        }
    }

    @Test
    void hashedAndPrivateVocabulariesResumeWithTheirVocabularyAndEpsilon(@TempDir Path dir) throws Exception {
        for (String vocabulary : new String[] {"hashed:300", "dp"}) {
            TrainConfig c = small(true, "constant").withData(DataSpec.bundled(vocabulary, 0.2, 8));
            Path ck = dir.resolve(vocabulary.replace(':', '_'));
            TextTrainingRun.Result straight = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), null, QUIET);
            assertThrows(Kill.class, () -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, killAt(8)));
            TextTrainingRun.Result resumed = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, QUIET);
            assertEquals(straight.vocabularySize(), resumed.vocabularySize(), vocabulary);
            assertEquals(straight.vocabulary(), resumed.vocabulary(), vocabulary);
            assertEquals(straight.epsilonRdp(), resumed.epsilonRdp(), 0.0, vocabulary);
            assertEquals(straight.epsilonVocabulary(), resumed.epsilonVocabulary(), 0.0, vocabulary);
            assertEquals(straight.accuracy(), resumed.accuracy(), 0.0, vocabulary);
            assertTrue(straight.epsilonRdp() <= 2.0, "the total meets the target: " + straight.epsilonRdp());
            if (vocabulary.equals("dp")) {
                assertEquals(0.4, straight.epsilonVocabulary(), 1e-3, "share 0.2 of 2.0");
                assertTrue(straight.epsilonTraining() < straight.epsilonRdp());
            } else {
                assertEquals(0.0, straight.epsilonVocabulary());
                assertEquals(300, straight.vocabularySize());
            }
        }
    }

    @Test
    void secureRunResumesWithItsKeyAndTheFileIsOwnerOnly(@TempDir Path dir) throws Exception {
        TrainConfig c = small(false, "constant");
        Path ck = dir.resolve("ck");
        assertThrows(Kill.class, () -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, killAt(7)));
        Checkpoint k = Checkpoint.load(ck).orElseThrow();
        assertTrue(!k.insecureNoise());
        TextTrainingRun.Result r = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, QUIET);
        assertEquals(18, r.steps());
        assertArrayEquals(k.noiseKey(), Checkpoint.load(ck).orElseThrow().noiseKey(), "the key carries over");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(Checkpoint.file(ck))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ck)));
        }
        assertTrue(Files.notExists(ck.resolve(Checkpoint.FILE + ".tmp")));
    }

    /** A temporary checkpoint left by a kill during a write holds the secret key: it goes when the run resumes. */
    @Test
    void staleTemporaryCheckpointIsRemovedOnResume(@TempDir Path dir) throws Exception {
        TrainConfig c = small(false, "constant");
        Path ck = dir.resolve("ck");
        Files.createDirectories(ck);
        Path tmp = ck.resolve(Checkpoint.FILE + ".tmp");
        Files.write(tmp, new byte[] {1, 2, 3});
        // Killed at the first step, before any checkpoint is written.
        assertThrows(Kill.class, () -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, killAt(0)));
        assertTrue(Files.notExists(tmp), "stale " + tmp + " removed");
    }

    /** Two runs on one checkpoint directory: the second is refused while the first holds it. */
    @Test
    void aSecondRunOnTheSameDirectoryIsRefused(@TempDir Path dir) throws Exception {
        TrainConfig c = small(true, "constant");
        Path ck = dir.resolve("ck");
        CountDownLatch training = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TextTrainingRun.Listener holdAtFirstStep = new TextTrainingRun.Listener() {
            @Override
            public void step(StepReport r, PrivacyAccountant a) {
                if (r.step() == 0) {
                    training.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            Future<TextTrainingRun.Result> firstRun = first.submit(
                    () -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, holdAtFirstStep));
            assertTrue(training.await(60, TimeUnit.SECONDS), "first run started");
            Checkpoint.CheckpointException e = assertThrows(Checkpoint.CheckpointException.class,
                    () -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, QUIET));
            assertTrue(e.getMessage().startsWith("checkpoint directory " + ck + " is in use by another edp train run"),
                    e.getMessage());
            release.countDown();
            assertEquals(18, firstRun.get(60, TimeUnit.SECONDS).steps());
        } finally {
            release.countDown();
            first.shutdownNow();
        }
        // Once the first run ended the directory is free: the finished run is reported again.
        assertEquals(3, TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, QUIET).resumedEpochs());
    }

    /** Taking turns of one epoch changes no result: same models, same epsilon, epoch by epoch. */
    @Test
    void lockstepGivesTheResultsOfOneRunAfterTheOther() {
        TrainConfig c = small(true, "decay:0.9");
        TextTrainingRun.Result p1 = TextTrainingRun.trainPrivate(c, CpuBackend.instance(), null, QUIET);
        TextTrainingRun.Result n1 = TextTrainingRun.trainNonPrivate(c, TextTrainingRun.prepare(c, SpamAssassin.load(), null, null, null, 0),
                CpuBackend.instance(), QUIET);
        List<TextTrainingRun.Result> both = Lockstep.run(List.<Lockstep.Task<TextTrainingRun.Result>>of(
                turn -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), null, Lockstep.listener(turn, QUIET)),
                turn -> TextTrainingRun.trainNonPrivate(c, TextTrainingRun.prepare(c, SpamAssassin.load(), null, null, null, 0), CpuBackend.instance(),
                        Lockstep.listener(turn, QUIET))));
        for (TextTrainingRun.Result[] pair : new TextTrainingRun.Result[][] {{p1, both.get(0)}, {n1, both.get(1)}}) {
            assertEquals(pair[0].epochAccuracy(), pair[1].epochAccuracy());
            assertEquals(pair[0].accuracy(), pair[1].accuracy(), 0.0);
            assertEquals(pair[0].steps(), pair[1].steps());
            assertEquals(pair[0].epsilonRdp(), pair[1].epsilonRdp(), 0.0);
            assertEquals(pair[0].epsilonPrv(), pair[1].epsilonPrv(), 0.0);
        }
    }

    /** What a private step tells its listener: no loss, batch size or clipped fraction (epsilon does not cover them). */
    @Test
    void privateStepReportsReleaseOnlyWhatEpsilonCovers() {
        TrainConfig c = small(true, "constant");
        List<StepReport> seen = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        TextTrainingRun.trainPrivate(c, CpuBackend.instance(), null, new TextTrainingRun.Listener() {
            @Override
            public void step(StepReport r, PrivacyAccountant a) {
                seen.add(r);
            }

            @Override
            public void epochEnd(int epoch, double meanLoss, double testAccuracy, PrivacyAccountant a) {
                losses.add(meanLoss);
            }
        });
        assertEquals(18, seen.size());
        for (StepReport r : seen) {
            assertTrue(Double.isNaN(r.loss()) && r.examples() == -1 && Double.isNaN(r.clippedFraction()), r.toString());
            assertTrue(r.noiseStddev() > 0 && r.clipNorm() == 0.5, r.toString());
        }
        losses.forEach(l -> assertTrue(Double.isNaN(l), "mean loss " + l));
    }

    @Test
    void checkpointRoundTripsAndDetectsEveryFlippedByte(@TempDir Path dir) throws Exception {
        TrainConfig c = small(true, "constant");
        Path ck = dir.resolve("ck");
        assertThrows(Kill.class, () -> TextTrainingRun.trainPrivate(c, CpuBackend.instance(), ck, killAt(6)));
        byte[] bytes = Files.readAllBytes(Checkpoint.file(ck));
        Checkpoint k = Checkpoint.decode(bytes, ck);
        assertArrayEquals(bytes, k.encode());
        assertEquals(c, k.config());
        for (int i = 0; i < bytes.length; i += Math.max(1, bytes.length / 97)) {
            byte[] bad = bytes.clone();
            bad[i] ^= (byte) 0x10;
            assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.decode(bad, ck), "byte " + i);
        }
        assertThrows(Checkpoint.CheckpointException.class,
                () -> Checkpoint.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1), ck));
    }

    /**
     * Augmentation's data: each example followed by its swapped copy (same label), and the vocabulary
     * counts each original once: one document per example, its tokens then its copy's.
     */
    @Test
    void counterfactualCopiesFollowTheirExampleAndShareItsVocabularyDocument() {
        org.edp4j.data.TextDataset train = org.edp4j.data.TextDataset.of(List.of(
                new org.edp4j.data.TextExample("He said: Mr John called.", 0, "", "a"),
                new org.edp4j.data.TextExample("no gendered word", 1, "", "b")), List.of("x", "y"));
        org.edp4j.fairness.CounterfactualSwap swap =
                org.edp4j.fairness.CounterfactualSwap.of(org.edp4j.fairness.WordPairs.english());
        org.edp4j.data.TextDataset rows = TextTrainingRun.withCounterfactuals(train, swap);
        assertEquals(4, rows.size());
        assertEquals("He said: Mr John called.", rows.get(0).text());
        assertEquals("She said: Mrs Sarah called.", rows.get(1).text());
        assertEquals(0, rows.get(1).label());
        assertEquals("no gendered word", rows.get(3).text());
        assertEquals(1, rows.get(3).label());
        org.edp4j.data.Tokenizer tok = org.edp4j.data.Tokenizer.standard();
        List<List<String>> docs = TextTrainingRun.vocabularyDocuments(tok, train, swap);
        assertEquals(2, docs.size(), "one document per original example");
        assertEquals(List.of("he", "said", "mr", "john", "called", "she", "said", "mrs", "sarah", "called"),
                docs.get(0));
        assertEquals(tok.tokenizeAll(train), TextTrainingRun.vocabularyDocuments(tok, train, null));
    }

    /** Data of two rows per example is refused by a configuration without augmentation, and back. */
    @Test
    void dataAndConfigurationAgreeOnRowsPerExample() {
        TrainConfig c = new TrainConfig("bag", 100, 8, 4, 4, 1, 10, 0.1, "flat", Double.NaN, 1.0, 1e-5, "constant",
                "adam", 0.1, 1, true, 40, 0, 0);
        org.edp4j.data.Encoder enc = org.edp4j.data.Encoder.of(org.edp4j.data.Tokenizer.standard(),
                org.edp4j.data.HashedVocabulary.of(50), 8);
        org.edp4j.data.TextDataset two = org.edp4j.data.TextDataset.of(List.of(
                new org.edp4j.data.TextExample("a", 0, "", ""), new org.edp4j.data.TextExample("b", 0, "", "")),
                List.of("x"));
        TextTrainingRun.Data data = new TextTrainingRun.Data(enc, enc.encode(two), enc.encode(two), null, 2);
        assertEquals(1, data.trainExamples());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextTrainingRun.trainNonPrivate(c, data, CpuBackend.instance(), new TextTrainingRun.Listener() {
                }));
        assertTrue(e.getMessage().contains("2 rows per example"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextTrainingRun.Data(enc,
                enc.encode(org.edp4j.data.TextDataset.of(List.of(new org.edp4j.data.TextExample("a", 0, "", "")),
                        List.of("x"))), enc.encode(two), null, 2));
    }
}
