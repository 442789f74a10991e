package org.edp4j.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * Examples {@code [firstId, firstId + rows.size())} of a dataset, as one element of
 * {@link SparkExamples}' RDD. Immutable.
 *
 * @param firstId the id of the block's first example, {@code >= 0}
 * @param rows the block's examples, in id order
 */
public record ExampleBlock(int firstId, TokenRows rows) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Checks the id. */
    public ExampleBlock {
        if (firstId < 0) {
            throw new IllegalArgumentException("first example id must be >= 0, got " + firstId);
        }
        Objects.requireNonNull(rows, "rows");
    }
}
