package org.edp4j.spark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.Encoder;
import org.edp4j.data.SpamAssassin;
import org.edp4j.data.Tokenizer;
import org.edp4j.dp.Adam;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fl.DeviceSelection;
import org.edp4j.fl.FederatedAveraging;
import org.edp4j.fl.LocalTraining;
import org.edp4j.nn.Models;
import org.edp4j.spark.ModelFactory;
import org.edp4j.spark.SparkPopulation;
import org.edp4j.spark.SparkRoundExecutor;
import org.edp4j.spark.SyntheticDevices;
import org.edp4j.spark.TokenRows;
import org.edp4j.tensor.CpuBackend;

/**
 * The scale benchmark of DP-FedAvg on Spark ({@code scripts/spark-scale-bench.sh}, BENCHMARKS.md):
 * a synthetic population of N devices over the bundled SpamAssassin training split
 * ({@link SyntheticDevices}: 1 to 16 emails each, median 2), uniform Poisson selection of K
 * expected devices per round, the bag model of {@code edp federated} (vocabulary 4,000 fitted on the
 * public corpus, 128 tokens, width 16, hidden 16: 64,306 parameters), one local epoch in batches of 4,
 * flat clipping at 1, sigma 1, FedAdam, secure keys.
 *
 * <p>Per round it measures the round's wall time T (the server's {@code round()}), the Spark job J
 * (broadcast, coins of all N devices, local training of the selected ones, clipping, tree sum) and
 * the part D of J the driver spends adding the last level of partial sums. The driver's share is
 * {@code (T - J + D) / T}: the aggregation's last level, plus everything of the round outside the
 * job (the inclusion rule, noise, scaling, the optimizer, the accountant). After {@code --warmup}
 * rounds, {@code --rounds} rounds are timed and their medians reported, one CSV line per
 * {@code --per-round} value; the values take turns round by round.
 *
 * <pre>
 * java ... org.edp4j.spark.bench.ScaleBenchmark --master local[2] --devices 1000000 --per-round 250,1000,4000
 *     --rounds 10 --warmup 3 --partitions 8 --out spark.csv
 * </pre>
 */
public final class ScaleBenchmark {
    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String master = "local[2]";
        int devices = 1_000_000;
        List<Integer> perRound = List.of(1000);
        int rounds = 10;
        int warmup = 3;
        int partitions = 8;
        Path out = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--master" -> master = v;
                case "--devices" -> devices = Integer.parseInt(v);
                case "--per-round" -> perRound = Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--partitions" -> partitions = Integer.parseInt(v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; expected --master, "
                        + "--devices, --per-round, --rounds, --warmup, --partitions or --out");
            }
        }
        SparkSession session = SparkSession.builder().master(master).appName("edp4j scale benchmark")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        session.sparkContext().setLogLevel("WARN");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
        DatasetSplits corpus = SpamAssassin.load();
        Encoder enc = Encoder.fit(corpus.train(), Tokenizer.standard(), 4000, 2, 128);
        int vocab = enc.tokenIndex().size();
        TokenRows rows = TokenRows.of(enc.encode(corpus.train()), vocab);
        List<String> lines = new ArrayList<>();
        lines.add("master,devices,per_round,partitions,rounds,median_round_ms,rounds_per_s,median_job_ms,"
                + "median_driver_ms,driver_share,median_participants");
        long t0 = System.nanoTime();
        try (SparkPopulation pop = SparkPopulation.synthetic(sc, rows, devices, 7, partitions)) {
            long examples = pop.blocks().map(b -> (long) (b.count() == 0 ? 0 : countExamples(b))).fold(0L, Long::sum);
            System.out.printf(Locale.ROOT, "population: %,d devices holding %,d emails in %d blocks, built in %.1f s%n",
                    devices, examples, partitions, (System.nanoTime() - t0) / 1e9);
            for (String line : measure(master, pop, vocab, perRound, rounds, warmup, partitions)) {
                lines.add(line);
                System.out.println(line);
            }
        } finally {
            session.stop();
        }
        if (out != null) {
            Files.write(out, lines);
        }
    }

    private static long countExamples(org.edp4j.spark.DeviceBlock b) {
        long n = 0;
        for (int k = 0; k < b.count(); k++) {
            n += b.streamLength(k);
        }
        return n;
    }

    /**
     * One CSV line per K: the medians over {@code rounds} timed rounds after {@code warmup} untimed
     * ones. The K values take turns round by round (one server each, one executor for all), so a
     * change in the machine's load falls on every K alike.
     */
    private static List<String> measure(String master, SparkPopulation pop, int vocab, List<Integer> perRound,
            int rounds, int warmup, int partitions) {
        ModelFactory model = be -> Models.bag(be, new SplittableRandom(3), vocab, 16, 16, 2);
        LocalTraining local = new LocalTraining(1, 4, 1.0, 5);
        int n = perRound.size();
        double[][] round = new double[n][rounds];
        double[][] job = new double[n][rounds];
        double[][] driver = new double[n][rounds];
        double[][] participants = new double[n][rounds];
        List<FederatedAveraging> servers = new ArrayList<>();
        try (SparkRoundExecutor exec = new SparkRoundExecutor(pop, model, local, 2)) {
            for (int k : perRound) {
                servers.add(FederatedAveraging.builder(model.create(CpuBackend.instance()), Adam.of(0.01))
                        .population(pop.fromRoundZero()).selection(DeviceSelection.uniform(pop.deviceCount(), k))
                        .executor(exec).clipping(Clipping.flat(1.0)).noiseMultiplier(1.0)
                        .noise(GaussianNoise.secure()).coins(GaussianNoise.secure()).build());
            }
            for (int t = 0; t < warmup + rounds; t++) {
                for (int j = 0; j < n; j++) {
                    long s = System.nanoTime();
                    var report = servers.get(j).round();
                    long total = System.nanoTime() - s;
                    if (t >= warmup) {
                        int i = t - warmup;
                        SparkRoundExecutor.RoundTimes rt = exec.lastRoundTimes();
                        round[j][i] = total / 1e6;
                        job[j][i] = rt.jobNanos() / 1e6;
                        driver[j][i] = (total - rt.jobNanos() + rt.driverSumNanos()) / 1e6;
                        participants[j][i] = report.tally().participants();
                    }
                }
            }
        } finally {
            servers.forEach(FederatedAveraging::close);
        }
        List<String> lines = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            double r = median(round[j]);
            lines.add(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.1f,%.2f,%.1f,%.2f,%.4f,%.0f", master,
                    pop.deviceCount(), perRound.get(j), partitions, rounds, r, 1000 / r, median(job[j]),
                    median(driver[j]), median(driver[j]) / r, median(participants[j])));
        }
        return lines;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
