package org.edp4j.cli.federated;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edp4j.cli.Json;

/**
 * The final table and JSON of {@code edp federated}: one row per run (setting, selection) with the
 * test accuracy, the epsilon spent, sigma, the accounted inclusion probability, the rounds and the
 * wall time. Nothing about the devices' data: accuracy is on the held-out test split.
 *
 * <p>JSON: {@code {"target_epsilon", "delta", "total_seconds", "runs": [{"setting", "selection", "private",
 * "accuracy", "epsilon", "epsilon_prv", "noise_multiplier", "accounted_rate", "rounds", "seconds",
 * "curve": [[round, accuracy], ...]}], "config": {...}}}; numbers in full precision, null when not finite.
 */
final class FederatedReport {
    private final FederatedConfig config;
    private final List<FederatedRun.Result> results;
    private final double totalSeconds;
    private final String engine;

    /** A report of runs on this JVM's {@code config.threads()} device threads. */
    FederatedReport(FederatedConfig config, List<FederatedRun.Result> results, double totalSeconds) {
        this(config, results, totalSeconds, config.threads() + " device threads");
    }

    /** @param engine where the devices trained, for the table's last line */
    FederatedReport(FederatedConfig config, List<FederatedRun.Result> results, double totalSeconds, String engine) {
        this.config = config;
        this.results = List.copyOf(results);
        this.totalSeconds = totalSeconds;
        this.engine = engine;
    }

    String table() {
        StringBuilder sb = new StringBuilder("\n");
        String row = "%-10s %-17s %10s %9s %9s %9s %7s %9s%n";
        sb.append(String.format(Locale.ROOT, row, "setting", "selection", "test acc", "epsilon", "sigma", "q", "rounds",
                "time"));
        for (FederatedRun.Result r : results) {
            sb.append(String.format(Locale.ROOT, row, r.setting(), r.selection() + (r.isPrivate() ? "" : ", non-DP"),
                    String.format(Locale.ROOT, "%.2f %%", 100 * r.accuracy()), num(r.epsilon(), "%.3f"),
                    num(r.sigma(), "%.4f"), r.isPrivate() ? num(r.accountedRate(), "%.4f") : "-",
                    Integer.toString(r.rounds()),
                    String.format(Locale.ROOT, "%.1f s", r.seconds())));
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%d devices (%s), %d expected per round, %d local epochs of batch %d, "
                        + "%s server (lr %s), clip %s %s%n", config.devices(), config.partitionDescription(),
                config.clientsPerRound(), config.localEpochs(), config.localBatchSize(), config.serverOptimizer(),
                config.serverLr(), config.clipping(), config.clip()));
        sb.append(String.format(Locale.ROOT, "epsilon: device level, RDP at delta %.0e, every round accounted at q "
                + "(activity: the cap, %.4g = %s x K/N); continual devices keep the newest %d examples%n",
                config.delta(), config.capProbability(), config.activityCap(), config.storage()));
        sb.append(String.format(Locale.ROOT, "total time %.1f s (%s)%n", totalSeconds, engine));
        return sb.toString();
    }

    String json() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"target_epsilon\":").append(Json.num(config.targetEpsilon()));
        sb.append(",\"delta\":").append(Json.num(config.delta()));
        sb.append(",\"total_seconds\":").append(Json.num(totalSeconds));
        sb.append(",\"engine\":").append(Json.str(engine));
        sb.append(",\"runs\":[");
        for (int i = 0; i < results.size(); i++) {
            FederatedRun.Result r = results.get(i);
            sb.append(i == 0 ? "{" : ",{");
            sb.append("\"setting\":").append(Json.str(r.setting()));
            sb.append(",\"selection\":").append(Json.str(r.selection()));
            sb.append(",\"private\":").append(r.isPrivate());
            sb.append(",\"accuracy\":").append(Json.num(r.accuracy()));
            sb.append(",\"epsilon\":").append(Json.num(r.epsilon()));
            sb.append(",\"epsilon_prv\":").append(Json.num(r.epsilonPrv()));
            sb.append(",\"noise_multiplier\":").append(Json.num(r.sigma()));
            sb.append(",\"accounted_rate\":").append(r.isPrivate() ? Json.num(r.accountedRate()) : "null");
            sb.append(",\"rounds\":").append(r.rounds());
            sb.append(",\"seconds\":").append(Json.num(r.seconds()));
            sb.append(",\"curve\":[");
            for (int k = 0; k < r.curve().size(); k++) {
                sb.append(k == 0 ? "[" : ",[").append(r.evaluatedRounds().get(k)).append(',')
                        .append(Json.num(r.curve().get(k))).append(']');
            }
            sb.append("]}");
        }
        sb.append("],\"config\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : config.toMap().entrySet()) {
            sb.append(first ? "" : ",").append(Json.str(e.getKey())).append(':').append(Json.str(e.getValue()));
            first = false;
        }
        return sb.append("}}\n").toString();
    }

    private static String num(double x, String fmt) {
        return Double.isNaN(x) ? "-" : Double.isInfinite(x) ? "inf" : String.format(Locale.ROOT, fmt, x);
    }
}
