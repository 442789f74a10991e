package org.edp4j.spark;

import java.io.Serializable;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;

/**
 * Builds a replica of the model on an executor. It travels there by Java serialization, so it must
 * capture only serializable values (numbers and strings, not the driver's model). The replica's
 * weights do not matter: every device and every step starts it from the broadcast global weights.
 *
 * <pre>{@code
 * ModelFactory bag = be -> Models.bag(be, new SplittableRandom(7), vocab, 16, 16, 2);
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {

    /** @return a new model of the driver's architecture (same parameters, same order, same shapes) */
    Sequential create(Backend backend);
}
