package org.edp4j.cli.model;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.data.Vocabulary;
import org.edp4j.model.ModelShape;
import org.edp4j.model.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edp inspect}: what a saved model is: shape, labels, vocabulary and the privacy report. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a saved model: its shape, labels, vocabulary and privacy report."})
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.edp", description = "A model saved by edp train --save.")
    Path model;

    @Override
    public Integer call() {
        SavedModel m = ModelFiles.read(model);
        PrintWriter out = spec.commandLine().getOut();
        ModelShape s = m.shape();
        long params = 0;
        for (float[] p : m.parameters()) {
            params += p.length;
        }
        out.printf(Locale.ROOT, "model      %s (format version %d)%n", model, SavedModel.VERSION);
        out.printf(Locale.ROOT, "shape      %s: vocabulary %d ids, max length %d tokens, width %d, %s %d%s, %d classes, "
                + "%,d parameters%n", s.kind(), s.vocab(), s.maxLen(), s.dim(),
                ModelShape.BAG.equals(s.kind()) ? "head" : "feed-forward", s.hidden(),
                ModelShape.BAG.equals(s.kind()) ? "" : String.format(Locale.ROOT, ", %d blocks of %d heads", s.layers(),
                        s.heads()), s.classes(), params);
        out.printf(Locale.ROOT, "labels     %s%n", String.join(", ", m.labels()));
        out.printf(Locale.ROOT, "tokenizer  standard (lower-case letter/digit runs, at most %d code points)%n",
                m.tokenizer().maxTokenLength());
        if (m.tokenIndex() instanceof Vocabulary v) {
            List<String> first = v.tokens().subList(Vocabulary.RESERVED, Math.min(v.size(), Vocabulary.RESERVED + 12));
            out.printf(Locale.ROOT, "vocabulary %d tokens%s%n", v.size() - Vocabulary.RESERVED,
                    first.isEmpty() ? "" : ": " + String.join(" ", first)
                    + (v.size() > Vocabulary.RESERVED + 12 ? " ..." : ""));
        } else if (m.tokenIndex() instanceof org.edp4j.data.VocabularyWithBuckets b) {
            Vocabulary v = b.base();
            List<String> first = v.tokens().subList(Vocabulary.RESERVED, Math.min(v.size(), Vocabulary.RESERVED + 12));
            out.printf(Locale.ROOT, "vocabulary %d tokens%s; other tokens hashed into %d buckets%n",
                    v.size() - Vocabulary.RESERVED, first.isEmpty() ? "" : ": " + String.join(" ", first)
                    + (v.size() > Vocabulary.RESERVED + 12 ? " ..." : ""), b.buckets());
        } else {
            out.printf(Locale.ROOT, "vocabulary feature hashing into %d ids (%s)%n", m.tokenIndex().size(),
                    ((HashedVocabulary) m.tokenIndex()).toString());
        }
        out.print("privacy    " + m.privacy().describe().replace("\n  ", "\n             ").strip() + "\n");
        out.flush();
        return 0;
    }
}
