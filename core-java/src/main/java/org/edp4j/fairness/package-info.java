/**
 * Fairness audits of text classifiers: does a prediction change because a text mentions one gender
 * instead of another? Zero runtime dependencies, like the rest of the core.
 *
 * <ul>
 * <li>{@link org.edp4j.fairness.WordPairs}: protected-attribute word pairs (he/she, his/her, mr/mrs,
 *     john/sarah, ...); {@link org.edp4j.fairness.WordPairs#english()} is the bundled English gender
 *     lexicon, with its provenance and licence in its header.</li>
 * <li>{@link org.edp4j.fairness.CounterfactualSwap}: the text with every lexicon word replaced by its
 *     partner, case kept, every other character untouched; swapping twice gives the text back
 *     (the exact conditions are in its javadoc).</li>
 * <li>{@link org.edp4j.fairness.PredictionSensitivity}: the gradient of the predicted probability
 *     with respect to the input token embeddings, computed analytically in double precision, and the
 *     prediction sensitivity of Krishna et al. (ACL 2022) built from it.</li>
 * <li>{@link org.edp4j.fairness.FairnessAudit}: all of it on a model and labelled texts, giving a
 *     {@link org.edp4j.fairness.FairnessReport}: counterfactual flip rate, mean and max change of the
 *     predicted class's probability, accumulated prediction sensitivity, and per-group accuracy and
 *     true-positive-rate gaps.</li>
 * </ul>
 *
 * <pre>{@code
 * try (TextClassifier c = TextClassifier.load(Path.of("model.edp"))) {
 *     FairnessReport r = FairnessAudit.run(c, examples, WordPairs.english());
 *     System.out.printf("flip rate %.3f, APS %.4f%n", r.flipRate(), r.sensitivity());
 * }
 * }</pre>
 *
 * <p><b>Privacy.</b> An audit releases facts about the texts it runs on. Run it on held-out data; on
 * training data its output is not covered by the model's epsilon. The formulas and the real check are
 * in docs/fairness.md.
 */
package org.edp4j.fairness;
