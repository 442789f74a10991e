package org.edp4j.fairness;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.data.TokenIndex;
import org.edp4j.data.Tokenizer;
import org.edp4j.data.Vocabulary;
import org.edp4j.model.ModelShape;
import org.edp4j.model.PrivacyReport;
import org.edp4j.model.SavedModel;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;

/** Small saved bag models with random weights for the fairness tests. */
final class Bags {
    private Bags() {
    }

    static final List<String> WORDS = List.of("<pad>", "<unk>", "he", "she", "his", "her", "him", "hers", "john",
            "mary", "sarah", "jack", "mr", "mrs", "paid", "the", "bill", "free", "money", "meeting", "tomorrow", "click", "now", "book",
            "saw", "gave", "a", "wrote", "to");

    static PrivacyReport report() {
        return new PrivacyReport(3.0, 2.8, 1e-5, "rdp", 0.3, 2.95, "test", 4.1, "constant", 0.2, 150, "flat", 0.1,
                false, "rdp;test");
    }

    static Vocabulary vocabulary() {
        return Vocabulary.of(WORDS);
    }

    /** A model of the given kind with weights uniform in [-scale, scale]. */
    static SavedModel random(String kind, TokenIndex index, int dim, int hidden, int classes, double scale, long seed) {
        ModelShape shape = ModelShape.BAG.equals(kind)
                ? new ModelShape(kind, index.size(), 16, dim, hidden, 0, 0, classes)
                : new ModelShape(kind, index.size(), 16, dim, hidden, 1, 2, classes);
        Sequential net = shape.build(CpuBackend.instance());
        SplittableRandom rng = new SplittableRandom(seed);
        net.parameters().forEach(p -> {
            float[] v = new float[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
            }
            p.value().copyFrom(v);
        });
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            labels.add(c == 0 ? "ham" : c == 1 ? "spam" : "class" + c);
        }
        return SavedModel.of(shape, Tokenizer.standard(), index, labels, report(), net);
    }

    static SavedModel bag(long seed) {
        return random(ModelShape.BAG, vocabulary(), 6, 5, 2, 1.0, seed);
    }

    /** The same model with the embedding rows of {@code tokens} replaced by {@code row} (or zeros). */
    static SavedModel withRows(SavedModel m, List<String> tokens, float[] row) {
        List<float[]> ps = new ArrayList<>(m.parameters());
        float[] table = ps.get(0).clone();
        int d = m.shape().dim();
        for (String t : tokens) {
            int id = m.tokenIndex().id(t);
            for (int k = 0; k < d; k++) {
                table[id * d + k] = row == null ? 0f : row[k];
            }
        }
        ps.set(0, table);
        return new SavedModel(m.shape(), m.tokenizer(), m.tokenIndex(), m.labels(), m.privacy(), m.parameterNames(), ps);
    }
}
