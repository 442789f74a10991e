package org.edp4j.audit;

/**
 * Exposure of one inserted secret (Carlini et al. 2019, "The Secret Sharer"): with white-box access
 * the attacker ranks every candidate secret by the model's loss on the canary completed with it; a
 * memorized secret ranks near the top.
 *
 * <p><b>Rank with ties.</b> {@code rank = 1 + #{candidates with strictly lower loss}
 * + #{other candidates with equal loss} / 2}: the expected position of the secret when ties are
 * broken uniformly at random, so a model that gives every candidate the same loss puts the secret
 * in the middle ({@code rank = (|C| + 1) / 2}, exposure about 1 bit), never at the top.
 * {@code exposure = log2 |C| - log2 rank}, in {@code [0, log2 |C|]}; the secret is <em>extracted</em>
 * when it alone has the lowest loss ({@code rank = 1}, exposure {@code log2 |C|}).
 *
 * <pre>{@code
 * Exposure e = Exposure.of(lossOfSecret, lossesOfTheOther9999);
 * e.rank(); e.exposure(); e.extracted();
 * }</pre>
 *
 * @param rank the rank, in {@code [1, candidates]}, a multiple of 1/2
 * @param candidates the candidate count {@code |C|}, the secret included
 */
public record Exposure(double rank, int candidates) {

    /**
     * @param rank in {@code [1, candidates]}
     * @param candidates {@code >= 1}
     * @throws IllegalArgumentException if out of range
     */
    public Exposure {
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        }
        if (!(rank >= 1 && rank <= candidates)) {
            throw new IllegalArgumentException("rank must be in [1, " + candidates + "], got " + rank);
        }
    }

    /**
     * @param secretLoss the loss with the true secret, finite
     * @param otherLosses the losses with every other candidate, finite; not modified
     * @return the exposure of the secret among {@code otherLosses.length + 1} candidates
     * @throws IllegalArgumentException if a loss is not finite
     */
    public static Exposure of(double secretLoss, double[] otherLosses) {
        if (!Double.isFinite(secretLoss)) {
            throw new IllegalArgumentException("secretLoss must be finite, got " + secretLoss);
        }
        long lower = 0;
        long ties = 0;
        for (int i = 0; i < otherLosses.length; i++) {
            double l = otherLosses[i];
            if (!Double.isFinite(l)) {
                throw new IllegalArgumentException("otherLosses[" + i + "] must be finite, got " + l);
            }
            if (l < secretLoss) {
                lower++;
            } else if (l == secretLoss) {
                ties++;
            }
        }
        return new Exposure(1 + lower + ties / 2.0, otherLosses.length + 1);
    }

    /** @return {@code log2(candidates) - log2(rank)}, in bits */
    public double exposure() {
        return (Math.log(candidates) - Math.log(rank)) / Math.log(2);
    }

    /** @return whether the secret alone has the lowest loss */
    public boolean extracted() {
        return rank == 1;
    }
}
