package org.edp4j.jmh;

import java.util.concurrent.TimeUnit;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.tensor.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transformer encoder step, private against non-private, as {@link StepBenchmark} but for a
 * model whose step takes seconds on a CPU: each measurement is one whole step
 * ({@link Mode#SingleShotTime}). The headline case is 4 layers, width 256, 4 heads, feed-forward
 * 1024, sequence 128 (random real lengths in [64, 128] with padding), Embedding 20,000 x 256, at
 * batch 64 on the CPU and 256 on a GPU ({@link Workload}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class EncoderStepBenchmark {
    /** Backend name for {@link Backends#byName}: "cpu" here; "cuda" where a device is present. */
    @Param("cpu")
    public String backend;

    @Param("64")
    public int batch;

    @Param("128")
    public int seq;

    @Param("256")
    public int width;

    @Param({"nonprivate", "private"})
    public String mode;

    private Workload work;
    private PrivateOptimizer opt;

    @Setup
    public void setup() {
        work = new Workload(Backends.byName(backend), "encoder", batch, seq, width);
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
