package org.edp4j.cli.fairness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.edp4j.cli.OutputFiles;
import org.edp4j.cli.input.LabelledFiles;
import org.edp4j.cli.input.TextFileReader;
import org.edp4j.cli.model.ModelFiles;
import org.edp4j.fairness.FairnessAudit;
import org.edp4j.fairness.FairnessReport;
import org.edp4j.fairness.WordPairs;
import org.edp4j.io.InputFileException;
import org.edp4j.model.SavedModel;
import org.edp4j.model.TextClassifier;
import org.edp4j.tensor.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code edp fairness}: audits saved models on labelled texts ({@link FairnessAudit}): counterfactual
 * flip rate and probability change under the gender swap, accumulated prediction sensitivity, and
 * per-group accuracy and true-positive rates when the data has a group column. One column per
 * {@code --model}. Everything is read and checked before the audit starts; a bad option or file
 * exits 2 with one line ({@code FILE:LINE: ...} for a data or pairs file).
 *
 * <p>The output describes the texts of {@code --data}, outside any epsilon: give it held-out data.
 */
@Command(name = "fairness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Audit saved models for gender bias on labelled texts: counterfactual flip rate, change of the "
                + "predicted probability under the gender swap, accumulated prediction sensitivity, and per-group "
                + "accuracy and true-positive-rate gaps. Give held-out data: the output describes it outside any "
                + "epsilon (docs/fairness.md)."})
public final class FairnessCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE.edp", required = true,
            description = "A model saved by edp train --save (repeat for several; one column each).")
    List<Path> models;

    @Option(names = "--data", paramLabel = "FILE", required = true,
            description = "Labelled texts: CSV or TSV with a header, or JSON Lines; .gz is read transparently.")
    Path data;

    @Option(names = "--pairs", paramLabel = "FILE",
            description = "Word pairs to swap, two words per line (default: the bundled English gender lexicon).")
    Path pairs;

    @Option(names = "--group-column", paramLabel = "NAME",
            description = "Column or field of each text's group (e.g. gender): adds per-group accuracy, true-positive "
                    + "rates and their gaps.")
    String groupColumn;

    @Option(names = "--text-column", paramLabel = "NAME", defaultValue = "text",
            description = "Column or field of the text. Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--label-column", paramLabel = "NAME", defaultValue = "label",
            description = "Column or field of the label (a class name of the models). Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as one JSON object (atomically).")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (groupColumn != null && groupColumn.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--group-column must name a column, got an empty name");
        }
        if (textColumn.isEmpty() || labelColumn.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--text-column and --label-column must not be empty");
        }
        if (json != null) {
            try {
                OutputFiles.checkFile("--json", json);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        // Every file is read and checked before the audit: a bad one exits 2 and nothing is written.
        WordPairs lexicon = pairs == null ? WordPairs.english() : WordPairs.load(pairs);
        List<SavedModel> saved = new ArrayList<>();
        for (Path m : models) {
            saved.add(ModelFiles.read(m));
        }
        String dataName = data.toString();
        List<TextFileReader.Row> rows = LabelledFiles.read(data, textColumn, labelColumn, groupColumn);
        List<List<FairnessAudit.Example>> perModel = new ArrayList<>();
        for (int i = 0; i < saved.size(); i++) {
            List<String> labels = saved.get(i).labels();
            Map<String, Integer> index = new HashMap<>();
            for (int c = 0; c < labels.size(); c++) {
                index.put(labels.get(c), c);
            }
            List<FairnessAudit.Example> ex = new ArrayList<>(rows.size());
            for (TextFileReader.Row r : rows) {
                Integer c = index.get(r.label());
                if (c == null) {
                    throw new InputFileException(dataName, r.line(), "label '" + r.label() + "' is not a class of "
                            + models.get(i) + "; expected one of " + labels);
                }
                if (r.group() != null && r.group().isEmpty()) {
                    throw new InputFileException(dataName, r.line(), "empty group in '" + groupColumn
                            + "'; expected a group name");
                }
                ex.add(new FairnessAudit.Example(r.text(), c, r.group()));
            }
            perModel.add(ex);
        }

        List<FairnessReport> reports = new ArrayList<>();
        for (int i = 0; i < saved.size(); i++) {
            try (TextClassifier c = TextClassifier.of(saved.get(i), CpuBackend.instance())) {
                reports.add(FairnessAudit.run(c, perModel.get(i), lexicon));
            }
        }
        List<String> names = new ArrayList<>();
        for (Path m : models) {
            names.add(m.getFileName().toString());
        }
        FairnessTable table = new FairnessTable(dataName, lexicon, names, saved, reports);
        spec.commandLine().getOut().print(table.text());
        spec.commandLine().getOut().flush();
        if (json != null) {
            OutputFiles.write("--json", json, table.json().getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }
}
