package org.edp4j.cli.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.edp4j.audit.Exposure;
import org.edp4j.audit.LossThresholdAttack;
import org.edp4j.audit.MembershipAudit;
import org.edp4j.audit.OfflineLira;
import org.edp4j.cli.train.TextTrainingRun;
import org.edp4j.cli.train.TrainConfig;
import org.edp4j.data.EncodedDataset;
import org.edp4j.data.Encoder;
import org.edp4j.dp.Evaluation;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;

/**
 * {@code edp audit}'s work: for each epsilon, train the target model (the {@code edp train} pipeline,
 * private or, for {@code inf}, non-private) on the corpus with canaries, train the reference models
 * the same way on the corpus without the audited members, and measure membership inference and
 * canary exposure. Every run uses the same data, the same schedule (epochs, q, steps) and the same
 * model initialization seed; only the noise differs.
 */
final class AuditRun {

    /** Rows per evaluation batch. */
    static final int EVAL_CAPACITY = 500;

    private AuditRun() {
    }

    /**
     * The audit of one epsilon.
     *
     * @param targetEpsilon the epsilon asked for ({@code +inf}: non-private)
     * @param epsilon the epsilon the run spent by the RDP accountant ({@code +inf} when non-private)
     * @param accuracy test accuracy of the target
     * @param membership the membership metrics and the held-out bound
     * @param exposures one per canary, in the order of {@code data.canaries()} (empty without canaries)
     * @param seconds wall time of this epsilon's trainings and evaluations
     */
    record Result(double targetEpsilon, double epsilon, double accuracy, MembershipAudit membership,
            List<Exposure> exposures, double seconds) {

        /** @return whether the empirical lower bound exceeds the guarantee: a bug in training or accounting */
        boolean violation() {
            return membership.epsilonLowerBound() > epsilon;
        }
    }

    static List<Result> run(AuditConfig config, AuditData data, Backend backend, Consumer<String> progress) {
        List<Result> out = new ArrayList<>();
        for (double eps : config.epsilons()) {
            out.add(runOne(config, data, backend, eps, progress));
        }
        return out;
    }

    static Result runOne(AuditConfig config, AuditData data, Backend backend, double eps, Consumer<String> progress) {
        long t0 = System.nanoTime();
        TrainConfig c = Double.isInfinite(eps) ? config.train() : config.train().withTargetEpsilon(eps);
        String label = Double.isInfinite(eps) ? "non-private" : "epsilon " + eps;
        Trained target = train(c, !Double.isInfinite(eps), data.encoder(), data.targetTrain(), data.test(), backend);
        double spent = Double.isInfinite(eps) ? Double.POSITIVE_INFINITY : target.result().epsilonRdp();
        progress.accept(String.format(Locale.ROOT, "%s: target trained, test accuracy %.2f%%%s", label,
                100 * target.result().accuracy(),
                Double.isInfinite(spent) ? "" : String.format(Locale.ROOT, ", epsilon %.3f", spent)));
        int vocab = data.encoder().vocabulary().size();
        double[] targetLoss = losses(target.model(), data.audited(), vocab, backend);
        List<Exposure> exposures = List.of();
        if (data.canaries() != null) {
            double[][] byLabel = new double[data.canaries().numClasses()][];
            for (int y = 0; y < byLabel.length; y++) {
                byLabel[y] = losses(target.model(), data.canaries().candidates(y), vocab, backend);
            }
            exposures = data.canaries().exposures(byLabel);
        }
        double[][] outLoss = new double[config.references()][];
        for (int r = 0; r < config.references(); r++) {
            Trained ref = train(c.withSeed(c.seed() + 1 + r), !Double.isInfinite(eps), data.encoder(), data.referenceTrain(), data.test(),
                    backend);
            outLoss[r] = losses(ref.model(), data.audited(), vocab, backend);
            progress.accept(String.format(Locale.ROOT, "%s: reference model %d/%d trained", label, r + 1,
                    config.references()));
        }
        double[] loss = LossThresholdAttack.scores(targetLoss);
        double[] lira = OfflineLira.scores(targetLoss, outLoss, true);
        MembershipAudit mia = MembershipAudit.of(List.of(
                new MembershipAudit.Scores("loss", data.membersOf(loss), data.nonMembersOf(loss)),
                new MembershipAudit.Scores("lira", data.membersOf(lira), data.nonMembersOf(lira))),
                c.delta(), config.alpha(), c.seed());
        return new Result(eps, spent, target.result().accuracy(), mia, exposures, (System.nanoTime() - t0) / 1e9);
    }

    private record Trained(TextTrainingRun.Result result, Sequential model) {
    }

    private static Trained train(TrainConfig c, boolean isPrivate, Encoder enc, EncodedDataset train,
            EncodedDataset test, Backend backend) {
        Sequential[] model = new Sequential[1];
        TextTrainingRun.Listener grab = new TextTrainingRun.Listener() {
            @Override
            public void start(boolean p, Sequential m, double sigma0, int resumedEpochs) {
                model[0] = m;
            }
        };
        TextTrainingRun.Data data = new TextTrainingRun.Data(enc, train, test);
        TextTrainingRun.Result r = isPrivate ? TextTrainingRun.trainPrivate(c, data, backend, grab)
                : TextTrainingRun.trainNonPrivate(c, data, backend, grab);
        return new Trained(r, model[0]);
    }

    /** Per-example losses of every row of {@code rows}. */
    static double[] losses(Sequential model, EncodedDataset rows, int vocab, Backend backend) {
        try (Batch batch = Batch.tokens(backend, EVAL_CAPACITY, rows.maxLen(), rows.numClasses())) {
            return Evaluation.losses(model, batch, TextTrainingRun.loader(rows, vocab, EVAL_CAPACITY), rows.labels());
        }
    }
}
