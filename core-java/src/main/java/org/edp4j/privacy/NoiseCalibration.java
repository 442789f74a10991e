package org.edp4j.privacy;

import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/**
 * Calibration: the smallest noise multiplier that meets a target {@code (epsilon, delta)}, and the
 * most steps a noise multiplier allows.
 *
 * <p>Both search with a fresh accountant per trial, holding one run {@code (sigma, q, steps)}.
 * {@link #noiseMultiplierFor} brackets sigma by doubling/halving from 1, then narrows the bracket by
 * safeguarded regula falsi (Illinois; a bisection every fourth step) until
 * {@code (hi - lo) <= relTol * hi} and returns {@code hi}, which meets the target: the answer is at
 * most {@code relTol} (relative) above the smallest sigma that does. Epsilon decreases with sigma
 * for both accountants (for PRV up to its stated error). {@link #maxSteps} is exact for RDP, whose
 * epsilon grows with the step count.
 */
public final class NoiseCalibration {

    /** Default relative tolerance of {@link #noiseMultiplierFor}: 1e-4 (the issue asks for 1e-3). */
    public static final double DEFAULT_REL_TOL = 1e-4;
    /** The largest noise multiplier searched; a target that needs more is refused. */
    public static final double MAX_NOISE_MULTIPLIER = 1e6;

    private NoiseCalibration() {
    }

    /**
     * The smallest sigma (to {@link #DEFAULT_REL_TOL} relative) with {@code epsilon(sigma) <= targetEpsilon}.
     *
     * @param targetEpsilon in {@code (0, +inf)}
     * @param delta in {@code (0, 1)}
     * @param sampleRate q in {@code [0, 1]}
     * @param steps {@code >= 0}
     * @param accountant {@code "rdp"} or {@code "prv"}
     * @return sigma in {@code [0, MAX_NOISE_MULTIPLIER]}; 0 when {@code q = 0} or {@code steps = 0}
     * @throws IllegalArgumentException for an argument out of range, or when even
     *     {@link #MAX_NOISE_MULTIPLIER} does not meet the target
     */
    public static double noiseMultiplierFor(double targetEpsilon, double delta, double sampleRate, long steps,
            String accountant) {
        return noiseMultiplierFor(targetEpsilon, delta, sampleRate, steps, PrivacyAccountants.factory(accountant),
                DEFAULT_REL_TOL);
    }

    /**
     * As {@link #noiseMultiplierFor(double, double, double, long, String)} with an accountant factory
     * and a relative tolerance in {@code (0, 0.1]}.
     */
    public static double noiseMultiplierFor(double targetEpsilon, double delta, double sampleRate, long steps,
            Supplier<? extends PrivacyAccountant> accountant, double relTol) {
        Checks.targetEpsilon(targetEpsilon);
        Checks.delta(delta);
        Checks.sampleRate(sampleRate);
        Checks.steps(steps);
        if (!(relTol > 0 && relTol <= 0.1)) {
            throw new IllegalArgumentException("relTol must be in (0, 0.1], got " + relTol);
        }
        if (sampleRate == 0 || steps == 0) {
            return 0.0;
        }
        return search(sigma -> epsilon(accountant, sigma, sampleRate, steps, delta), targetEpsilon, relTol);
    }

    /**
     * The smallest sigma (to {@code relTol} relative) with {@code epsilon(sigma) <= targetEpsilon},
     * for an epsilon that decreases with sigma. Brackets from 1 by doubling or halving (down to
     * 1e-6), then narrows the bracket by safeguarded regula falsi and returns its upper end, which
     * meets the target.
     *
     * @param epsilon epsilon of a noise multiplier; may return {@code +inf}
     * @throws IllegalArgumentException when even {@link #MAX_NOISE_MULTIPLIER} does not meet the target
     */
    static double search(DoubleUnaryOperator epsilon, double targetEpsilon, double relTol) {
        double lo;
        double hi;
        double eLo = Double.NaN;
        double eHi;
        double e1 = epsilon.applyAsDouble(1.0);
        if (e1 <= targetEpsilon) {
            hi = 1.0;
            eHi = e1;
            lo = 0.5;
            while ((eLo = epsilon.applyAsDouble(lo)) <= targetEpsilon) {
                hi = lo;
                eHi = eLo;
                lo /= 2;
                if (lo < 1e-6) {
                    return hi;
                }
            }
        } else {
            lo = 1.0;
            eLo = e1;
            hi = 2.0;
            while ((eHi = epsilon.applyAsDouble(hi)) > targetEpsilon) {
                if (hi >= MAX_NOISE_MULTIPLIER) {
                    throw new IllegalArgumentException("targetEpsilon " + targetEpsilon
                            + " is too small: not met even with noiseMultiplier " + MAX_NOISE_MULTIPLIER);
                }
                lo = hi;
                eLo = eHi;
                hi = Math.min(2 * hi, MAX_NOISE_MULTIPLIER);
            }
        }
        // Illinois (modified regula falsi) on g(sigma) = epsilon(sigma) - target, keeping the bracket
        // g(lo) > 0 >= g(hi): epsilon is smooth in sigma, so this needs far fewer evaluations than
        // bisection (each is a full PRV computation). Safeguards: the trial point stays a quarter
        // tolerance inside the bracket, so every step shrinks it, and every fourth step bisects.
        double gLo = eLo - targetEpsilon;
        double gHi = eHi - targetEpsilon;
        int kept = 0;
        for (int it = 1; hi - lo > relTol * hi; it++) {
            double mid;
            if (it % 4 == 0 || !(gLo > gHi) || Double.isInfinite(gLo)) {
                mid = 0.5 * (lo + hi);
            } else {
                mid = hi - gHi * (hi - lo) / (gHi - gLo);
                double guard = 0.25 * relTol * hi;
                mid = Math.min(Math.max(mid, lo + guard), hi - guard);
            }
            double g = epsilon.applyAsDouble(mid) - targetEpsilon;
            if (g <= 0) {
                hi = mid;
                gHi = g;
                if (kept == -1) {
                    gLo *= 0.5; // Illinois: the lo end was kept twice in a row
                }
                kept = -1;
            } else {
                lo = mid;
                gLo = g;
                if (kept == 1) {
                    gHi *= 0.5;
                }
                kept = 1;
            }
        }
        return hi;
    }

    /**
     * The largest {@code N} with {@code epsilon(N steps of (sigma, q)) <= targetEpsilon}.
     *
     * @param noiseMultiplier sigma in {@code [0, +inf)}
     * @param sampleRate q in {@code [0, 1]}
     * @param targetEpsilon in {@code (0, +inf)}
     * @param delta in {@code (0, 1)}
     * @param accountant {@code "rdp"} or {@code "prv"}
     * @return {@code N >= 0}; {@link Long#MAX_VALUE} when no step count passes the target
     *     (e.g. {@code q = 0})
     */
    public static long maxSteps(double noiseMultiplier, double sampleRate, double targetEpsilon, double delta,
            String accountant) {
        return maxSteps(noiseMultiplier, sampleRate, targetEpsilon, delta, PrivacyAccountants.factory(accountant));
    }

    /** As {@link #maxSteps(double, double, double, double, String)} with an accountant factory. */
    public static long maxSteps(double noiseMultiplier, double sampleRate, double targetEpsilon, double delta,
            Supplier<? extends PrivacyAccountant> accountant) {
        Checks.noiseMultiplier(noiseMultiplier);
        Checks.sampleRate(sampleRate);
        Checks.targetEpsilon(targetEpsilon);
        Checks.delta(delta);
        if (sampleRate == 0) {
            return Long.MAX_VALUE;
        }
        if (epsilon(accountant, noiseMultiplier, sampleRate, 1, delta) > targetEpsilon) {
            return 0;
        }
        long lo = 1;
        long hi = 2;
        while (epsilon(accountant, noiseMultiplier, sampleRate, hi, delta) <= targetEpsilon) {
            lo = hi;
            if (hi > Long.MAX_VALUE / 2) {
                return Long.MAX_VALUE;
            }
            hi *= 2;
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (epsilon(accountant, noiseMultiplier, sampleRate, mid, delta) <= targetEpsilon) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double epsilon(Supplier<? extends PrivacyAccountant> factory, double sigma, double q, long steps,
            double delta) {
        PrivacyAccountant a = factory.get();
        a.step(sigma, q, steps);
        return a.getEpsilon(delta);
    }
}
