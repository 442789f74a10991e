package org.edp4j.cli.audit;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edp4j.cli.BackendOption;
import org.edp4j.cli.OutputFiles;
import org.edp4j.cli.train.ModelDefaults;
import org.edp4j.cli.train.TrainCommand;
import org.edp4j.cli.train.TrainConfig;
import org.edp4j.data.SpamAssassin;
import org.edp4j.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edp audit}: how much trained models leak in practice, one model per epsilon: membership
 * inference (loss threshold and offline LiRA; AUC, TPR at low FPR, empirical epsilon lower bound)
 * and canary exposure. See {@code docs/audit.md}.
 *
 * <p>Exit codes: 0 success; 1 a run-time failure (an unwritable file); 2 a bad option; 3 the audit
 * found an empirical lower bound above a run's epsilon (a bug in training or accounting); the table
 * says which run, with a WARNING line, and the JSON has {@code "violation": true}.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure what trained models leak: membership inference and canary exposure, one model "
                + "per epsilon on the bundled SpamAssassin corpus (same data and schedule for every epsilon).",
                "Exit code 3 when an empirical lower bound exceeds the run's epsilon (a bug)."})
public final class AuditCommand implements Callable<Integer> {

    /** Exit code when a lower bound exceeds the guarantee. */
    public static final int EXIT_VIOLATION = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "spam",
            description = "Dataset: spam (the bundled SpamAssassin corpus). Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--epsilons", paramLabel = "EPS,...", split = ",", defaultValue = "inf,8,3,1",
            description = "Target epsilons, one model each; inf = non-private. Default: ${DEFAULT-VALUE}.")
    List<String> epsilons;

    @Option(names = "--canaries", paramLabel = "N",
            description = "Canaries per repeat count (0: none). Default: 10 (5 with --quick).")
    Integer canaries;

    @Option(names = "--canary-repeats", paramLabel = "K,...", split = ",", defaultValue = "1,4,16",
            description = "Copies of each canary in the training set. Default: ${DEFAULT-VALUE}.")
    List<Integer> canaryRepeats;

    @Option(names = "--references", paramLabel = "R",
            description = "Reference (OUT) models per epsilon for the calibrated attack. Default: 4 (1 with --quick).")
    Integer references;

    @Option(names = "--quick", description = "A smaller audit (1,600 emails, max length 128, 1 reference model, "
            + "5 canaries per repeat count) that finishes in about a minute on 2 cores.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as one JSON object.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw leakage against epsilon to a PNG.")
    Path plot;

    @Option(names = "--max-train", paramLabel = "N",
            description = "Train on a seeded subsample of N emails. Default: all 4717 (1600 with --quick).")
    Integer maxTrain;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "30", description = "Epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Expected Poisson batch size. Default: 1024 (256 with --quick).")
    Integer batchSize;

    @Option(names = "--clip", paramLabel = "C", defaultValue = "0.1", description = "Clip bound. Default: ${DEFAULT-VALUE}.")
    double clip;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.1", description = "Learning rate (Adam). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--max-len", paramLabel = "T", description = "Tokens kept per email. Default: 256 (128 with --quick).")
    Integer maxLen;

    @Option(names = "--delta", paramLabel = "DELTA", defaultValue = "1e-5", description = "delta. Default: ${DEFAULT-VALUE}.")
    double delta;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.05",
            description = "Error level of the empirical epsilon lower bound (0.05: 95%% confidence). Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Seed of the data split, canaries, model initialization. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--insecure-seed-noise",
            description = "NOT PRIVATE: derive the noise from --seed (reproducible audits, tests).")
    boolean insecureSeedNoise;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", description = "auto | cpu | cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    /** The configuration the options describe. */
    AuditConfig config() {
        if (!"spam".equals(dataset)) {
            throw new IllegalArgumentException("--dataset must be spam (the bundled SpamAssassin corpus), got '" + dataset
                    + "'");
        }
        List<Double> eps = new ArrayList<>();
        for (String s : epsilons) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (v.equals("inf") || v.equals("infinity")) {
                eps.add(Double.POSITIVE_INFINITY);
                continue;
            }
            double e;
            try {
                e = Double.parseDouble(v);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--epsilons values must be numbers > 0 or inf, got '" + s + "'");
            }
            if (!(e > 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("--epsilons values must be numbers > 0 or inf, got '" + s + "'");
            }
            eps.add(e);
        }
        int n = maxTrain != null ? maxTrain : quick ? 1600 : 4717;
        if (n < AuditConfig.MIN_TRAIN) {
            throw new IllegalArgumentException("--max-train must be >= " + AuditConfig.MIN_TRAIN + " for an audit, got "
                    + n);
        }
        // The bag model of edp train, at its defaults unless --quick shrinks the run.
        ModelDefaults bag = ModelDefaults.BAG;
        int b = batchSize != null ? batchSize : quick ? 256 : bag.batchSize();
        int usable = Math.min(n, SpamAssassin.TRAIN_SIZE);
        if (batchSize == null && b > usable) {
            throw new IllegalArgumentException("--max-train " + n + " is smaller than the default --batch-size " + b
                    + ": give --batch-size B with B <= " + usable);
        }
        int t = maxLen != null ? maxLen : quick ? 128 : bag.maxLen();
        TrainConfig tc = new TrainConfig(TrainConfig.BAG, 8000, t, bag.dim(), bag.hidden(), epochs, b, clip, "flat",
                TrainCommand.DEFAULT_EPSILON, Double.NaN, delta, "constant", "adam", lr, seed, insecureSeedNoise, n,
                bag.layers(), bag.heads());
        return new AuditConfig(tc, eps, canaries != null ? canaries : quick ? 5 : 10, canaryRepeats,
                references != null ? references : quick ? 1 : 4, alpha);
    }

    @Override
    public Integer call() {
        AuditConfig config = config();
        if (plot != null && !plot.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--plot must name a .png file, got " + plot);
        }
        if (json != null) {
            OutputFiles.checkFile("--json", json);
        }
        if (plot != null) {
            OutputFiles.checkFile("--plot", plot);
        }
        Backend be;
        try {
            be = BackendOption.resolve(backend);
        } catch (IllegalStateException e) {
            return fail(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        AuditData data = AuditData.prepare(config);
        err.printf(Locale.ROOT, "edp audit: %d train emails + %d canary copies, %d members vs %d non-members audited, "
                        + "backend %s%s%n", config.train().trainSize(),
                data.targetTrain().size() - config.train().trainSize(), data.members(), data.members(), be.name(),
                config.train().insecureSeedNoise() ? ", NOISE SEEDED FROM --seed (NOT PRIVATE)" : "");
        err.flush();
        List<AuditRun.Result> results = AuditRun.run(config, data, be, line -> {
            err.println("edp audit: " + line);
            err.flush();
        });
        AuditReport report = new AuditReport(config, data, results, (System.nanoTime() - t0) / 1e9, be.name());
        out.print(report.table());
        out.flush();
        try {
            if (json != null) {
                OutputFiles.write("--json", json, report.json().getBytes(StandardCharsets.UTF_8));
            }
            if (plot != null) {
                OutputFiles.write("--plot", plot, LeakagePlot.png(config, data, results));
            }
        } catch (IOException e) {
            return fail(e.getMessage());
        }
        return report.violation() ? EXIT_VIOLATION : 0;
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("edp audit: " + message);
        spec.commandLine().getErr().flush();
        return 1;
    }
}
