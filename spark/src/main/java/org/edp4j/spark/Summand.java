package org.edp4j.spark;

import java.io.Serializable;

/**
 * A partial result of a round or step (summed updates or gradients and their counts) that
 * {@link TreeSum} adds up.
 *
 * @param <P> the type itself
 */
interface Summand<P extends Summand<P>> extends Serializable {

    /**
     * Adds {@code other} into this one.
     *
     * @return this
     */
    P plus(P other);
}
