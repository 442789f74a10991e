/**
 * Saved text classifiers: the model file ({@link org.edp4j.model.SavedModel}, written by
 * {@code edp train --save}), its privacy report ({@link org.edp4j.model.PrivacyReport}) and the
 * {@link org.edp4j.model.TextClassifier} that loads one and predicts, for JVM callers and for
 * {@code edp predict}.
 *
 * <pre>{@code
 * try (TextClassifier c = TextClassifier.load(Path.of("model.edp"))) {
 *     List<TextClassifier.Prediction> ps = c.predictAll(List.of("free money, click now", "see you at 10"));
 *     ps.get(0).label();                 // "spam"
 *     c.privacy().epsilon();             // epsilon of everything the file holds (vocabulary included)
 * }
 * }</pre>
 *
 * <p><b>Placement.</b> The format lives in core because both the command line and library users read
 * it, and core has no dependencies: the file is a {@link org.edp4j.io.ChecksummedFile} (typed fields
 * and a SHA-256), not JSON. A saved model holds no secret (no noise key, no training text); its
 * vocabulary is covered by the epsilon of its report when it was selected privately, releases
 * nothing when it is a hashing, and is the user's own public list otherwise.
 */
package org.edp4j.model;
