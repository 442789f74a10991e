package org.edp4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.edp4j.data.Tokenizer;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextClassifierTest {

    private static final String[] WORDS = {"free", "money", "meeting", "tomorrow", "click", "now", "unknown", "x"};

    private static List<String> texts(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rng.nextInt(0, 30);     // up to 30 words: some longer than maxLen = 16
            for (int w = 0; w < len; w++) {
                sb.append(WORDS[rng.nextInt(WORDS.length)]).append(rng.nextBoolean() ? " " : ", ");
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** The bag's forward pass in float64 from the saved parameters: mean embedding, Linear, tanh, Linear, softmax. */
    private static double[] reference(SavedModel m, String text) {
        ModelShape s = m.shape();
        List<String> tokens = Tokenizer.standard().tokenize(text);
        int len = Math.min(tokens.size(), s.maxLen());
        float[] table = m.parameters().get(0);
        float[] w1 = m.parameters().get(1);
        float[] b1 = m.parameters().get(2);
        float[] w2 = m.parameters().get(3);
        float[] b2 = m.parameters().get(4);
        double[] pooled = new double[s.dim()];
        for (int t = 0; t < len; t++) {
            int id = m.tokenIndex().id(tokens.get(t));
            for (int j = 0; j < s.dim(); j++) {
                pooled[j] += table[id * s.dim() + j];
            }
        }
        for (int j = 0; j < s.dim(); j++) {
            pooled[j] /= Math.max(1, len);
        }
        double[] h = new double[s.hidden()];
        for (int o = 0; o < s.hidden(); o++) {
            double a = b1[o];
            for (int j = 0; j < s.dim(); j++) {
                a += pooled[j] * w1[j * s.hidden() + o];
            }
            h[o] = Math.tanh(a);
        }
        double[] z = new double[s.classes()];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < s.classes(); c++) {
            z[c] = b2[c];
            for (int o = 0; o < s.hidden(); o++) {
                z[c] += h[o] * w2[o * s.classes() + c];
            }
            max = Math.max(max, z[c]);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) {
            z[c] /= sum;
        }
        return z;
    }

    @Test
    void bagProbabilitiesMatchTheFloat64Reference() {
        SavedModel m = Fixtures.bag();
        try (TextClassifier c = TextClassifier.of(m, CpuBackend.instance())) {
            List<String> ts = texts(600, 3);   // three batches, the last one partial
            List<TextClassifier.Prediction> ps = c.predictAll(ts);
            double spread = 0;
            for (int i = 0; i < ts.size(); i++) {
                double[] want = reference(m, ts.get(i));
                double[] got = ps.get(i).probabilities();
                for (int k = 0; k < want.length; k++) {
                    assertEquals(want[k], got[k], 2e-5, "text " + i + " class " + k);
                }
                spread = Math.max(spread, Math.abs(got[0] - 0.5));
                int best = want[1] > want[0] ? 1 : 0;
                if (Math.abs(want[1] - want[0]) > 1e-4) {
                    assertEquals(best, ps.get(i).labelIndex());
                    assertEquals(m.labels().get(best), ps.get(i).label());
                }
            }
            assertTrue(spread > 0.05, "the random model must not predict 50/50 everywhere");
        }
    }

    @Test
    void oneTextEqualsTheSameTextInABatchAndEmptyTextIsFine() {
        SavedModel m = Fixtures.hashedEncoder();
        try (TextClassifier c = TextClassifier.of(m, CpuBackend.instance())) {
            List<String> ts = texts(40, 5);
            ts.add("");
            ts.add("!!! ???");
            List<TextClassifier.Prediction> all = c.predictAll(ts);
            for (int i = 0; i < ts.size(); i++) {
                TextClassifier.Prediction one = c.predict(ts.get(i));
                assertArrayEquals(all.get(i).probabilities(), one.probabilities(), 1e-6, "text " + i);
                double sum = 0;
                for (double p : one.probabilities()) {
                    assertTrue(p >= 0 && p <= 1 && Double.isFinite(p));
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-12);
            }
            assertEquals(3, c.probabilities("free money").length);
        }
    }

    @Test
    void concurrentPredictionsEqualSequentialOnes() throws Exception {
        SavedModel m = Fixtures.bag();
        List<String> ts = texts(300, 11);
        try (TextClassifier c = TextClassifier.of(m, CpuBackend.instance())) {
            List<TextClassifier.Prediction> want = c.predictAll(ts);
            ExecutorService ex = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    final int shift = t;
                    fs.add(ex.submit(() -> {
                        for (int round = 0; round < 20; round++) {
                            int i = (shift * 37 + round * 13) % ts.size();
                            if (round % 2 == 0) {
                                if (!c.predict(ts.get(i)).equals(want.get(i))) {
                                    return false;
                                }
                            } else if (!c.predictAll(ts).equals(want)) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : fs) {
                    assertTrue(f.get(), "a concurrent prediction differed");
                }
            } finally {
                ex.shutdownNow();
            }
        }
    }

    @Test
    void loadsAFileAndExposesLabelsEmbeddingsAndPrivacy(@TempDir Path dir) throws Exception {
        SavedModel m = Fixtures.bag();
        Path f = dir.resolve("m.edp");
        m.save(f);
        try (TextClassifier c = TextClassifier.load(f)) {
            assertEquals(List.of("ham", "spam"), c.labels());
            assertEquals(3.0, c.privacy().epsilon());
            assertEquals(8, c.embeddingWidth());
            float[] e = c.tokenEmbeddings();
            assertEquals(m.shape().vocab() * 8, e.length);
            int id = c.tokenId("money");
            assertEquals(3, id);
            assertArrayEquals(java.util.Arrays.copyOfRange(m.parameters().get(0), id * 8, id * 8 + 8),
                    java.util.Arrays.copyOfRange(e, id * 8, id * 8 + 8));
            assertEquals(1, c.tokenId("zebra"));
            assertArrayEquals(reference(m, "free money now"), c.probabilities("free money now"), 2e-5);
            c.close();
            assertThrows(IllegalStateException.class, () -> c.predict("x"));
        }
    }
}
