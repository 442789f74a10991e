package org.edp4j.cli.train;

import java.util.List;
import java.util.Locale;

/**
 * The final table and the JSON object of {@code edp train}.
 *
 * <p>JSON keys (numbers, or null where not defined): {@code accuracy}, {@code epsilon} (the total:
 * vocabulary and DP-SGD composed, RDP, the bound the run was calibrated with and enforced),
 * {@code epsilon_prv} (the same total by PRV), {@code epsilon_vocabulary} and {@code epsilon_training}
 * (each part alone), {@code vocabulary}, {@code vocabulary_size}, {@code delta}, {@code target_epsilon},
 * {@code noise_multiplier} (first epoch's), {@code steps}, {@code step_seconds},
 * {@code nondp_accuracy}, {@code nondp_step_seconds}, {@code step_time_ratio} (private over
 * non-private), {@code total_seconds}, {@code backend}, {@code data} (source, split, train and test
 * sizes, classes), {@code config}; with a sweep also
 * {@code sweep}, one object per target epsilon, and the top-level keys are those of the last run.
 */
final class Report {
    private final List<TrainConfig> configs;
    private final List<TextTrainingRun.Result> results;
    private final TextTrainingRun.Result plain;
    private final double totalSeconds;
    private final String backend;
    private final TrainingData.Summary data;

    Report(List<TrainConfig> configs, List<TextTrainingRun.Result> results, TextTrainingRun.Result plain,
            double totalSeconds, String backend, TrainingData.Summary data) {
        this.configs = configs;
        this.results = results;
        this.plain = plain;
        this.totalSeconds = totalSeconds;
        this.backend = backend;
        this.data = data;
    }

    private double ratio(TextTrainingRun.Result r) {
        return plain == null ? Double.NaN : r.secondsPerStep() / plain.secondsPerStep();
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        String row = "%-24s %14s %14s%n";
        sb.append('\n');
        for (int i = 0; i < results.size(); i++) {
            TextTrainingRun.Result r = results.get(i);
            TrainConfig c = configs.get(i);
            if (results.size() > 1) {
                sb.append(String.format(Locale.ROOT, "target epsilon %s%n", num(c.targetEpsilon(), "%.3g")));
            }
            sb.append(String.format(Locale.ROOT, row, "", "private", plain == null ? "" : "non-private"));
            sb.append(String.format(Locale.ROOT, row, "test accuracy", pct(r.accuracy()),
                    plain == null ? "" : pct(plain.accuracy())));
            sb.append(String.format(Locale.ROOT, row, "epsilon total (RDP)", num(r.epsilonRdp(), "%.3f"),
                    plain == null ? "" : "inf"));
            sb.append(String.format(Locale.ROOT, row, "epsilon total (PRV)", num(r.epsilonPrv(), "%.3f"),
                    plain == null ? "" : "inf"));
            sb.append(String.format(Locale.ROOT, row, "  vocabulary alone", num(r.epsilonVocabulary(), "%.3f"), ""));
            sb.append(String.format(Locale.ROOT, row, "  DP-SGD alone", num(r.epsilonTraining(), "%.3f"), ""));
            sb.append(String.format(Locale.ROOT, row, "delta", num(r.delta(), "%.1e"), ""));
            sb.append(String.format(Locale.ROOT, row, "noise multiplier", num(r.sigma0(), "%.4f")
                    + (c.noiseSchedule().equals("constant") ? "" : "*"), plain == null ? "" : "0"));
            sb.append(String.format(Locale.ROOT, row, "steps", Long.toString(r.steps()),
                    plain == null ? "" : Long.toString(plain.steps())));
            sb.append(String.format(Locale.ROOT, row, "time per step", ms(r.secondsPerStep()),
                    plain == null ? "" : ms(plain.secondsPerStep())));
            if (plain != null) {
                sb.append(String.format(Locale.ROOT, row, "step-time ratio", num(ratio(r), "%.2f"), "1.00"));
            }
            sb.append('\n');
        }
        TextTrainingRun.Result last = results.get(results.size() - 1);
        sb.append(String.format(Locale.ROOT, "vocabulary: %s, %d ids%s%n", last.vocabulary(), last.vocabularySize(),
                plain == null ? "" : String.format(Locale.ROOT, " (non-private: %s, %d ids)", plain.vocabulary(),
                        plain.vocabularySize())));
        sb.append(String.format(Locale.ROOT, "data: %s, %d train / %d test texts, %d classes, test split: %s%n",
                data.source(), data.trainSize(), data.testSize(), data.classes().size(), data.split()));
        if (!configs.get(0).noiseSchedule().equals("constant")) {
            sb.append("* first epoch's noise multiplier, schedule ").append(configs.get(0).noiseSchedule()).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "total time %.1f s (backend %s)%n", totalSeconds, backend));
        return sb.toString();
    }

    String json() {
        StringBuilder sb = new StringBuilder("{");
        int last = results.size() - 1;
        fields(sb, configs.get(last), results.get(last));
        sb.append(",\"nondp_accuracy\":").append(plain == null ? "null" : jnum(plain.accuracy()));
        sb.append(",\"nondp_step_seconds\":").append(plain == null ? "null" : jnum(plain.secondsPerStep()));
        sb.append(",\"nondp_steps\":").append(plain == null ? "null" : Long.toString(plain.steps()));
        sb.append(",\"total_seconds\":").append(jnum(totalSeconds));
        sb.append(",\"backend\":").append(jstr(backend));
        sb.append(",\"data\":{\"source\":").append(jstr(data.source())).append(",\"split\":").append(jstr(data.split()))
                .append(",\"train_size\":").append(data.trainSize()).append(",\"test_size\":").append(data.testSize())
                .append(",\"classes\":[");
        for (int i = 0; i < data.classes().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(jstr(data.classes().get(i)));
        }
        sb.append("]}");
        sb.append(",\"config\":{");
        boolean first = true;
        for (var e : configs.get(last).toMap().entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(jstr(e.getKey())).append(':').append(jstr(e.getValue()));
        }
        sb.append('}');
        if (results.size() > 1) {
            sb.append(",\"sweep\":[");
            for (int i = 0; i < results.size(); i++) {
                sb.append(i == 0 ? "{" : ",{");
                fields(sb, configs.get(i), results.get(i));
                sb.append('}');
            }
            sb.append(']');
        }
        return sb.append("}\n").toString();
    }

    private void fields(StringBuilder sb, TrainConfig c, TextTrainingRun.Result r) {
        sb.append("\"accuracy\":").append(jnum(r.accuracy()));
        sb.append(",\"epsilon\":").append(jnum(r.epsilonRdp()));
        sb.append(",\"epsilon_prv\":").append(jnum(r.epsilonPrv()));
        sb.append(",\"epsilon_vocabulary\":").append(jnum(r.epsilonVocabulary()));
        sb.append(",\"epsilon_training\":").append(jnum(r.epsilonTraining()));
        sb.append(",\"vocabulary\":").append(jstr(r.vocabulary()));
        sb.append(",\"vocabulary_size\":").append(r.vocabularySize());
        sb.append(",\"delta\":").append(jnum(r.delta()));
        sb.append(",\"target_epsilon\":").append(jnum(c.targetEpsilon()));
        sb.append(",\"noise_multiplier\":").append(jnum(r.sigma0()));
        sb.append(",\"steps\":").append(r.steps());
        sb.append(",\"step_seconds\":").append(jnum(r.secondsPerStep()));
        sb.append(",\"step_time_ratio\":").append(jnum(ratio(r)));
        sb.append(",\"resumed_epochs\":").append(r.resumedEpochs());
    }

    static String jnum(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    static String jstr(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * x);
    }

    private static String ms(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.2f ms", 1000 * s);
    }

    private static String num(double x, String fmt) {
        return Double.isNaN(x) ? "-" : Double.isInfinite(x) ? "inf" : String.format(Locale.ROOT, fmt, x);
    }
}
