package org.edp4j.cli.federated;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edp4j.cli.TensorLimit;
import org.edp4j.data.SpamAssassin;

/**
 * Everything that decides what {@code edp federated} computes. Each field is checked when the record is
 * built; the message names the option and repeats its range.
 *
 * @param input the bundled corpus or the user's file (and its device column)
 * @param devices N, in [1, 10,000,000] (with a device column: the devices the file names)
 * @param partition how the training split is spread over the devices
 * @param selections {@code uniform} and/or {@code activity}, each once
 * @param settings {@code static} and/or {@code continual}, each once
 * @param clientsPerRound K, the expected number of devices per round, in [1, N]
 * @param activityCap the largest inclusion probability of activity selection as a multiple of K / N, in [1, N / K]
 * @param rounds R, in [1, 100,000]
 * @param localEpochs E, in [1, 1000]
 * @param localBatchSize in [1, 4096]
 * @param localLr &gt; 0
 * @param storage the most examples a continual device keeps, &gt;= 1
 * @param serverOptimizer {@code adam} (FedAdam) or {@code sgd} (FedAvg)
 * @param serverLr &gt; 0
 * @param clip the clip bound C of a device update, &gt; 0
 * @param clipping {@code flat}, {@code per-layer}, {@code automatic} or {@code adaptive}
 * @param targetEpsilon the epsilon every private run is calibrated to, &gt; 0
 * @param delta in (0, 1)
 * @param vocabSize in [3, 1,000,000]
 * @param maxLen tokens kept per email, in [1, 4096]
 * @param dim embedding width, &gt;= 1, with {@code vocabSize * dim <= 2^31 - 1} ({@link TensorLimit})
 * @param hidden hidden width of the bag's head, in [1, 65,536]
 * @param threads device threads, in [1, 256]
 * @param seed partition, model initialization and local shuffles (and the noise with {@code insecureSeedNoise})
 * @param insecureSeedNoise the noise and coin keys derived from the seed: NOT private
 * @param maxTrain at most this many emails of the bundled corpus's training split (a seeded subsample), &gt;= 2
 * @param evalEvery test accuracy every this many rounds (and after the last), &gt;= 1
 * @param compareNonDp also run federated averaging without clipping or noise, per selection, in the first setting
 */
record FederatedConfig(FederatedInput input, int devices, PartitionSpec partition, List<String> selections, List<String> settings,
        int clientsPerRound, double activityCap, int rounds, int localEpochs, int localBatchSize, double localLr,
        int storage, String serverOptimizer, double serverLr, double clip, String clipping, double targetEpsilon,
        double delta, int vocabSize, int maxLen, int dim, int hidden, int threads, long seed, boolean insecureSeedNoise,
        int maxTrain, int evalEvery, boolean compareNonDp) {

    /** The most devices a run may have. */
    static final int MAX_DEVICES = 10_000_000;
    static final List<String> SELECTIONS = List.of("uniform", "activity");
    static final List<String> SETTINGS = List.of("static", "continual");
    static final List<String> OPTIMIZERS = List.of("adam", "sgd");
    static final List<String> CLIPPINGS = List.of("flat", "per-layer", "automatic", "adaptive");

    FederatedConfig {
        require(devices >= 1 && devices <= MAX_DEVICES, "--devices must be in [1, " + MAX_DEVICES + "], got " + devices);
        selections = List.copyOf(selections);
        settings = List.copyOf(settings);
        checkList("--selection", selections, SELECTIONS);
        checkList("--setting", settings, SETTINGS);
        require(clientsPerRound >= 1 && clientsPerRound <= devices,
                "--clients-per-round must be in [1, " + devices + "] (the number of devices), got " + clientsPerRound);
        double maxCap = devices / (double) clientsPerRound;
        require(activityCap >= 1 && activityCap <= maxCap, "--activity-cap must be in [1, " + trim(maxCap)
                + "] (a multiple of clients-per-round / devices, at most probability 1), got " + activityCap);
        require(rounds >= 1 && rounds <= 100_000, "--rounds must be in [1, 100000], got " + rounds);
        require(localEpochs >= 1 && localEpochs <= 1000, "--local-epochs must be in [1, 1000], got " + localEpochs);
        require(localBatchSize >= 1 && localBatchSize <= 4096,
                "--local-batch-size must be in [1, 4096], got " + localBatchSize);
        require(localLr > 0 && Double.isFinite(localLr), "--local-lr must be > 0 and finite, got " + localLr);
        require(storage >= 1, "--storage must be >= 1, got " + storage);
        require(OPTIMIZERS.contains(serverOptimizer), "--server-optimizer must be adam or sgd, got '"
                + serverOptimizer + "'");
        require(serverLr > 0 && Double.isFinite(serverLr), "--server-lr must be > 0 and finite, got " + serverLr);
        require(clip > 0 && Double.isFinite(clip), "--clip must be > 0 and finite, got " + clip);
        require(CLIPPINGS.contains(clipping), "--clipping must be one of " + String.join("|", CLIPPINGS) + ", got '"
                + clipping + "'");
        require(targetEpsilon > 0 && Double.isFinite(targetEpsilon),
                "--target-epsilon must be > 0 and finite, got " + targetEpsilon);
        require(delta > 0 && delta < 1, "--delta must be in (0, 1), got " + delta);
        require(vocabSize >= 3 && vocabSize <= 1_000_000, "--vocab-size must be in [3, 1000000], got " + vocabSize);
        require(maxLen >= 1 && maxLen <= 4096, "--max-len must be in [1, 4096], got " + maxLen);
        require(dim >= 1, "--dim must be >= 1, got " + dim);
        TensorLimit.check("the embedding table (--vocab-size x --dim)", vocabSize, dim);
        require(hidden >= 1 && hidden <= 65_536, "--hidden must be in [1, 65536], got " + hidden);
        require(threads >= 1 && threads <= 256, "--threads must be in [1, 256], got " + threads);
        require(maxTrain >= 2, "--max-train must be >= 2, got " + maxTrain);
        require(evalEvery >= 1, "--eval-every must be >= 1, got " + evalEvery);
    }

    private static void checkList(String option, List<String> values, List<String> allowed) {
        require(!values.isEmpty(), option + " needs at least one of " + String.join(",", allowed));
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            require(allowed.contains(v), option + " values must be " + String.join(" or ", allowed) + ", got '" + v + "'");
            require(values.indexOf(v) == i, option + " lists '" + v + "' twice");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String trim(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : String.format(java.util.Locale.ROOT, "%.4g", x);
    }

    /** The same configuration with the number of devices a file names. */
    FederatedConfig withDevices(int n) {
        return new FederatedConfig(input, n, partition, selections, settings, clientsPerRound, activityCap, rounds,
                localEpochs, localBatchSize, localLr, storage, serverOptimizer, serverLr, clip, clipping, targetEpsilon,
                delta, vocabSize, maxLen, dim, hidden, threads, seed, insecureSeedNoise, maxTrain, evalEvery,
                compareNonDp);
    }

    /** Training emails of the bundled corpus used: {@code min(maxTrain, 4717)}. */
    int trainSize() {
        return Math.min(maxTrain, SpamAssassin.TRAIN_SIZE);
    }

    /** How the devices were made: the partition, or {@code --device-column NAME}. */
    String partitionDescription() {
        return input.byDevice() ? "--device-column " + input.deviceColumn() : partition.toString();
    }

    /** The activity cap as a probability: {@code min(1, activityCap K / N)}. */
    double capProbability() {
        return Math.min(1.0, activityCap * clientsPerRound / devices);
    }

    /** The fields as ordered text, for the JSON. */
    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train", input.train());
        m.put("test", input.test());
        if (!input.bundled()) {
            m.put("test-fraction", Double.toString(input.testFraction()));
            m.put("text-column", input.textColumn());
            m.put("label-column", input.labelColumn());
            m.put("device-column", input.deviceColumn());
        }
        m.put("devices", Integer.toString(devices));
        m.put("partition", input.byDevice() ? "device-column" : partition.toString());
        m.put("selection", String.join(",", selections));
        m.put("setting", String.join(",", settings));
        m.put("clients-per-round", Integer.toString(clientsPerRound));
        m.put("activity-cap", Double.toString(activityCap));
        m.put("rounds", Integer.toString(rounds));
        m.put("local-epochs", Integer.toString(localEpochs));
        m.put("local-batch-size", Integer.toString(localBatchSize));
        m.put("local-lr", Double.toString(localLr));
        m.put("storage", Integer.toString(storage));
        m.put("server-optimizer", serverOptimizer);
        m.put("server-lr", Double.toString(serverLr));
        m.put("clip", Double.toString(clip));
        m.put("clipping", clipping);
        m.put("target-epsilon", Double.toString(targetEpsilon));
        m.put("delta", Double.toString(delta));
        m.put("vocab-size", Integer.toString(vocabSize));
        m.put("max-len", Integer.toString(maxLen));
        m.put("dim", Integer.toString(dim));
        m.put("hidden", Integer.toString(hidden));
        m.put("threads", Integer.toString(threads));
        m.put("seed", Long.toString(seed));
        m.put("insecure-seed-noise", Boolean.toString(insecureSeedNoise));
        m.put("max-train", Integer.toString(maxTrain));
        m.put("eval-every", Integer.toString(evalEvery));
        return m;
    }
}
