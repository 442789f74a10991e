package org.edp4j.jmh;

import java.util.concurrent.TimeUnit;
import org.edp4j.dp.noise.GaussianNoise;
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
 * The naive baseline ({@link NaivePerExampleDpSgd}): the same private step as
 * {@link StepBenchmark}'s {@code private} mode, same model, data and noise, computed with a
 * per-example loop. Batch 1024 is left out: it is four times batch 256 by construction and takes
 * seconds per step for {@code text}.
 */
@Fork(jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NaiveStepBenchmark {
    @Param("cpu")
    public String backend;

    @Param({"mlp", "text"})
    public String model;

    @Param({"64", "256"})
    public int batch;

    private Workload work;
    private NaivePerExampleDpSgd naive;

    @Setup
    public void setup() {
        work = new Workload(Backends.byName(backend), model, batch, 128, model.equals("mlp") ? 512 : 128);
        // Its own model instance with the same initial parameters: layer buffers are sized to one row.
        naive = new NaivePerExampleDpSgd(Workload.buildModel(work.backend, model, work.width, work.seq), work.singleRowBatch(),
                Workload.CLIP, Workload.SIGMA, work.sampleRate() * Workload.DATASET, Workload.LR,
                GaussianNoise.insecureSeeded(Workload.NOISE_SEED));
    }

    @Benchmark
    public double step() {
        return naive.step(work.batchSize, work::loadExample);
    }

    @TearDown
    public void tearDown() {
        naive.close();
        work.close();
    }
}
