package org.edp4j.jmh;

import java.util.concurrent.TimeUnit;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyAccountants;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Epsilon of a 100,000-step run with one {@code (q, sigma)}, from a fresh accountant each call (no
 * cached per-mechanism RDP vector, no cached PRV grid): the cost a user pays for one answer.
 * Run: {@code java -jar jmh/target/benchmarks.jar AccountantBenchmark -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class AccountantBenchmark {

    @Param({"rdp", "prv"})
    public String accountant;

    @Param({"100000"})
    public long steps;

    @Benchmark
    public double epsilon() {
        PrivacyAccountant acc = PrivacyAccountants.byName(accountant);
        acc.step(1.0, 0.01, steps);
        return acc.getEpsilon(1e-5);
    }
}
