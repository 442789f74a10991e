package org.edp4j.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.model.ModelShape;
import org.edp4j.model.SavedModel;
import org.edp4j.model.TextClassifier;
import org.edp4j.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

class PredictionSensitivityTest {

    static final double STEP = 1e-6;
    /** Central differences in double with step 1e-6: error ~ step^2 * f''' + eps / step, about 1e-10 here. */
    static final double FD_TOLERANCE = 1e-8;

    /** The bag model in float64, written from its definition, on given input embeddings x[t][k]. */
    static double[] reference(SavedModel m, double[][] x) {
        int d = m.shape().dim();
        int hd = m.shape().hidden();
        int k = m.shape().classes();
        float[] w1 = m.parameters().get(1);
        float[] b1 = m.parameters().get(2);
        float[] w2 = m.parameters().get(3);
        float[] b2 = m.parameters().get(4);
        double[] h = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                h[j] += row[j] / x.length;
            }
        }
        double[] z = new double[hd];
        for (int i = 0; i < hd; i++) {
            double a = b1[i];
            for (int j = 0; j < d; j++) {
                a += h[j] * w1[j * hd + i];
            }
            z[i] = Math.tanh(a);
        }
        double[] s = new double[k];
        double sum = 0;
        for (int c = 0; c < k; c++) {
            double a = b2[c];
            for (int i = 0; i < hd; i++) {
                a += z[i] * w2[i * k + c];
            }
            s[c] = a;
        }
        double[] p = new double[k];
        for (int c = 0; c < k; c++) {
            p[c] = Math.exp(s[c]);
            sum += p[c];
        }
        for (int c = 0; c < k; c++) {
            p[c] /= sum;
        }
        return p;
    }

    static double[][] embeddings(SavedModel m, int[] ids) {
        int d = m.shape().dim();
        double[][] x = new double[ids.length][d];
        for (int t = 0; t < ids.length; t++) {
            for (int j = 0; j < d; j++) {
                x[t][j] = m.parameters().get(0)[ids[t] * d + j];
            }
        }
        return x;
    }

    static int argmax(double[] p) {
        int b = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[b]) {
                b = j;
            }
        }
        return b;
    }

    @Property(tries = 60)
    void theGradientMatchesFloat64FiniteDifferences(@ForAll @IntRange(min = 1, max = 9) int length,
            @ForAll @IntRange(min = 1, max = 7) int dim, @ForAll @IntRange(min = 2, max = 4) int classes,
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        SavedModel m = Bags.random(ModelShape.BAG, Bags.vocabulary(), dim, 5, classes, 1.0, seed);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] ids = new int[length];
        for (int t = 0; t < length; t++) {
            ids[t] = 1 + rng.nextInt(m.shape().vocab() - 1);   // repeats allowed: positions are separate inputs
        }
        PredictionSensitivity s = PredictionSensitivity.of(m);
        double[][] x = embeddings(m, ids);
        double[] p = reference(m, x);
        double[] ps = s.probabilities(ids);
        for (int c = 0; c < classes; c++) {
            assertEquals(p[c], ps[c], 1e-14);
            double[][] g = s.gradient(ids, c);
            assertEquals(length, g.length);
            for (int t = 0; t < length; t++) {
                for (int j = 0; j < dim; j++) {
                    double keep = x[t][j];
                    x[t][j] = keep + STEP;
                    double up = reference(m, x)[c];
                    x[t][j] = keep - STEP;
                    double down = reference(m, x)[c];
                    x[t][j] = keep;
                    assertEquals((up - down) / (2 * STEP), g[t][j], FD_TOLERANCE, "class " + c + " position " + t + " coordinate " + j);
                }
            }
        }
    }

    @Property(tries = 60)
    void theSensitivityIsTheFiniteDifferenceOfTheTokenScales(@ForAll @IntRange(min = 1, max = 9) int length,
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        SavedModel m = Bags.random(ModelShape.BAG, Bags.vocabulary(), 6, 5, 3, 1.0, seed);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] ids = new int[length];
        double[] w = new double[length];
        for (int t = 0; t < length; t++) {
            ids[t] = 1 + rng.nextInt(m.shape().vocab() - 1);
            w[t] = rng.nextInt(3) == 0 ? 0 : rng.nextDouble();
        }
        double[][] x = embeddings(m, ids);
        int yhat = argmax(reference(m, x));
        double expected = 0;
        for (int t = 0; t < length; t++) {
            double[][] up = scaled(x, t, 1 + STEP);
            double[][] down = scaled(x, t, 1 - STEP);
            double dm = (reference(m, up)[yhat] - reference(m, down)[yhat]) / (2 * STEP);
            expected += w[t] * Math.abs(dm);
        }
        assertEquals(expected, PredictionSensitivity.of(m).sensitivity(ids, w), FD_TOLERANCE * length);
    }

    static double[][] scaled(double[][] x, int t, double f) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
        }
        for (int j = 0; j < y[t].length; j++) {
            y[t][j] *= f;
        }
        return y;
    }

    @Test
    void theDoubleForwardAgreesWithTheSavedModelsFloatPredictions() {
        SavedModel m = Bags.bag(3);
        PredictionSensitivity s = PredictionSensitivity.of(m);
        try (TextClassifier c = TextClassifier.of(m, CpuBackend.instance())) {
            for (String text : List.of("he paid the bill", "She gave HIM a book", "free money now click", "", "zzz")) {
                int[] ids = m.tokenizer().tokenize(text, m.shape().maxLen()).stream()
                        .mapToInt(tok -> m.tokenIndex().id(tok)).toArray();
                double[] expected = c.probabilities(text);
                double[] actual = s.probabilities(ids);
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(expected[j], actual[j], 1e-5, text);
                }
            }
        }
    }

    @Test
    void zeroEmbeddingsOfTheWeightedTokensScoreExactlyZero() {
        List<String> gendered = List.of("he", "she", "his", "her");
        SavedModel m = Bags.withRows(Bags.bag(5), gendered, null);
        int[] ids = {m.tokenIndex().id("he"), m.tokenIndex().id("paid"), m.tokenIndex().id("her"),
            m.tokenIndex().id("bill")};
        double[] w = {1, 0, 1, 0};
        assertEquals(0.0, PredictionSensitivity.of(m).sensitivity(ids, w));
        // the same tokens with their trained rows do count
        assertTrue(PredictionSensitivity.of(Bags.bag(5)).sensitivity(ids, w) > 0);
    }

    @Test
    void emptyTextsPaddingAndZeroWeightsScoreZero() {
        PredictionSensitivity s = PredictionSensitivity.of(Bags.bag(1));
        assertEquals(0.0, s.sensitivity(new int[0], new double[0]));
        assertEquals(0.0, s.sensitivity(new int[] {0, 0}, new double[] {1, 1}));
        assertEquals(0.0, s.sensitivity(new int[] {3, 4}, new double[] {0, 0}));
        assertEquals(0, s.gradient(new int[0], 1).length);
        // padding is skipped: the same as the text without it
        assertEquals(s.sensitivity(new int[] {3, 4}, new double[] {1, 0}),
                s.sensitivity(new int[] {3, 0, 4, 0}, new double[] {1, 1, 0, 1}), 0.0);
    }

    @Test
    void badArgumentsAreRefused() {
        PredictionSensitivity s = PredictionSensitivity.of(Bags.bag(1));
        assertThrows(IllegalArgumentException.class, () -> s.sensitivity(new int[] {2}, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> s.sensitivity(new int[] {2}, new double[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> s.sensitivity(new int[] {2}, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> s.probabilities(new int[] {999}));
        assertThrows(IllegalArgumentException.class, () -> s.gradient(new int[] {2}, 2));
    }

    @Test
    void anEncoderIsRefusedWithAClearMessage() {
        SavedModel enc = Bags.random(ModelShape.ENCODER, HashedVocabulary.of(64), 8, 12, 2, 0.5, 1);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> PredictionSensitivity.of(enc));
        assertTrue(e.getMessage().contains("bag models only, not for this model (kind encoder)"), e.getMessage());
        assertTrue(!PredictionSensitivity.supports(enc));
    }
}
