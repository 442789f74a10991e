package org.edp4j.cli.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edp4j.audit.Canary;
import org.edp4j.audit.Exposure;
import org.edp4j.audit.MembershipAudit;

/** The table and the JSON of {@code edp audit}. */
final class AuditReport {

    private final AuditConfig config;
    private final AuditData data;
    private final List<AuditRun.Result> results;
    private final double seconds;
    private final String backend;

    AuditReport(AuditConfig config, AuditData data, List<AuditRun.Result> results, double seconds, String backend) {
        this.config = config;
        this.data = data;
        this.results = results;
        this.seconds = seconds;
        this.backend = backend;
    }

    /** @return whether some run's empirical lower bound exceeds its epsilon */
    boolean violation() {
        return results.stream().anyMatch(AuditRun.Result::violation);
    }

    /** Mean and max exposure, and how many were extracted, of the canaries with {@code repeats} copies. */
    record Group(int repeats, double mean, double max, int extracted, int count) {
    }

    static List<Group> groups(AuditConfig config, AuditData data, List<Exposure> exposures) {
        List<Group> out = new ArrayList<>();
        if (data.canaries() == null) {
            return out;
        }
        for (int k : config.repeats()) {
            double sum = 0;
            double max = 0;
            int ex = 0;
            int n = 0;
            for (int i = 0; i < exposures.size(); i++) {
                if (data.canaries().canaries().get(i).repeats() == k) {
                    double e = exposures.get(i).exposure();
                    sum += e;
                    max = Math.max(max, e);
                    ex += exposures.get(i).extracted() ? 1 : 0;
                    n++;
                }
            }
            out.add(new Group(k, sum / n, max, ex, n));
        }
        return out;
    }

    static String eps(double e) {
        return Double.isInfinite(e) ? "inf" : String.format(Locale.ROOT, "%.3g", e);
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %11s %12s %11s", "epsilon", "spent", "test acc",
                "AUC loss", "AUC LiRA", "TPR@1%FPR", "TPR@0.1%FPR", "eps_lb 95%"));
        if (data.canaries() != null) {
            for (int k : config.repeats()) {
                sb.append(String.format(Locale.ROOT, " %16s", "exposure k=" + k));
            }
        }
        sb.append('\n');
        for (AuditRun.Result r : results) {
            MembershipAudit m = r.membership();
            MembershipAudit.Attack loss = m.attacks().get(0);
            MembershipAudit.Attack lira = m.attacks().get(1);
            sb.append(String.format(Locale.ROOT, "%-8s %9s %8.2f%% %9.3f %9.3f %10.2f%% %11.2f%% %11.3f",
                    eps(r.targetEpsilon()), eps(r.epsilon()), 100 * r.accuracy(), loss.auc(), lira.auc(),
                    100 * Math.max(loss.tprAt1(), lira.tprAt1()), 100 * Math.max(loss.tprAt01(), lira.tprAt01()),
                    m.epsilonLowerBound()));
            for (Group g : groups(config, data, r.exposures())) {
                sb.append(String.format(Locale.ROOT, " %16s",
                        String.format(Locale.ROOT, "%.1f/%.1f (%d)", g.mean(), g.max(), g.extracted())));
            }
            sb.append('\n');
        }
        sb.append('\n');
        int m = data.members();
        sb.append(String.format(Locale.ROOT, "membership: %d training emails vs %d test emails; LiRA calibrated by %d "
                + "reference model%s per run trained without them%n", m, m, config.references(),
                config.references() == 1 ? "" : "s"));
        sb.append(String.format(Locale.ROOT, "TPR@FPR: the better of the two attacks; eps_lb: threshold chosen on one "
                + "half, Clopper-Pearson bound on the other half, %.0f%% confidence, delta %.1e%n",
                100 * (1 - config.alpha()), config.train().delta()));
        if (data.canaries() != null) {
            int cand = org.edp4j.audit.Canaries.SECRETS - data.canaries().canaries().size() + 1;
            sb.append(String.format(Locale.ROOT, "exposure: mean/max bits (canaries extracted) of %d canaries per "
                    + "repeat count k, each \"%s NNNN\", labels alternating ham/spam; max log2(%d) = %.2f bits%n",
                    config.canariesPerRepeat(), AuditConfig.PREFIX, cand, Math.log(cand) / Math.log(2)));
        }
        for (AuditRun.Result r : results) {
            if (r.violation()) {
                sb.append(String.format(Locale.ROOT, "WARNING: at epsilon %s the empirical lower bound %.3f EXCEEDS the "
                        + "run's epsilon %.3f: the model leaks more than its guarantee allows, which means a bug in "
                        + "the training or the accounting (or a 1-in-%d statistical fluke)%n", eps(r.targetEpsilon()),
                        r.membership().epsilonLowerBound(), r.epsilon(), Math.round(1 / config.alpha())));
            }
        }
        sb.append(String.format(Locale.ROOT, "%ntotal time %.1f s (backend %s)%n", seconds, backend));
        return sb.toString();
    }

    private static String num(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    private static String str(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    String json() {
        StringBuilder sb = new StringBuilder();
        var t = config.train();
        sb.append("{\"command\": \"audit\", \"dataset\": \"spam\", \"delta\": ").append(num(t.delta()))
                .append(", \"alpha\": ").append(num(config.alpha()))
                .append(", \"train_size\": ").append(t.trainSize())
                .append(", \"members\": ").append(data.members())
                .append(", \"non_members\": ").append(data.members())
                .append(", \"references\": ").append(config.references())
                .append(", \"epochs\": ").append(t.epochs())
                .append(", \"batch_size\": ").append(t.batchSize())
                .append(", \"seed\": ").append(t.seed())
                .append(", \"violation\": ").append(violation())
                .append(", \"seconds\": ").append(num(seconds))
                .append(", \"backend\": ").append(str(backend))
                .append(", \"runs\": [");
        for (int i = 0; i < results.size(); i++) {
            AuditRun.Result r = results.get(i);
            MembershipAudit.Bound b = r.membership().bound();
            sb.append(i == 0 ? "" : ", ").append("{\"target_epsilon\": ").append(num(r.targetEpsilon()))
                    .append(", \"private\": ").append(!Double.isInfinite(r.targetEpsilon()))
                    .append(", \"epsilon_rdp\": ").append(num(r.epsilon()))
                    .append(", \"test_accuracy\": ").append(num(r.accuracy()))
                    .append(", \"attacks\": [");
            List<MembershipAudit.Attack> as = r.membership().attacks();
            for (int j = 0; j < as.size(); j++) {
                MembershipAudit.Attack a = as.get(j);
                sb.append(j == 0 ? "" : ", ").append("{\"attack\": ").append(str(a.attack()))
                        .append(", \"auc\": ").append(num(a.auc()))
                        .append(", \"tpr_at_1pct_fpr\": ").append(num(a.tprAt1()))
                        .append(", \"tpr_at_0.1pct_fpr\": ").append(num(a.tprAt01()))
                        .append(", \"advantage\": ").append(num(a.advantage())).append('}');
            }
            sb.append("], \"epsilon_lower_bound\": ").append(num(b.epsilon()))
                    .append(", \"bound\": {\"attack\": ").append(str(b.attack()))
                    .append(", \"threshold\": ").append(num(b.threshold()))
                    .append(", \"true_positives\": ").append(b.truePositives())
                    .append(", \"members\": ").append(b.members())
                    .append(", \"false_positives\": ").append(b.falsePositives())
                    .append(", \"non_members\": ").append(b.nonMembers()).append('}')
                    .append(", \"lower_bound_exceeds_epsilon\": ").append(r.violation())
                    .append(", \"canaries\": [");
            for (int j = 0; j < r.exposures().size(); j++) {
                Canary c = data.canaries().canaries().get(j);
                Exposure e = r.exposures().get(j);
                sb.append(j == 0 ? "" : ", ").append("{\"secret\": ").append(str(c.digits()))
                        .append(", \"repeats\": ").append(c.repeats())
                        .append(", \"rank\": ").append(num(e.rank()))
                        .append(", \"candidates\": ").append(e.candidates())
                        .append(", \"exposure\": ").append(num(e.exposure()))
                        .append(", \"extracted\": ").append(e.extracted()).append('}');
            }
            sb.append("], \"seconds\": ").append(num(r.seconds())).append('}');
        }
        sb.append("]}\n");
        return sb.toString();
    }
}
