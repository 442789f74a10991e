package org.edp4j.data;

import java.util.Objects;

/**
 * A fixed train/test partition of one corpus. The two datasets share their class names and have no
 * example in common.
 *
 * @param train the training split: the only data a model, a vocabulary or any other fitted
 *              preprocessing may see; not null
 * @param test  the held-out split, for evaluation only; not null
 */
public record DatasetSplits(TextDataset train, TextDataset test) {

    /**
     * Checks the splits.
     *
     * @param train the training split; not null
     * @param test  the test split; not null, same class names as train
     * @throws NullPointerException     if train or test is null
     * @throws IllegalArgumentException if the two splits have different class names
     */
    public DatasetSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("train and test must have the same classNames, got "
                    + train.classNames() + " and " + test.classNames());
        }
    }
}
