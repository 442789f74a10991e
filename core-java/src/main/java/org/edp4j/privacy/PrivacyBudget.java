package org.edp4j.privacy;

import java.util.List;

/**
 * A privacy budget: an accountant, a target epsilon and a delta. A private optimizer calls
 * {@link #checkStep(double, double)} before a step (it throws, changing nothing, if the step would
 * pass the target) and {@link #recordStep(double, double)} after it.
 *
 * <pre>{@code
 * PrivacyBudget budget = new PrivacyBudget(new RdpAccountant(), 8.0, 1e-5);
 * for (...) {
 *     budget.checkStep(sigma, q);   // throws PrivacyBudgetExceededException before anything changes
 *     ... noisy step ...
 *     budget.recordStep(sigma, q);
 * }
 * }</pre>
 *
 * <h2>Cost of a check</h2>
 * The first check for a {@code (sigma, q)} finds, by doubling and bisection over
 * {@link PrivacyAccountant#epsilonAfter}, how many more steps of it the target allows; later checks
 * of the same mechanism compare a counter ({@code O(1)}), until the mechanism changes or the
 * accountant is stepped behind the budget's back. For {@link RdpAccountant} a search costs
 * {@code O(#orders log N)}; it is exact, since RDP epsilon grows with every step.
 */
public final class PrivacyBudget {

    private final PrivacyAccountant accountant;
    private final double targetEpsilon;
    private final double delta;
    // allowance cache
    private boolean cacheValid;
    private long cacheSigmaBits;
    private long cacheQBits;
    private long cacheBaseSteps;
    private int cacheBaseRuns;
    private long cacheAllowance;
    private boolean cacheBaseLastSame;
    private long cacheBaseLastSteps;

    /**
     * @param accountant the accountant to consult and step; shared, not copied
     * @param targetEpsilon in {@code (0, +inf)}
     * @param delta in {@code (0, 1)}
     */
    public PrivacyBudget(PrivacyAccountant accountant, double targetEpsilon, double delta) {
        if (accountant == null) {
            throw new IllegalArgumentException("accountant must not be null");
        }
        this.accountant = accountant;
        this.targetEpsilon = Checks.targetEpsilon(targetEpsilon);
        this.delta = Checks.delta(delta);
    }

    /**
     * Throws {@link PrivacyBudgetExceededException} if one more step of {@code (noiseMultiplier,
     * sampleRate)} would make the epsilon pass the target; changes nothing either way.
     */
    public void checkStep(double noiseMultiplier, double sampleRate) {
        Checks.noiseMultiplier(noiseMultiplier);
        Checks.sampleRate(sampleRate);
        if (allowance(noiseMultiplier, sampleRate) < 1) {
            double after = accountant.epsilonAfter(noiseMultiplier, sampleRate, 1, delta);
            throw new PrivacyBudgetExceededException(spentEpsilon(), after, targetEpsilon, delta, noiseMultiplier,
                    sampleRate, accountant.totalSteps());
        }
    }

    /** Records one step in the accountant (does not check; call {@link #checkStep} first). */
    public void recordStep(double noiseMultiplier, double sampleRate) {
        accountant.step(noiseMultiplier, sampleRate);
    }

    /** How many more steps of {@code (sigma, q)} the target allows (0 when none). */
    public long remainingSteps(double noiseMultiplier, double sampleRate) {
        Checks.noiseMultiplier(noiseMultiplier);
        Checks.sampleRate(sampleRate);
        return allowance(noiseMultiplier, sampleRate);
    }

    private long allowance(double sigma, double q) {
        long sb = Double.doubleToLongBits(sigma);
        long qb = Double.doubleToLongBits(q);
        List<MechanismRun> h = accountant.history();
        long steps = accountant.totalSteps();
        if (cacheValid && sb == cacheSigmaBits && qb == cacheQBits && onlyThisSince(h, steps, sigma, q)) {
            return Math.max(0, cacheAllowance - (steps - cacheBaseSteps));
        }
        long a = search(sigma, q);
        cacheValid = true;
        cacheSigmaBits = sb;
        cacheQBits = qb;
        cacheBaseSteps = steps;
        cacheBaseRuns = h.size();
        MechanismRun last = h.isEmpty() ? null : h.get(h.size() - 1);
        cacheBaseLastSame = last != null && last.sameMechanism(sigma, q);
        cacheBaseLastSteps = last == null ? 0 : last.steps();
        cacheAllowance = a;
        return a;
    }

    /** True when the accountant took only steps of {@code (sigma, q)} since the allowance was computed. */
    private boolean onlyThisSince(List<MechanismRun> h, long steps, double sigma, double q) {
        long used = steps - cacheBaseSteps;
        if (used == 0) {
            return h.size() == cacheBaseRuns;
        }
        if (used < 0 || h.isEmpty()) {
            return false;
        }
        MechanismRun last = h.get(h.size() - 1);
        if (!last.sameMechanism(sigma, q)) {
            return false;
        }
        return cacheBaseLastSame
                ? h.size() == cacheBaseRuns && last.steps() == cacheBaseLastSteps + used
                : h.size() == cacheBaseRuns + 1 && last.steps() == used;
    }

    private long search(double sigma, double q) {
        if (accountant.epsilonAfter(sigma, q, 1, delta) > targetEpsilon) {
            return 0;
        }
        long lo = 1;
        long hi = 2;
        while (accountant.epsilonAfter(sigma, q, hi, delta) <= targetEpsilon) {
            lo = hi;
            if (hi > Long.MAX_VALUE / 4) {
                return Long.MAX_VALUE / 2;
            }
            hi *= 2;
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (accountant.epsilonAfter(sigma, q, mid, delta) <= targetEpsilon) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Epsilon spent so far, {@code accountant().getEpsilon(delta())}. */
    public double spentEpsilon() {
        return accountant.getEpsilon(delta);
    }

    /** The target epsilon. */
    public double targetEpsilon() {
        return targetEpsilon;
    }

    /** The delta. */
    public double delta() {
        return delta;
    }

    /** The accountant (shared). */
    public PrivacyAccountant accountant() {
        return accountant;
    }
}
