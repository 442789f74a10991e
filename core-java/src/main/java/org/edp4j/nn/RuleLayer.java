package org.edp4j.nn;

import org.edp4j.tensor.Tensor;

/**
 * A built-in layer whose per-sample norms and clipped sums are those of one {@link PerSampleRule},
 * set from its backward pass: the four methods delegate to {@link #rule()}, for one row per sample
 * and for units of several rows alike.
 */
interface RuleLayer extends Layer {

    /** The per-sample rule of this layer's parameters. */
    PerSampleRule rule();

    @Override
    default void addSquaredNorms(Tensor sqNorms) {
        rule().addSquaredNorms(sqNorms);
    }

    @Override
    default void clippedSum(Tensor factors, float beta) {
        rule().clippedSum(factors, beta);
    }

    @Override
    default void addSquaredNorms(Tensor sqNorms, int rowsPerUnit) {
        rule().addSquaredNorms(sqNorms, rowsPerUnit);
    }

    @Override
    default void clippedSum(Tensor factors, int rowsPerUnit, float beta) {
        rule().clippedSum(factors, rowsPerUnit, beta);
    }
}
