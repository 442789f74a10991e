package org.edp4j.cli.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.edp4j.audit.Canaries;
import org.edp4j.audit.Permutation;
import org.edp4j.cli.train.TextTrainingRun;
import org.edp4j.data.DatasetSplits;
import org.edp4j.data.EncodedDataset;
import org.edp4j.data.Encoder;
import org.edp4j.data.SpamAssassin;
import org.edp4j.data.TextDataset;
import org.edp4j.data.TextExample;
import org.edp4j.data.Tokenizer;

/**
 * The datasets of an audit, built once and shared by every run.
 *
 * <ul>
 * <li>The training split is subsampled (seeded) to {@code n = maxTrain} emails.</li>
 * <li>{@code m = min(|test|, n / 4)} of them are the audited members {@code M}; {@code m} test emails
 *     are the non-members.</li>
 * <li>The vocabulary is fitted on the training emails outside {@code M}: members and non-members are
 *     then both unseen by it, so it cannot tell them apart (a vocabulary fitted on all training emails
 *     gives members' rare words ids and non-members' rare words UNK, a membership signal that no
 *     training noise hides). The {@link Canaries} add their reserved secret tokens to it.</li>
 * <li>The target trains on all n emails plus the canary copies; each reference (OUT) model trains on
 *     the n - m emails outside {@code M}, which hold neither an audited member nor a non-member.</li>
 * </ul>
 *
 * @param encoder the encoder of every dataset below
 * @param targetTrain n emails, then the canary copies
 * @param referenceTrain the n - m emails outside M
 * @param test the whole test split (accuracy)
 * @param audited m members, then m non-members
 * @param members m
 * @param canaries the canaries, or null when there are none
 */
record AuditData(Encoder encoder, EncodedDataset targetTrain, EncodedDataset referenceTrain, EncodedDataset test,
        EncodedDataset audited, int members, Canaries canaries) {

    static AuditData prepare(AuditConfig config) {
        var c = config.train();
        DatasetSplits splits = SpamAssassin.load();
        SplittableRandom rng = new SplittableRandom(c.seed() ^ 0xA0D17L);
        TextDataset all = splits.train();
        int[] order = Permutation.of(all.size(), rng);
        int n = c.trainSize();
        TextDataset test = splits.test();
        int m = Math.min(test.size(), n / 4);
        // Training emails in their original order; the first m of the shuffle are the audited members.
        boolean[] isMember = new boolean[all.size()];
        boolean[] kept = new boolean[all.size()];
        for (int i = 0; i < n; i++) {
            kept[order[i]] = true;
            isMember[order[i]] = i < m;
        }
        List<TextExample> train = new ArrayList<>();
        List<TextExample> outside = new ArrayList<>();
        List<TextExample> audited = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (kept[i]) {
                train.add(all.get(i));
                (isMember[i] ? audited : outside).add(all.get(i));
            }
        }
        int[] testOrder = Permutation.of(test.size(), rng);
        for (int i = 0; i < m; i++) {
            audited.add(test.get(testOrder[i]));
        }
        List<String> classes = all.classNames();
        TextDataset outsideSet = TextDataset.of(outside, classes);
        Encoder corpus = Encoder.fit(outsideSet, Tokenizer.standard(), c.vocabSize(), TextTrainingRun.MIN_COUNT,
                c.maxLen());
        Canaries canaries = null;
        Encoder enc = corpus;
        if (config.hasCanaries()) {
            canaries = Canaries.draw(corpus, AuditConfig.PREFIX, classes.size(),
                    config.canariesPerRepeat(), config.repeats(), new SplittableRandom(c.seed() ^ 0xCA7A21L));
            enc = canaries.encoder();
        }
        EncodedDataset target = enc.encode(TextDataset.of(train, classes));
        if (canaries != null) {
            target = canaries.appendTo(target);
        }
        return new AuditData(enc, target, enc.encode(outsideSet), enc.encode(test),
                enc.encode(TextDataset.of(audited, classes)), m, canaries);
    }

    /** Scores of rows {@code [0, m)} (members) of an audited-rows array. */
    double[] membersOf(double[] x) {
        return Arrays.copyOfRange(x, 0, members);
    }

    /** Scores of rows {@code [m, 2m)} (non-members). */
    double[] nonMembersOf(double[] x) {
        return Arrays.copyOfRange(x, members, 2 * members);
    }
}
