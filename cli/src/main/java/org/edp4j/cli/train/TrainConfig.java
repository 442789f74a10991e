package org.edp4j.cli.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edp4j.cli.TensorLimit;

/**
 * Everything that decides what a private text-classification run computes: data, model, optimizer,
 * privacy. A checkpoint stores it, and a resumed run must have an equal configuration (output options
 * such as {@code --json}, {@code --plot} and the backend are not part of it).
 *
 * @param model model name, {@value #BAG} or {@value #ENCODER}
 * @param vocabSize largest vocabulary, reserved ids included, &gt;= 3
 * @param maxLen tokens kept per email (head), &gt;= 1; the encoder's position embedding covers this length
 * @param dim embedding width (the encoder's model width, a multiple of {@code heads}), &gt;= 1
 * @param hidden hidden width of the bag's MLP head, or of the encoder's feed-forward layers, &gt;= 1
 * @param epochs passes over the training set, &gt;= 1 (an epoch is {@code round(1/q)} Poisson steps)
 * @param batchSize expected Poisson batch size {@code q n}, in [1, n]
 * @param clip clip bound C (initial bound for adaptive), &gt; 0
 * @param clipping flat, per-layer, automatic or adaptive
 * @param targetEpsilon the epsilon to calibrate the noise to, or NaN when {@code noiseMultiplier} is given
 * @param noiseMultiplier sigma of the first epoch, or NaN when {@code targetEpsilon} is given
 * @param delta in (0, 1)
 * @param noiseSchedule {@code constant} or {@code decay:R} (sigma of epoch e is {@code sigma_0 R^e})
 * @param optimizer {@code adam} or {@code sgd} (SGD with momentum 0.9)
 * @param lr learning rate, &gt; 0
 * @param seed model initialization and subsampling of the training split (and the noise only with
 *     {@code insecureSeedNoise})
 * @param insecureSeedNoise when true the noise key is derived from the seed: NOT private, for tests
 * @param maxTrain use at most this many training examples (a seeded subsample), &gt;= 2
 * @param layers encoder blocks, &gt;= 1 for the encoder (0 for the bag, which has none)
 * @param heads attention heads per encoder block, &gt;= 1 for the encoder (0 for the bag)
 * @param data the texts (bundled corpus or files) and the vocabulary choice
 *
 * <p>The sizes must also keep every large tensor of the run (embedding table, activations of the
 * physical batch, attention weights) within {@link TensorLimit#MAX_VALUES} values.
 */
public record TrainConfig(String model, int vocabSize, int maxLen, int dim, int hidden, int epochs, int batchSize,
        double clip, String clipping, double targetEpsilon, double noiseMultiplier, double delta,
        String noiseSchedule, String optimizer, double lr, long seed, boolean insecureSeedNoise, int maxTrain,
        int layers, int heads, DataSpec data) {

    /** The bag-of-embeddings model: embedding, masked mean-pool, Linear, Tanh, Linear. */
    public static final String BAG = "bag";
    /** The transformer encoder: token + position embeddings, pre-LayerNorm blocks, mean-pool, Linear. */
    public static final String ENCODER = "encoder";
    /** Models the command accepts. */
    public static final List<String> MODELS = List.of(BAG, ENCODER);
    /** Clipping modes the command accepts. */
    public static final List<String> CLIPPINGS = List.of("flat", "per-layer", "automatic", "adaptive");
    /** Optimizers the command accepts. */
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd");

    /**
     * Checks every field; the message names the option, its legal range and the value.
     *
     * @throws IllegalArgumentException for the first field out of range
     */
    public TrainConfig {
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "'; available models: "
                    + String.join(", ", MODELS));
        }
        if (ENCODER.equals(model)) {
            require(layers >= 1, "--layers must be >= 1, got " + layers);
            require(heads >= 1, "--heads must be >= 1, got " + heads);
            require(dim % heads == 0, "--dim (" + dim + ") must be a multiple of --heads (" + heads + ")");
        } else {
            require(layers == 0 && heads == 0, "--layers and --heads apply to the encoder only");
        }
        require(vocabSize >= 3, "--vocab-size must be >= 3, got " + vocabSize);
        require(maxLen >= 1, "--max-len must be >= 1, got " + maxLen);
        require(dim >= 1, "--dim must be >= 1, got " + dim);
        require(hidden >= 1, "--hidden must be >= 1, got " + hidden);
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(maxTrain >= 2, "--max-train must be >= 2, got " + maxTrain);
        java.util.Objects.requireNonNull(data, "data");
        int n = Math.min(maxTrain, data.corpusSize());
        require(batchSize >= 1 && batchSize <= n, "--batch-size must be in [1, " + n
                + "] (the training set size), got " + batchSize);
        require(clip > 0 && Double.isFinite(clip), "--clip must be > 0 and finite, got " + clip);
        require(CLIPPINGS.contains(clipping), "--clipping must be one of " + String.join("|", CLIPPINGS)
                + ", got '" + clipping + "'");
        require(Double.isNaN(targetEpsilon) != Double.isNaN(noiseMultiplier),
                "give exactly one of --target-epsilon and --noise-multiplier");
        require(Double.isNaN(targetEpsilon) || targetEpsilon > 0 && Double.isFinite(targetEpsilon),
                "--target-epsilon must be > 0 and finite, got " + targetEpsilon);
        require(Double.isNaN(noiseMultiplier) || noiseMultiplier > 0 && Double.isFinite(noiseMultiplier),
                "--noise-multiplier must be > 0 and finite, got " + noiseMultiplier);
        require(delta > 0 && delta < 1, "--delta must be in (0, 1), got " + delta);
        NoiseSchedule.parse(noiseSchedule);
        require(OPTIMIZERS.contains(optimizer), "--optimizer must be one of " + String.join("|", OPTIMIZERS)
                + ", got '" + optimizer + "'");
        require(lr > 0 && Double.isFinite(lr), "--lr must be > 0 and finite, got " + lr);
        long cap = TextTrainingRun.capacity(batchSize, n) * (long) data.rowsPerUnit(); // rows of a physical batch
        TensorLimit.check("the embedding table ((" + embeddingRowsSource(data) + ") x --dim)",
                embeddingRows(vocabSize, data), dim);
        TensorLimit.check("the embedded batch (batch capacity x --max-len x --dim)", cap, maxLen, dim);
        if (ENCODER.equals(model)) {
            TensorLimit.check("the position embedding (--max-len x --dim)", maxLen, dim);
            TensorLimit.check("the attention projections (batch capacity x --max-len x 3 --dim)", cap, maxLen,
                    3L * dim);
            TensorLimit.check("the feed-forward activations (batch capacity x --max-len x --hidden)", cap, maxLen,
                    hidden);
            TensorLimit.check("the attention weights (batch capacity x --heads x --max-len x --max-len)", cap, heads,
                    maxLen, maxLen);
        } else {
            TensorLimit.check("the head's first layer (--dim x --hidden)", dim, hidden);
        }
    }

    /** The most rows the embedding table can have: the vocabulary and its hash buckets. */
    private static long embeddingRows(int vocabSize, DataSpec data) {
        if (data.hashed()) {
            return DataSpec.hashedSize(data.vocabulary());
        }
        return "fitted".equals(data.vocabulary()) ? vocabSize : (long) vocabSize + data.vocabBuckets();
    }

    private static String embeddingRowsSource(DataSpec data) {
        if (data.hashed()) {
            return "--vocabulary " + data.vocabulary();
        }
        return "fitted".equals(data.vocabulary()) || data.vocabBuckets() == 0 ? "--vocab-size"
                : "--vocab-size + --vocab-buckets";
    }

    /** The bundled corpus with the default private vocabulary (the configuration of the earlier versions' fields). */
    public TrainConfig(String model, int vocabSize, int maxLen, int dim, int hidden, int epochs, int batchSize,
            double clip, String clipping, double targetEpsilon, double noiseMultiplier, double delta,
            String noiseSchedule, String optimizer, double lr, long seed, boolean insecureSeedNoise, int maxTrain,
            int layers, int heads) {
        this(model, vocabSize, maxLen, dim, hidden, epochs, batchSize, clip, clipping, targetEpsilon, noiseMultiplier,
                delta, noiseSchedule, optimizer, lr, seed, insecureSeedNoise, maxTrain, layers, heads, DataSpec.bundled());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Training examples used: {@code min(maxTrain, corpus size)} (4717 for the bundled corpus). */
    public int trainSize() {
        return Math.min(maxTrain, data.corpusSize());
    }

    /** Poisson sampling rate {@code q = batchSize / n}. */
    public double sampleRate() {
        return batchSize / (double) trainSize();
    }

    /** Steps per epoch, {@code max(1, round(1/q))} (as {@link org.edp4j.dp.TrainingLoop#stepsPerEpoch()}). */
    public int stepsPerEpoch() {
        return (int) Math.max(1, Math.round(1.0 / sampleRate()));
    }

    /** Total steps of the run. */
    public long totalSteps() {
        return (long) epochs * stepsPerEpoch();
    }

    /** The same configuration with another target epsilon (a sweep). */
    public TrainConfig withTargetEpsilon(double eps) {
        return new TrainConfig(model, vocabSize, maxLen, dim, hidden, epochs, batchSize, clip, clipping, eps,
                Double.NaN, delta, noiseSchedule, optimizer, lr, seed, insecureSeedNoise, maxTrain, layers, heads, data);
    }

    /** The same configuration with another expected batch size. */
    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(model, vocabSize, maxLen, dim, hidden, epochs, b, clip, clipping, targetEpsilon,
                noiseMultiplier, delta, noiseSchedule, optimizer, lr, seed, insecureSeedNoise, maxTrain, layers, heads,
                data);
    }

    /** The same configuration with other data. */
    public TrainConfig withData(DataSpec newData) {
        return new TrainConfig(model, vocabSize, maxLen, dim, hidden, epochs, batchSize, clip, clipping, targetEpsilon,
                noiseMultiplier, delta, noiseSchedule, optimizer, lr, seed, insecureSeedNoise, maxTrain, layers, heads,
                newData);
    }

    /** The same configuration with another seed (model initialization; and noise with {@code insecureSeedNoise}). */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(model, vocabSize, maxLen, dim, hidden, epochs, batchSize, clip, clipping, targetEpsilon,
                noiseMultiplier, delta, noiseSchedule, optimizer, lr, newSeed, insecureSeedNoise, maxTrain, layers, heads,
                data);
    }

    /** The fields as ordered key/value text; doubles as {@link Double#toString}, which round-trips exactly. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("vocab-size", Integer.toString(vocabSize));
        m.put("max-len", Integer.toString(maxLen));
        m.put("dim", Integer.toString(dim));
        m.put("hidden", Integer.toString(hidden));
        m.put("epochs", Integer.toString(epochs));
        m.put("batch-size", Integer.toString(batchSize));
        m.put("clip", Double.toString(clip));
        m.put("clipping", clipping);
        m.put("target-epsilon", Double.toString(targetEpsilon));
        m.put("noise-multiplier", Double.toString(noiseMultiplier));
        m.put("delta", Double.toString(delta));
        m.put("noise-schedule", noiseSchedule);
        m.put("optimizer", optimizer);
        m.put("lr", Double.toString(lr));
        m.put("seed", Long.toString(seed));
        m.put("insecure-seed-noise", Boolean.toString(insecureSeedNoise));
        m.put("max-train", Integer.toString(maxTrain));
        m.put("layers", Integer.toString(layers));
        m.put("heads", Integer.toString(heads));
        m.putAll(data.toMap());
        return m;
    }

    /**
     * Rebuilds a configuration from {@link #toMap()}.
     *
     * @throws IllegalArgumentException when a key is missing or a value does not parse
     */
    public static TrainConfig fromMap(Map<String, String> m) {
        try {
            return new TrainConfig(get(m, "model"), Integer.parseInt(get(m, "vocab-size")),
                    Integer.parseInt(get(m, "max-len")), Integer.parseInt(get(m, "dim")),
                    Integer.parseInt(get(m, "hidden")), Integer.parseInt(get(m, "epochs")),
                    Integer.parseInt(get(m, "batch-size")), Double.parseDouble(get(m, "clip")), get(m, "clipping"),
                    Double.parseDouble(get(m, "target-epsilon")), Double.parseDouble(get(m, "noise-multiplier")),
                    Double.parseDouble(get(m, "delta")), get(m, "noise-schedule"), get(m, "optimizer"),
                    Double.parseDouble(get(m, "lr")), Long.parseLong(get(m, "seed")),
                    Boolean.parseBoolean(get(m, "insecure-seed-noise")), Integer.parseInt(get(m, "max-train")),
                    // Checkpoints written before the encoder existed hold neither key: a bag has 0 of both.
                    Integer.parseInt(m.getOrDefault("layers", "0")), Integer.parseInt(m.getOrDefault("heads", "0")),
                    DataSpec.fromMap(m));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration value does not parse: " + e.getMessage(), e);
        }
    }

    private static String get(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("configuration lacks '" + key + "'");
        }
        return v;
    }

    /** The options whose values differ, as {@code --key a (checkpoint) vs b (now)}; empty when equal. */
    public List<String> differences(TrainConfig now) {
        List<String> out = new ArrayList<>();
        Map<String, String> a = toMap();
        Map<String, String> b = now.toMap();
        for (Map.Entry<String, String> e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (!e.getValue().equals(other)) {
                out.add(String.format(Locale.ROOT, "--%s %s (checkpoint) vs %s (now)", e.getKey(), e.getValue(),
                        other));
            }
        }
        return out;
    }
}
