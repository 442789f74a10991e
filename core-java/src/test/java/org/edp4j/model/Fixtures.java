package org.edp4j.model;

import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.data.TokenIndex;
import org.edp4j.data.Tokenizer;
import org.edp4j.data.Vocabulary;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;

/** Small saved models with random weights for the model package's tests. */
final class Fixtures {
    private Fixtures() {
    }

    static PrivacyReport report() {
        return new PrivacyReport(3.0, 2.8, 1e-5, "rdp", 0.3, 2.95, "dp k=32 sigma=10.0 threshold=60.0 p=1.0E-6",
                4.1, "constant", 0.217, 150, "flat", 0.1, false, "rdp;orders=...;runs=...");
    }

    static Vocabulary vocabulary() {
        return Vocabulary.of(List.of("<pad>", "<unk>", "free", "money", "meeting", "tomorrow", "click", "now"));
    }

    /** A model of this shape with random weights (so every class gets a visible probability). */
    static SavedModel model(String kind, TokenIndex index, int classes, long seed) {
        ModelShape shape = ModelShape.BAG.equals(kind)
                ? new ModelShape(kind, index.size(), 16, 8, 6, 0, 0, classes)
                : new ModelShape(kind, index.size(), 16, 8, 12, 1, 2, classes);
        Sequential net = shape.build(CpuBackend.instance());
        SplittableRandom rng = new SplittableRandom(seed);
        net.parameters().forEach(p -> {
            float[] v = new float[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            p.value().copyFrom(v);
        });
        List<String> labels = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            labels.add(c == 0 ? "ham" : c == 1 ? "spam" : "class " + c);
        }
        return SavedModel.of(shape, Tokenizer.standard(), index, labels, report(), net);
    }

    static SavedModel bag() {
        return model(ModelShape.BAG, vocabulary(), 2, 1);
    }

    static SavedModel hashedEncoder() {
        return model(ModelShape.ENCODER, HashedVocabulary.of(64), 3, 2);
    }
}
