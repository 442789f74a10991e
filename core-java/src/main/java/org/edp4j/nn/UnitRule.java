package org.edp4j.nn;

import org.edp4j.tensor.Tensor;

/**
 * A built-in rule that implements the unit methods (privacy units of several rows) and serves one
 * row per sample as units of one row: the one-argument methods delegate to them here, once.
 */
interface UnitRule extends PerSampleRule {

    @Override
    default void addSquaredNorms(Tensor sqNorms) {
        addSquaredNorms(sqNorms, 1);
    }

    @Override
    default void clippedSum(Tensor factors, float beta) {
        clippedSum(factors, 1, beta);
    }

    @Override
    void addSquaredNorms(Tensor sqNorms, int rowsPerUnit);

    @Override
    void clippedSum(Tensor factors, int rowsPerUnit, float beta);
}
