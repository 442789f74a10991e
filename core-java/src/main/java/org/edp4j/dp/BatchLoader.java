package org.edp4j.dp;

import org.edp4j.nn.Batch;

/** Copies dataset rows into a fixed-capacity batch (e.g. {@code Batch.loadDense} over a dataset's arrays). */
@FunctionalInterface
public interface BatchLoader {
    /** Loads {@code rows[from .. from+count)} into {@code batch}; the rest of the batch is padding. */
    void load(Batch batch, int[] rows, int from, int count);
}
