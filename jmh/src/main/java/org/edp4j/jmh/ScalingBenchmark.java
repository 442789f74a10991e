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
 * How the private / non-private ratio moves with sequence length and width at batch 256 (batch
 * size is swept by {@link StepBenchmark}). {@code shape} is {@code text-s<seq>-w<width>} or
 * {@code mlp-w<width>} (784-width-width-10).
 */
@Fork(jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScalingBenchmark {
    @Param("cpu")
    public String backend;

    @Param({"text-s32-w128", "text-s128-w128", "text-s512-w128", "text-s128-w64", "text-s128-w256",
            "mlp-w256", "mlp-w512", "mlp-w1024"})
    public String shape;

    @Param("256")
    public int batch;

    @Param({"nonprivate", "private"})
    public String mode;

    private Workload work;
    private PrivateOptimizer opt;

    @Setup
    public void setup() {
        String[] parts = shape.split("-");
        int seq = 1;
        int width = 0;
        for (int i = 1; i < parts.length; i++) {
            int v = Integer.parseInt(parts[i].substring(1));
            if (parts[i].charAt(0) == 's') {
                seq = v;
            } else {
                width = v;
            }
        }
        work = new Workload(Backends.byName(backend), parts[0], batch, seq, width);
        opt = mode.equals("private") ? work.privateOptimizer() : work.nonPrivateOptimizer();
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
