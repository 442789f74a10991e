package org.edp4j.cli.train;

import java.util.SplittableRandom;
import org.edp4j.nn.EncoderConfig;
import org.edp4j.nn.Models;
import org.edp4j.nn.Sequential;
import org.edp4j.spark.ModelFactory;
import org.edp4j.tensor.Backend;

/**
 * How {@code edp train} builds its model, in numbers only, so that the same model can be built on a
 * Spark executor ({@link ModelFactory} is serializable) and on the driver.
 *
 * @param model {@link TrainConfig#BAG} or {@link TrainConfig#ENCODER}
 * @param seed the initialization's seed
 * @param vocab ids of the vocabulary
 * @param maxLen tokens per text
 * @param dim embedding (model) width
 * @param hidden hidden width
 * @param layers encoder blocks
 * @param heads attention heads
 * @param classes classes
 */
record ModelRecipe(String model, long seed, int vocab, int maxLen, int dim, int hidden, int layers, int heads,
        int classes) implements ModelFactory {
    private static final long serialVersionUID = 1L;

    /** The model of run {@code c} over {@code vocab} ids and {@code classes} classes. */
    static ModelRecipe of(TrainConfig c, int vocab, int classes) {
        return new ModelRecipe(c.model(), c.seed(), vocab, c.maxLen(), c.dim(), c.hidden(), c.layers(), c.heads(),
                classes);
    }

    @Override
    public Sequential create(Backend backend) {
        SplittableRandom rng = new SplittableRandom(seed);
        return switch (model) {
            case TrainConfig.BAG -> Models.bag(backend, rng, vocab, dim, hidden, classes);
            case TrainConfig.ENCODER -> Models.encoder(backend, rng,
                    new EncoderConfig(vocab, maxLen, dim, layers, heads, hidden, classes));
            default -> throw new IllegalArgumentException("unknown model '" + model + "'");
        };
    }
}
