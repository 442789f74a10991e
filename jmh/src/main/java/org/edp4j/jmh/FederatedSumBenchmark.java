package org.edp4j.jmh;

import java.util.concurrent.TimeUnit;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.NonFinitePolicy;
import org.edp4j.fl.ModelVector;
import org.edp4j.fl.RoundTask;
import org.edp4j.fl.ThreadPoolRoundExecutor;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.CpuBackend;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The federated server's sum at memory speed: {@value FederatedBenchmark#PER_ROUND} clipped updates of
 * the bag model added in device order into the sum, as {@link ThreadPoolRoundExecutor} adds them
 * ({@code ModelVector.add}), against {@code copyUpdates}, the same updates copied over one buffer
 * instead of added: the same bytes read from memory (200 distinct updates in rotation, 51 MB for
 * {@code 4000x16} and 205 MB for {@code 8000x32}, more than the caches hold) and the same small
 * destination. The {@code bytes} counter of both is each update read once plus the destination written
 * once. A sum at the copy's rate is as fast as memory lets it be.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FederatedSumBenchmark {
    @Param({"4000x16", "8000x32"})
    public String bag;

    private FederatedBenchmark.StoredUpdates stored;
    private RoundTask task;
    private ModelVector out;
    private long parameters;

    /** Bytes per second: JMH reports the counter as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        String[] vd = bag.split("x");
        Sequential shape = Models.bag(CpuBackend.instance(), new java.util.SplittableRandom(1),
                Integer.parseInt(vd[0]), Integer.parseInt(vd[1]), FederatedBenchmark.HIDDEN, 2);
        parameters = shape.parameterCount();
        stored = new FederatedBenchmark.StoredUpdates(shape, 2 * FederatedBenchmark.PER_ROUND);
        int[] devices = new int[FederatedBenchmark.PER_ROUND];
        for (int k = 0; k < devices.length; k++) {
            devices[k] = k;
        }
        task = new RoundTask(0, Clipping.flat(1.0), 1.0, ModelVector.of(shape), devices, NonFinitePolicy.THROW);
        out = ModelVector.zerosLike(shape);
    }

    @Benchmark
    public ModelVector sum(Counters c) {
        stored.run(task, out);
        c.bytes += 4L * parameters * (FederatedBenchmark.PER_ROUND + 1);
        return out;
    }

    @Benchmark
    public ModelVector copyUpdates(Counters c) {
        stored.copy(FederatedBenchmark.PER_ROUND, out);
        c.bytes += 4L * parameters * (FederatedBenchmark.PER_ROUND + 1);
        return out;
    }
}
