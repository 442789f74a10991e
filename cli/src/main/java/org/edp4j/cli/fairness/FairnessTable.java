package org.edp4j.cli.fairness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.edp4j.fairness.FairnessReport;
import org.edp4j.fairness.WordPairs;
import org.edp4j.model.SavedModel;

/** The output of {@code edp fairness}: a table with one column per model, and its JSON form. */
final class FairnessTable {
    private static final int LABEL_WIDTH = 34;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String data;
    private final WordPairs pairs;
    private final List<String> names;
    private final List<SavedModel> models;
    private final List<FairnessReport> reports;

    FairnessTable(String data, WordPairs pairs, List<String> names, List<SavedModel> models,
            List<FairnessReport> reports) {
        this.data = data;
        this.pairs = pairs;
        this.names = names;
        this.models = models;
        this.reports = reports;
    }

    /** The table for people. */
    String text() {
        FairnessReport first = reports.get(0);
        int width = 12;
        for (String n : names) {
            width = Math.max(width, n.length() + 2);
        }
        StringBuilder sb = new StringBuilder();
        row(sb, "", width, i -> names.get(i));
        row(sb, "epsilon", width, i -> epsilon(models.get(i)));
        row(sb, "accuracy", width, i -> pct(reports.get(i).accuracy()));
        row(sb, "texts the swap changes", width, i -> reports.get(i).swapped() + " of " + reports.get(i).texts());
        row(sb, "counterfactual flip rate", width, i -> pct(reports.get(i).flipRate()));
        row(sb, "mean |delta p|", width, i -> num(reports.get(i).meanAbsDelta()));
        row(sb, "max |delta p|", width, i -> num(reports.get(i).maxAbsDelta()));
        row(sb, "APS (all texts)", width, i -> num(reports.get(i).sensitivity()));
        row(sb, "APS (texts with a pair word)", width, i -> num(reports.get(i).sensitivityProtected()));
        List<String> labels = first.labels();
        for (int g = 0; g < first.groups().size(); g++) {
            final int gi = g;
            String gname = first.groups().get(g).name();
            row(sb, "accuracy [" + gname + "]", width, i -> pct(reports.get(i).groups().get(gi).accuracy()));
            for (int c = 0; c < labels.size(); c++) {
                final int ci = c;
                row(sb, "TPR " + labels.get(c) + " [" + gname + "]", width,
                        i -> pct(reports.get(i).groups().get(gi).tpr()[ci]));
            }
        }
        if (!first.groups().isEmpty()) {
            row(sb, "accuracy gap", width, i -> pts(reports.get(i).accuracyGap()));
            for (int c = 0; c < labels.size(); c++) {
                final int ci = c;
                row(sb, "TPR gap " + labels.get(c), width, i -> pts(reports.get(i).tprGap()[ci]));
            }
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "data: %s, %d texts; pairs: %s (%d pairs); %d texts hold a pair word "
                + "among the tokens the model sees%n", data, first.texts(), pairs.name(), pairs.size(),
                first.protectedTexts()));
        sb.append("flip rate and |delta p| (change of the predicted class's probability) over the texts the swap "
                + "changes; APS: accumulated prediction sensitivity (docs/fairness.md); gaps: largest minus smallest "
                + "group, in points\n");
        for (int i = 0; i < reports.size(); i++) {
            if (reports.get(i).sensitivityNote() != null) {
                sb.append(names.get(i)).append(": ").append(reports.get(i).sensitivityNote()).append('\n');
            }
        }
        sb.append("these figures describe ").append(data).append(" outside any epsilon: audit held-out data, not the "
                + "training data\n");
        return sb.toString();
    }

    private void row(StringBuilder sb, String label, int width, Function<Integer, String> cell) {
        sb.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s", label));
        for (int i = 0; i < names.size(); i++) {
            sb.append(String.format(Locale.ROOT, "%" + width + "s", cell.apply(i)));
        }
        sb.append('\n');
    }

    /** The figures as JSON; NaN is null. */
    String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("data", data);
        root.put("pairs", pairs.name());
        root.put("pair_count", pairs.size());
        ArrayNode arr = root.putArray("models");
        for (int i = 0; i < reports.size(); i++) {
            FairnessReport r = reports.get(i);
            ObjectNode m = arr.addObject();
            m.put("model", names.get(i));
            number(m, "epsilon", models.get(i).privacy().epsilon());
            m.put("texts", r.texts());
            number(m, "accuracy", r.accuracy());
            m.put("swapped", r.swapped());
            m.put("flips", r.flips());
            number(m, "flip_rate", r.flipRate());
            number(m, "mean_abs_delta_p", r.meanAbsDelta());
            number(m, "max_abs_delta_p", r.maxAbsDelta());
            m.put("protected_texts", r.protectedTexts());
            number(m, "aps", r.sensitivity());
            number(m, "aps_protected", r.sensitivityProtected());
            if (r.sensitivityNote() != null) {
                m.put("aps_note", r.sensitivityNote());
            }
            ArrayNode gs = m.putArray("groups");
            for (FairnessReport.GroupStats g : r.groups()) {
                ObjectNode o = gs.addObject();
                o.put("group", g.name());
                o.put("texts", g.texts());
                number(o, "accuracy", g.accuracy());
                ObjectNode tpr = o.putObject("tpr");
                for (int c = 0; c < r.labels().size(); c++) {
                    number(tpr, r.labels().get(c), g.tpr()[c]);
                }
            }
            if (!r.groups().isEmpty()) {
                number(m, "accuracy_gap", r.accuracyGap());
                ObjectNode gap = m.putObject("tpr_gap");
                for (int c = 0; c < r.labels().size(); c++) {
                    number(gap, r.labels().get(c), r.tprGap()[c]);
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else if (v == Double.POSITIVE_INFINITY && "epsilon".equals(key)) {
            o.put(key, "inf");
        } else {
            o.putNull(key);
        }
    }

    private static String epsilon(SavedModel m) {
        double e = m.privacy().epsilon();
        String s = Double.isInfinite(e) ? "inf" : String.format(Locale.ROOT, "%.2f", e);
        return m.privacy().insecureNoise() ? s + " (seeded)" : s;
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }

    private static String pts(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
