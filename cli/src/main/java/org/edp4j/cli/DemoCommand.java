package org.edp4j.cli;

import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.edp4j.data.SyntheticClassification;
import org.edp4j.dp.BatchLoader;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.Evaluation;
import org.edp4j.dp.PoissonSampler;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.TrainingLoop;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edp demo}: a short private training run on a synthetic task, next to the same run
 * without privacy; prints accuracy, epsilon and the measured private/non-private step-time ratio.
 * The two runs take turns in blocks of {@value #BLOCK} steps and each block's first step is not
 * timed ({@link StepTimes}), as the benchmarks' {@code StepProfile} does.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Private vs non-private training of an MLP on a synthetic task (a quick smoke run).")
public final class DemoCommand implements Callable<Integer> {
    /** Steps per turn of each run; the first of every turn is not timed. */
    static final int BLOCK = 5;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--noise-multiplier", defaultValue = "1.0", description = "Noise multiplier sigma (default ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--delta", defaultValue = "1e-5", description = "Delta of the reported epsilon (default ${DEFAULT-VALUE}).")
    double delta;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or cuda (default ${DEFAULT-VALUE}).")
    String backendName;

    @Override
    public Integer call() {
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be > 0, got " + epochs);
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("--delta must be in (0, 1), got " + delta);
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("--noise-multiplier must be > 0 and finite, got " + sigma);
        }
        Backend backend = BackendOption.resolve(backendName);
        int n = 20_000;
        int dim = 64;
        int classes = 8;
        SyntheticClassification all = SyntheticClassification.gaussianClusters(n + 4_000, dim, classes, 3.0, 1);
        SyntheticClassification train = all.head(n);
        SyntheticClassification test = all.tail(n);
        double q = 256.0 / n;
        System.out.printf("edp4j demo: MLP %d-256-256-%d on %d synthetic examples, expected batch 256, %d epochs, backend %s%n",
                dim, classes, n, epochs, backend.name());
        // The runs take turns in blocks of BLOCK steps; the first step of each block is not timed
        // (StepTimes), so the private step's noise prefetch, which runs on after the step returns,
        // is charged to the private run and a busy machine slows both runs alike.
        try (Trainee priv = new Trainee(backend, train, q, true);
             Trainee plain = new Trainee(backend, train, q, false)) {
            long steps = (long) epochs * priv.loop.stepsPerEpoch();
            StepTimes.alternate(steps, BLOCK, priv.times, priv.loop::step, plain.times, plain.loop::step);
            report(priv.finish(test), plain.finish(test));
        }
        return 0;
    }

    private void report(Run priv, Run plain) {
        double eps = priv.epsilon;
        System.out.println();
        System.out.printf("%-28s %12s %12s%n", "", "private", "non-private");
        System.out.printf("%-28s %11.2f%% %11.2f%%%n", "test accuracy", 100 * priv.accuracy, 100 * plain.accuracy);
        System.out.printf("%-28s %12.3f %12s%n", "epsilon (RDP, delta " + delta + ")", eps, "inf");
        System.out.printf("%-28s %12d %12d%n", "steps", priv.steps, plain.steps);
        System.out.printf("%-28s %12.3f %12.3f%n", "median step time (ms)", priv.medianStepMs, plain.medianStepMs);
        System.out.printf("%-28s %12.3f%n", "private / non-private time", priv.medianStepMs / plain.medianStepMs);
        System.out.printf("(runs alternate in blocks of %d steps; the first epoch and each block's first step "
                + "are not timed)%n", BLOCK);
    }

    private record Run(double accuracy, double epsilon, long steps, double medianStepMs) {
    }

    /** One training run, private or not. */
    private final class Trainee implements AutoCloseable {
        final boolean isPrivate;
        final Sequential model;
        final PrivateOptimizer opt;
        final Batch batch;
        final TrainingLoop loop;
        final StepTimes times;

        Trainee(Backend backend, SyntheticClassification train, double q, boolean isPrivate) {
            this.isPrivate = isPrivate;
            this.model = Models.mlp(backend, new SplittableRandom(7), train.dim(), 256, 256, train.classes());
            GaussianNoise noise = GaussianNoise.secure();
            PrivateOptimizer.Builder b = PrivateOptimizer.builder(model, Sgd.withMomentum(0.1, 0.9))
                    .clipping(Clipping.flat(1.0)).sampling(q, train.size()).noise(noise);
            this.opt = (isPrivate ? b.noiseMultiplier(sigma) : b.nonPrivate()).build();
            this.batch = Batch.dense(backend, PoissonSampler.suggestedCapacity(train.size(), q), train.dim(),
                    train.classes());
            this.loop = new TrainingLoop(opt, new PoissonSampler(noise, train.size(), q), batch, loader(train));
            // The first epoch includes JIT warm-up: the timing uses the later steps.
            this.times = new StepTimes(loop.stepsPerEpoch());
        }

        Run finish(SyntheticClassification test) {
            double acc = Evaluation.accuracy(model, batch, loader(test), test.labels());
            double eps = isPrivate ? opt.accountant().getEpsilon(delta) : Double.POSITIVE_INFINITY;
            return new Run(acc, eps, opt.stepsTaken(), 1e3 * times.medianSeconds());
        }

        @Override
        public void close() {
            opt.close();
            batch.close();
        }
    }

    private static BatchLoader loader(SyntheticClassification d) {
        return (batch, rows, from, count) -> batch.loadDense(d.features(), d.labels(),
                java.util.Arrays.copyOfRange(rows, from, from + count), count);
    }
}
