package org.edp4j.cli.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.edp4j.cli.input.TextDecoder;
import org.edp4j.cli.input.TextFileReader;
import org.edp4j.cli.input.TextFileReader.Format;
import org.edp4j.model.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code edp predict}: classifies texts with a model saved by {@code edp train --save}. One output
 * line per input text, in input order: {@code LABEL<TAB>name=p name=p ...}, or with {@code --json}
 * one JSON object per line, {@code {"label": "...", "probabilities": {"name": p, ...}}}.
 *
 * <p>Exit codes: 0 success; 2 a bad option, model file or input file (one line on standard error,
 * {@code FILE:LINE: ...} for the input); 1 a failure while writing.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify texts with a model saved by edp train --save: one line per text with the label "
                + "and the class probabilities."})
public final class PredictCommand implements Callable<Integer> {

    /** Texts per task of the worker threads. */
    static final int CHUNK = 2048;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE.edp", required = true, description = "The saved model.")
    Path model;

    @Option(names = "--input", paramLabel = "FILE|-", defaultValue = "-",
            description = "Texts to classify: CSV or TSV with a header, JSON Lines, or one text per line; .gz is read "
                    + "transparently; - is standard input. Default: ${DEFAULT-VALUE}.")
    String input;

    @Option(names = "--format", paramLabel = "csv|tsv|jsonl|lines",
            description = "The input format. Default: from the file name (.csv, .tsv, .jsonl, else lines); lines for -.")
    String format;

    @Option(names = "--text-column", paramLabel = "NAME", defaultValue = "text",
            description = "Column (CSV, TSV) or field (JSON Lines) of the text. Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--json", description = "Write JSON Lines: {\"label\": ..., \"probabilities\": {...}} per text.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads that classify (each with its own model replica). Default: the number of cores.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        Format f;
        try {
            f = format != null ? Format.parse(format) : "-".equals(input) ? Format.LINES
                    : Format.ofName(input) == null ? Format.LINES : Format.ofName(input);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + nThreads);
        }
        // Model and input are read and checked before anything is written: a bad one exits 2.
        TextClassifier classifier = ModelFiles.load(model);
        String content = "-".equals(input) ? TextDecoder.read(System.in, "-") : TextDecoder.read(Path.of(input), input);
        List<TextFileReader.Row> rows = TextFileReader.parse(content, input, f, textColumn, null);
        List<String> texts = new ArrayList<>(rows.size());
        for (TextFileReader.Row r : rows) {
            texts.add(r.text());
        }
        long t0 = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        ExecutorService pool = Executors.newFixedThreadPool(nThreads, r -> {
            Thread t = new Thread(r, "edp-predict");
            t.setDaemon(true);
            return t;
        });
        try (classifier) {
            List<Future<String>> parts = new ArrayList<>();
            for (int from = 0; from < texts.size(); from += CHUNK) {
                List<String> chunk = texts.subList(from, Math.min(texts.size(), from + CHUNK));
                parts.add(pool.submit(() -> format(classifier, classifier.predictAll(chunk))));
            }
            for (Future<String> p : parts) {
                out.write(p.get());
            }
            out.flush();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "edp predict: %d texts in %.3f s (%.0f texts/s, %d threads)%n", texts.size(), secs,
                texts.size() / secs, nThreads);
        err.flush();
        return 0;
    }

    private String format(TextClassifier c, List<TextClassifier.Prediction> ps) throws IOException {
        StringWriter sw = new StringWriter(ps.size() * 48);
        List<String> labels = c.labels();
        if (json) {
            try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
                g.setRootValueSeparator(null);
                for (TextClassifier.Prediction p : ps) {
                    g.writeStartObject();
                    g.writeStringField("label", p.label());
                    g.writeObjectFieldStart("probabilities");
                    for (int k = 0; k < labels.size(); k++) {
                        g.writeNumberField(labels.get(k), p.probabilities()[k]);
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeRaw('\n');
                }
            }
            return sw.toString();
        }
        StringBuilder sb = new StringBuilder(ps.size() * 40);
        for (TextClassifier.Prediction p : ps) {
            sb.append(p.label());
            char sep = '\t';
            for (int k = 0; k < labels.size(); k++) {
                sb.append(sep).append(labels.get(k)).append('=')
                        .append(String.format(Locale.ROOT, "%.4f", p.probabilities()[k]));
                sep = ' ';
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
