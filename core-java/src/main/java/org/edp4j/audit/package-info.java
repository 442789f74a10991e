/**
 * Privacy audits: how much a trained model leaks in practice, next to the worst case that epsilon
 * bounds. Zero runtime dependencies, like the rest of the core.
 *
 * <p><b>Membership inference.</b> Given per-example losses of the target model on members
 * (training examples) and non-members, {@link org.edp4j.audit.LossThresholdAttack} scores
 * {@code -loss}; {@link org.edp4j.audit.OfflineLira} calibrates each example's logit-scaled
 * confidence against reference models trained without it. {@link org.edp4j.audit.Roc} gives
 * AUC, TPR at a fixed FPR and the membership advantage. {@link org.edp4j.audit.MembershipAudit}
 * turns the scores into an empirical lower bound on epsilon with
 * {@link org.edp4j.audit.EmpiricalEpsilon} ({@link org.edp4j.audit.ClopperPearson} intervals
 * built on {@link org.edp4j.audit.RegularizedBeta}), choosing the threshold on one half of the
 * examples and computing the bound on the other half. A lower bound above the run's epsilon means
 * a bug in the training or the accounting.
 *
 * <p><b>Canary exposure.</b> {@link org.edp4j.audit.Canaries} inserts {@link org.edp4j.audit.Canary}
 * texts ("my pin code is 4821") into the training set and ranks the true secret among all 10,000
 * candidates by loss ({@link org.edp4j.audit.Exposure}, Carlini et al. 2019).
 *
 * <pre>{@code
 * double[] target = losses(targetModel, audited);   // audited = m members, then m non-members
 * double[][] out = ...;                             // the same rows under R reference models trained on neither
 * double[] loss = LossThresholdAttack.scores(target);
 * double[] lira = OfflineLira.scores(target, out, true);
 * MembershipAudit a = MembershipAudit.of(List.of(
 *         new MembershipAudit.Scores("loss", head(loss, m), tail(loss, m)),
 *         new MembershipAudit.Scores("lira", head(lira, m), tail(lira, m))), 1e-5, 0.05, seed);
 * if (a.epsilonLowerBound() > epsilonOfTheRun) {
 *     throw new AssertionError("the model leaks more than its guarantee allows");
 * }
 * }</pre>
 *
 * <p>The method and its caveats: {@code docs/audit.md}.
 */
package org.edp4j.audit;
