package org.edp4j.jmh;

import java.util.concurrent.TimeUnit;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.tensor.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The headline figure: one full optimizer step ({@code zeroGrad(); accumulate(batch); step()}) on a
 * pre-loaded, full batch, private (flat clipping C = 1, sigma 1, SGD, prefetched ChaCha20 noise)
 * against non-private (the same builder with {@code .nonPrivate()}), same model, backend and
 * batch, in one JMH run. The ratio private / non-private is computed by {@code scripts/report.py}.
 *
 * <p>Models: {@code mlp} 784-512-512-10 on dense input; {@code text} Embedding(20,000 x 128), seq 128
 * with padding mask, masked mean-pool, Linear 128-128, Tanh, Linear 128-2 (see {@link Workload}).
 */
@Fork(jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StepBenchmark {
    /** Backend name for {@link Backends#byName}: "cpu" here; add "cuda" where a device is present. */
    @Param("cpu")
    public String backend;

    @Param({"mlp", "text"})
    public String model;

    @Param({"64", "256", "1024"})
    public int batch;

    @Param({"nonprivate", "private"})
    public String mode;

    private Workload work;
    private PrivateOptimizer opt;

    @Setup
    public void setup() {
        work = new Workload(Backends.byName(backend), model, batch, 128, model.equals("mlp") ? 512 : 128);
        opt = switch (mode) {
            case "private" -> work.privateOptimizer();
            case "nonprivate" -> work.nonPrivateOptimizer();
            default -> throw new IllegalArgumentException("mode must be private or nonprivate, got " + mode);
        };
    }

    @Benchmark
    public double step() {
        opt.zeroGrad();
        double loss = opt.accumulate(work.batch);
        opt.step();
        return loss;
    }

    @TearDown
    public void tearDown() {
        opt.close();
        work.close();
    }
}
