package org.edp4j.fairness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edp4j.data.TokenIndex;
import org.edp4j.data.Tokenizer;
import org.edp4j.model.SavedModel;
import org.edp4j.model.TextClassifier;

/**
 * A fairness audit of a text classifier on labelled texts: how its predictions move when the
 * protected-attribute words of a {@link WordPairs} lexicon are swapped ({@link CounterfactualSwap}),
 * how sensitive its predicted probability is to those words ({@link PredictionSensitivity}), and,
 * when the texts carry a group, how accuracy and true-positive rates differ between groups.
 *
 * <pre>{@code
 * try (TextClassifier c = TextClassifier.load(Path.of("model.edp"))) {
 *     List<FairnessAudit.Example> data = List.of(new FairnessAudit.Example("He wrote to me", 0, "m"), ...);
 *     FairnessReport r = FairnessAudit.run(c, data, WordPairs.english());
 *     r.flipRate();        // share of swapped texts whose predicted label changes
 *     r.sensitivity();     // accumulated prediction sensitivity
 * }
 * }</pre>
 *
 * <p><b>Privacy.</b> The audit releases figures about the texts it is given, outside any epsilon:
 * pass held-out data. Run on the training texts, its output is about the training data and is not
 * covered by the model's guarantee (docs/fairness.md).
 */
public final class FairnessAudit {

    private FairnessAudit() {
    }

    /**
     * One labelled text.
     *
     * @param text the text; not null
     * @param label its class, an index of {@link TextClassifier#labels()}
     * @param group its group (e.g. the gender it mentions), or null when the data has no group
     */
    public record Example(String text, int label, String group) {
        /** @throws NullPointerException if text is null */
        public Example {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Runs the audit.
     *
     * @param classifier the model; not modified (closing it is the caller's)
     * @param data the texts, at least one; not modified
     * @param pairs the protected-attribute lexicon
     * @return the figures
     * @throws IllegalArgumentException for an empty dataset, a label outside the classifier's
     *     classes, or a dataset where some texts have a group and others not
     */
    public static FairnessReport run(TextClassifier classifier, List<Example> data, WordPairs pairs) {
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(pairs, "pairs");
        int n = data.size();
        int k = classifier.labels().size();
        if (n == 0) {
            throw new IllegalArgumentException("the audit needs at least one text");
        }
        boolean grouped = data.get(0).group() != null;
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Example e = data.get(i);
            if (e.label() < 0 || e.label() >= k) {
                throw new IllegalArgumentException("label " + e.label() + " of text " + i + " is outside [0, " + k + ")");
            }
            if ((e.group() != null) != grouped) {
                throw new IllegalArgumentException("text " + i + (grouped ? " has no group" : " has a group")
                        + " unlike text 0; expected a group for every text or for none");
            }
            texts.add(e.text());
        }
        List<TextClassifier.Prediction> original = classifier.predictAll(texts);

        CounterfactualSwap swap = CounterfactualSwap.of(pairs);
        List<Integer> swappedAt = new ArrayList<>();
        List<String> swappedTexts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CounterfactualSwap.Result r = swap.apply(texts.get(i));
            if (r.swaps() > 0) {
                swappedAt.add(i);
                swappedTexts.add(r.text());
            }
        }
        List<TextClassifier.Prediction> counterfactual = classifier.predictAll(swappedTexts);
        int flips = 0;
        double sumDelta = 0;
        double maxDelta = swappedAt.isEmpty() ? Double.NaN : 0;
        for (int j = 0; j < swappedAt.size(); j++) {
            TextClassifier.Prediction p = original.get(swappedAt.get(j));
            TextClassifier.Prediction q = counterfactual.get(j);
            if (p.labelIndex() != q.labelIndex()) {
                flips++;
            }
            double d = Math.abs(q.probabilities()[p.labelIndex()] - p.probabilities()[p.labelIndex()]);
            sumDelta += d;
            maxDelta = Math.max(maxDelta, d);
        }

        SavedModel model = classifier.model();
        double sens = Double.NaN;
        double sensProtected = Double.NaN;
        int protectedTexts = 0;
        String note = null;
        Tokenizer tok = model.tokenizer();
        TokenIndex index = model.tokenIndex();
        int maxLen = model.shape().maxLen();
        double[] ps = null;
        if (PredictionSensitivity.supports(model)) {
            PredictionSensitivity s = PredictionSensitivity.of(model);
            ps = new double[n];
            for (int i = 0; i < n; i++) {
                List<String> tokens = tok.tokenize(texts.get(i), maxLen);
                int[] ids = new int[tokens.size()];
                double[] w = new double[tokens.size()];
                boolean any = false;
                for (int t = 0; t < ids.length; t++) {
                    ids[t] = index.id(tokens.get(t));
                    if (pairs.contains(tokens.get(t))) {
                        w[t] = 1;
                        any = true;
                    }
                }
                if (any) {
                    protectedTexts++;
                    ps[i] = s.sensitivity(ids, w);
                }
            }
            double sum = 0;
            for (double v : ps) {
                sum += v;
            }
            sens = sum / n;
            sensProtected = protectedTexts == 0 ? Double.NaN : sum / protectedTexts;
        } else {
            note = PredictionSensitivity.unsupported(model.shape().kind());
            for (String t : texts) {
                for (String token : tok.tokenize(t, maxLen)) {
                    if (pairs.contains(token)) {
                        protectedTexts++;
                        break;
                    }
                }
            }
        }

        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (original.get(i).labelIndex() == data.get(i).label()) {
                correct++;
            }
        }
        List<FairnessReport.GroupStats> groups = grouped ? groups(data, original, k) : List.of();
        double accGap = Double.NaN;
        double[] tprGap = new double[k];
        java.util.Arrays.fill(tprGap, Double.NaN);
        if (groups.size() >= 2) {
            accGap = spread(groups.stream().mapToDouble(FairnessReport.GroupStats::accuracy).toArray());
            for (int c = 0; c < k; c++) {
                final int cls = c;
                tprGap[c] = spread(groups.stream().mapToDouble(g -> g.tpr()[cls]).toArray());
            }
        }
        return new FairnessReport(n, (double) correct / n, swappedAt.size(), flips,
                swappedAt.isEmpty() ? Double.NaN : sumDelta / swappedAt.size(), maxDelta, protectedTexts, sens,
                sensProtected, note, classifier.labels(), groups, accGap, tprGap);
    }

    private static List<FairnessReport.GroupStats> groups(List<Example> data, List<TextClassifier.Prediction> pred,
            int k) {
        Map<String, int[]> counts = new LinkedHashMap<>();   // n, correct, then per class: positives, hits
        for (int i = 0; i < data.size(); i++) {
            Example e = data.get(i);
            int[] c = counts.computeIfAbsent(e.group(), g -> new int[2 + 2 * k]);
            boolean hit = pred.get(i).labelIndex() == e.label();
            c[0]++;
            c[1] += hit ? 1 : 0;
            c[2 + e.label()]++;
            c[2 + k + e.label()] += hit ? 1 : 0;
        }
        List<FairnessReport.GroupStats> out = new ArrayList<>();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            int[] pos = new int[k];
            double[] tpr = new double[k];
            for (int j = 0; j < k; j++) {
                pos[j] = c[2 + j];
                tpr[j] = pos[j] == 0 ? Double.NaN : (double) c[2 + k + j] / pos[j];
            }
            out.add(new FairnessReport.GroupStats(e.getKey(), c[0], (double) c[1] / c[0], pos, tpr));
        }
        return out;
    }

    /** max - min over the finite values; NaN with fewer than two. */
    private static double spread(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int m = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
                m++;
            }
        }
        return m < 2 ? Double.NaN : hi - lo;
    }
}
