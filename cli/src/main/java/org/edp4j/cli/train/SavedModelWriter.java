package org.edp4j.cli.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.edp4j.data.Tokenizer;
import org.edp4j.model.ModelShape;
import org.edp4j.model.PrivacyReport;
import org.edp4j.model.SavedModel;
import org.edp4j.nn.Sequential;
import org.edp4j.privacy.PrivacyAccountant;

/**
 * {@code edp train --save} (and {@code --save-non-private}): keeps the private (non-private) run's
 * trained model and writes it with its privacy report as a {@link SavedModel}. The noise key is never
 * written. A non-private model's report has epsilon infinite ({@link PrivacyReport#nonPrivate}).
 */
final class SavedModelWriter {
    private final List<String> labels;
    private Sequential model;
    private TextTrainingRun.Data data;
    private PrivacyAccountant accountant;

    SavedModelWriter(List<String> labels) {
        this.labels = labels;
    }

    /** Wraps a listener so that the private model reaches this writer. */
    TextTrainingRun.Listener listener(TextTrainingRun.Listener inner) {
        return new ForwardingListener(inner) {
            @Override
            public void trained(Sequential m, TextTrainingRun.Data d, PrivacyAccountant a) {
                model = m;
                data = d;
                accountant = a;
                super.trained(m, d, a);
            }
        };
    }

    /** The saved form of the last run of {@code c} (private or not, as {@code r} says). */
    SavedModel toSavedModel(TrainConfig c, TextTrainingRun.Result r) {
        if (model == null) {
            throw new IllegalStateException("no model was trained");
        }
        ModelShape shape = new ModelShape(c.model(), r.vocabularySize(), c.maxLen(), c.dim(), c.hidden(), c.layers(),
                c.heads(), labels.size());
        if (!r.isPrivate()) {
            return SavedModel.of(shape, Tokenizer.standard(), data.encoder().tokenIndex(), labels,
                    PrivacyReport.nonPrivate(c.delta(), r.vocabulary(), c.sampleRate(), r.steps()), model);
        }
        PrivacyReport report = new PrivacyReport(r.epsilonRdp(), r.epsilonPrv(), r.delta(), accountant.name(),
                r.epsilonVocabulary(), r.epsilonTraining(), r.vocabulary(), r.sigma0(), c.noiseSchedule(),
                c.sampleRate(), r.steps(), c.clipping(), c.clip(), c.insecureSeedNoise(), accountant.saveState());
        return SavedModel.of(shape, Tokenizer.standard(), data.encoder().tokenIndex(), labels, report, model);
    }

    /**
     * Writes the model atomically.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    void write(Path file, TrainConfig c, TextTrainingRun.Result r) {
        try {
            toSavedModel(c, r).save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model " + file + ": " + e.getMessage(), e);
        }
    }
}
