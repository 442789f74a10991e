package org.edp4j.fl;

import java.io.Serializable;
import java.util.Locale;

/**
 * A round's inclusion probability of a device as a function of the examples it holds now: the whole
 * of what a {@link DeviceSelection} decided for the round, in a few numbers, so that any engine can
 * evaluate it where the device lives (a thread, or a Spark executor: the rule is {@link Serializable}).
 *
 * <ul>
 *   <li>{@link #uniform(double) uniform(q)}: {@code p(n) = q} for every device, empty ones included;</li>
 *   <li>{@link #activity(double, double) activity(s, cap)}: {@code p(0) = 0} and
 *       {@code p(n) = min(cap, s n)} for {@code n >= 1} ({@code s = +inf} gives every non-empty device the cap).</li>
 * </ul>
 *
 * @param proportional whether {@code p} grows with the held count (activity) or is constant (uniform)
 * @param rate {@code q} (uniform) or the scale {@code s} (activity)
 * @param cap the largest probability (uniform: {@code q})
 */
public record InclusionRule(boolean proportional, double rate, double cap) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Checks the ranges of {@link #uniform} and {@link #activity}. */
    public InclusionRule {
        if (!(cap >= 0 && cap <= 1)) {
            throw new IllegalArgumentException("inclusion cap must be in [0, 1], got " + cap);
        }
        if (!(rate >= 0)) {
            throw new IllegalArgumentException("inclusion rate must be >= 0, got " + rate);
        }
        if (!proportional && rate != cap) {
            throw new IllegalArgumentException("a uniform rule's rate is its cap, got " + rate + " and " + cap);
        }
    }

    /**
     * Every device with probability {@code q}.
     *
     * @param q in {@code [0, 1]}
     * @throws IllegalArgumentException for q outside [0, 1]
     */
    public static InclusionRule uniform(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("inclusion probability must be in [0, 1], got " + q);
        }
        return new InclusionRule(false, q, q);
    }

    /**
     * {@code p(n) = min(cap, scale n)}, 0 for an empty device.
     *
     * @param scale {@code s >= 0}, possibly {@code +inf}
     * @param cap in {@code [0, 1]}
     * @throws IllegalArgumentException for a value out of range
     */
    public static InclusionRule activity(double scale, double cap) {
        return new InclusionRule(true, scale, cap);
    }

    /**
     * @param heldCount the examples the device holds now, {@code >= 0}
     * @return its inclusion probability, in {@code [0, cap]}
     */
    public double probability(int heldCount) {
        if (!proportional) {
            return rate;
        }
        return heldCount <= 0 ? 0.0 : Math.min(cap, rate * heldCount);
    }

    @Override
    public String toString() {
        return proportional ? String.format(Locale.ROOT, "p(n) = min(%.6g, %.6g n)", cap, rate)
                : String.format(Locale.ROOT, "p = %.6g", rate);
    }
}
