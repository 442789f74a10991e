package org.edp4j.jmh;

import java.util.SplittableRandom;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.PrivateOptimizer;
import org.edp4j.dp.Sgd;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.nn.Batch;
import org.edp4j.nn.EncoderConfig;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;

/**
 * The benchmark workloads: a model, a full batch (every row real) and the data it was loaded
 * from, built deterministically from a seed so that the private, non-private and naive variants
 * see the same parameters and the same examples.
 *
 * <ul>
 *   <li>{@code mlp}: Linear 784-{@code width}-{@code width}-10 with ReLU on dense input
 *       (width 512 in the headline table).
 *   <li>{@code text}: Embedding(20,000 x {@code width}), sequence length {@code seq} with a
 *       padding mask (each row has a random real length in {@code [seq/2, seq]}), masked mean-pool,
 *       Linear {@code width}-{@code width}, Tanh, Linear {@code width}-2 (width 128, seq 128 in the
 *       headline table).
 *   <li>{@code encoder}: a pre-LayerNorm transformer encoder ({@link Models#encoder}) over the same
 *       token input: {@value #ENCODER_LAYERS} blocks of width {@code width} with
 *       {@value #ENCODER_HEADS} heads and a {@code 4 * width} GELU feed-forward, masked mean-pool,
 *       Linear {@code width}-2 (width 256, seq 128 in the headline row).
 * </ul>
 *
 * <p>The private step is flat clipping {@code C = 1}, sigma 1.0, plain SGD, noise from
 * {@link GaussianNoise#insecureSeeded} (deterministic; the generator's speed does not depend on the
 * key). The sampling rate is {@code batch / DATASET}, so the expected batch equals the capacity.
 */
public final class Workload implements AutoCloseable {
    /** Dataset size n of the sampling rate q = batch / n. */
    public static final int DATASET = 60_000;
    public static final int MLP_INPUT = 784;
    public static final int MLP_CLASSES = 10;
    public static final int TEXT_VOCAB = 20_000;
    public static final int TEXT_CLASSES = 2;
    public static final int ENCODER_LAYERS = 4;
    public static final int ENCODER_HEADS = 4;
    public static final double CLIP = 1.0;
    public static final double SIGMA = 1.0;
    public static final double LR = 0.05;
    static final long MODEL_SEED = 1234;
    static final long DATA_SEED = 99;
    static final long NOISE_SEED = 7;

    public final String model;
    public final int batchSize;
    public final int seq;
    public final int width;
    public final Backend backend;
    public final Sequential net;
    public final Batch batch;
    /** Host copies of the loaded examples (rows 0..batch-1), for the naive per-example loop. */
    public final float[] features;
    public final int[] tokens;
    public final int[] labels;
    public final int[] rows;

    /**
     * @param model "mlp", "text" or "encoder"
     * @param batchSize rows of the batch, all real
     * @param seq sequence length (text only)
     * @param width hidden width (mlp), embedding width (text) or model width (encoder)
     */
    public Workload(Backend backend, String model, int batchSize, int seq, int width) {
        this.backend = backend;
        this.model = model;
        this.batchSize = batchSize;
        this.seq = seq;
        this.width = width;
        this.net = buildModel(backend, model, width, seq);
        SplittableRandom data = new SplittableRandom(DATA_SEED);
        labels = new int[batchSize];
        rows = new int[batchSize];
        for (int r = 0; r < batchSize; r++) {
            rows[r] = r;
        }
        switch (model) {
            case "mlp" -> {
                features = new float[batchSize * MLP_INPUT];
                tokens = null;
                for (int i = 0; i < features.length; i++) {
                    features[i] = (float) data.nextDouble();
                }
                for (int r = 0; r < batchSize; r++) {
                    labels[r] = data.nextInt(MLP_CLASSES);
                }
                batch = Batch.dense(backend, batchSize, MLP_INPUT, MLP_CLASSES);
                batch.loadDense(features, labels, rows, batchSize);
            }
            case "text", "encoder" -> {
                features = null;
                tokens = new int[batchSize * seq];
                for (int r = 0; r < batchSize; r++) {
                    int len = seq / 2 + data.nextInt(seq - seq / 2 + 1);
                    for (int t = 0; t < len; t++) {
                        tokens[r * seq + t] = 1 + data.nextInt(TEXT_VOCAB - 1);
                    }
                    labels[r] = data.nextInt(TEXT_CLASSES);
                }
                batch = Batch.tokens(backend, batchSize, seq, TEXT_CLASSES);
                batch.loadTokens(tokens, labels, rows, batchSize, TEXT_VOCAB);
            }
            default -> throw new IllegalArgumentException("model must be mlp, text or encoder, got " + model);
        }
    }

    /** The model of this workload with fixed initial parameters ({@code seq}: the encoder's maximum length). */
    public static Sequential buildModel(Backend backend, String model, int width, int seq) {
        SplittableRandom rng = new SplittableRandom(MODEL_SEED);
        return switch (model) {
            case "mlp" -> Models.mlp(backend, rng, MLP_INPUT, width, width, MLP_CLASSES);
            case "text" -> Models.bag(backend, rng, TEXT_VOCAB, width, width, TEXT_CLASSES);
            case "encoder" -> Models.encoder(backend, rng, encoderConfig(width, seq));
            default -> throw new IllegalArgumentException("model must be mlp, text or encoder, got " + model);
        };
    }

    /** The benchmark encoder: {@value #ENCODER_LAYERS} layers, {@value #ENCODER_HEADS} heads, feed-forward 4 x width. */
    public static EncoderConfig encoderConfig(int width, int seq) {
        return new EncoderConfig(TEXT_VOCAB, seq, width, ENCODER_LAYERS, ENCODER_HEADS, 4 * width, TEXT_CLASSES);
    }

    /** A new batch of capacity 1 of this workload's input kind. */
    public Batch singleRowBatch() {
        return model.equals("mlp") ? Batch.dense(backend, 1, MLP_INPUT, MLP_CLASSES)
                : Batch.tokens(backend, 1, seq, TEXT_CLASSES);
    }

    /** Loads example {@code r} into a capacity-1 batch. */
    public void loadExample(Batch one, int r) {
        int[] row = {r};
        if (features != null) {
            one.loadDense(features, labels, row, 1);
        } else {
            one.loadTokens(tokens, labels, row, 1, TEXT_VOCAB);
        }
    }

    /** Sampling rate q with q * DATASET = batch. */
    public double sampleRate() {
        return batchSize / (double) DATASET;
    }

    /** The private optimizer of the benchmark: flat clipping C = 1, sigma 1, SGD, seeded noise. */
    public PrivateOptimizer privateOptimizer() {
        return PrivateOptimizer.builder(net, Sgd.plain(LR))
                .clipping(Clipping.flat(CLIP))
                .noiseMultiplier(SIGMA)
                .sampling(sampleRate(), DATASET)
                .noise(GaussianNoise.insecureSeeded(NOISE_SEED))
                .build();
    }

    /** The same builder with {@code .nonPrivate()}: the ordinary step through the same code. */
    public PrivateOptimizer nonPrivateOptimizer() {
        return PrivateOptimizer.builder(net, Sgd.plain(LR))
                .clipping(Clipping.flat(CLIP))
                .noiseMultiplier(SIGMA)
                .sampling(sampleRate(), DATASET)
                .nonPrivate()
                .build();
    }

    @Override
    public void close() {
        batch.close();
    }
}
