package org.edp4j.cli.train;

import java.nio.file.Path;
import java.util.List;
import org.edp4j.cli.input.LabelledFiles;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.SpamAssassin;

/**
 * The texts of a run, read and checked before any training: the bundled corpus, or the user's files
 * ({@link LabelledFiles}), and the configuration with the real training-set size.
 *
 * @param config the configuration, its {@link DataSpec#corpusSize()} set to the training split's size
 * @param splits the train and test splits
 * @param summary what the reports say about the data
 */
record TrainingData(TrainConfig config, DatasetSplits splits, Summary summary) {

    /**
     * The data as reports give it.
     *
     * @param source {@code bundled SpamAssassin corpus} or the training file's name
     * @param split how the test split was made
     * @param trainSize training examples used
     * @param testSize test examples
     * @param classes the class names
     */
    record Summary(String source, String split, int trainSize, int testSize, List<String> classes) {
    }

    /** @return the data's source, for messages */
    String source() {
        return summary.source();
    }

    /**
     * Reads the bundled corpus or the files of {@code c.data()}. Without {@code --batch-size}, a
     * training split of fewer than 4 batches gets a batch of a quarter of it (so a small file runs,
     * with q = 0.25).
     *
     * @param batchGiven whether --batch-size was given
     * @throws org.edp4j.io.InputFileException for a bad file (exit 2 with FILE:LINE)
     * @throws IllegalArgumentException when an option does not fit the data (e.g. a batch larger than it)
     */
    static TrainingData load(TrainConfig c, Path train, Path test, boolean batchGiven) {
        DataSpec d = c.data();
        DatasetSplits splits;
        String source;
        String split;
        if (train == null) {
            splits = SpamAssassin.load();
            source = "bundled SpamAssassin corpus";
            split = "the corpus's fixed split";
        } else {
            LabelledFiles.Loaded l = LabelledFiles.load(train, test, d.testFraction(), c.seed(), d.textColumn(),
                    d.labelColumn());
            splits = l.splits();
            source = train.toString();
            split = l.split();
        }
        int n = Math.min(c.maxTrain(), splits.train().size());
        TrainConfig base = batchGiven || 4L * c.batchSize() <= n ? c : c.withBatchSize(Math.max(1, n / 4));
        TrainConfig sized = base.withData(d.withCorpusSize(splits.train().size()));
        return new TrainingData(sized, splits, new Summary(source, split, sized.trainSize(), splits.test().size(),
                splits.train().classNames()));
    }
}
