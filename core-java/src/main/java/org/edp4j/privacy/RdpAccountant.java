package org.edp4j.privacy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renyi-DP accountant for the Poisson-subsampled Gaussian mechanism (Mironov, Talwar and Zhang
 * 2019, "Renyi Differential Privacy of the Sampled Gaussian Mechanism"), with the conversion to
 * {@code (epsilon, delta)} of Balle et al. 2020 (Theorem 21), as in Opacus.
 *
 * <h2>Formulas</h2>
 * For one step with sampling rate {@code q} and noise multiplier {@code sigma}, the RDP at order
 * {@code alpha > 1} is {@code eps_RDP(alpha) = log(A_alpha) / (alpha - 1)} where
 * {@code A_alpha = E_{z ~ N(0, sigma^2)} [((1 - q) + q exp((2z - 1) / (2 sigma^2)))^alpha]}:
 * <ul>
 *   <li>integer {@code alpha} (closed form): {@code A_alpha = sum_{i=0}^{alpha} C(alpha, i) q^i
 *       (1-q)^{alpha-i} exp((i^2 - i) / (2 sigma^2))};</li>
 *   <li>fractional {@code alpha}: the exact signed series of MTZ 2019, Section 3.3, split at
 *       {@code z0 = sigma^2 log(1/q - 1) + 1/2}; with {@code j = alpha - i},
 *       {@code A_alpha = sum_i C(alpha, i) [q^i (1-q)^j e^{(i^2-i)/(2 sigma^2)} erfc((i - z0)/(sqrt2 sigma))/2
 *       + q^j (1-q)^i e^{(j^2-j)/(2 sigma^2)} erfc((z0 - j)/(sqrt2 sigma))/2]}, where the binomial
 *       coefficients change sign; summed in log space until both terms fall below {@code e^-30}.</li>
 *   <li>{@code q = 0}: 0. {@code sigma = 0} (with {@code q > 0}): {@code +inf}. {@code q = 1}:
 *       {@code alpha / (2 sigma^2)}.</li>
 * </ul>
 * RDP composes additively: after runs {@code (sigma_k, q_k, n_k)} the RDP is
 * {@code R(alpha) = sum_k n_k eps_RDP(alpha; q_k, sigma_k)}. The epsilon for a target {@code delta} is
 * <pre>  epsilon = min_alpha  R(alpha) + log((alpha - 1)/alpha) - (log(delta) + log(alpha)) / (alpha - 1)</pre>
 * (Balle et al. 2020, Theorem 21; Opacus {@code get_privacy_spent}), clamped at 0 below.
 *
 * <h2>Orders</h2>
 * The default orders are Opacus's: {@code 1 + x/10} for {@code x = 1..99} (1.1 to 10.9), then the
 * integers 12 to 63. Any finite orders {@code > 1} may be given instead.
 *
 * <h2>Cost</h2>
 * The per-step RDP vector of each {@code (sigma, q)} is computed once and cached (64 entries).
 * The accountant keeps the RDP of all runs but the last, so {@link #getEpsilon(double)} and
 * {@link #epsilonAfter(double, double, long, double)} cost {@code O(#orders)} however long the
 * history or the step counts.
 */
public final class RdpAccountant implements PrivacyAccountant {

    /** Registry name. */
    public static final String NAME = "rdp";

    private static final int CACHE_SIZE = 64;

    private final double[] orders;
    private final List<MechanismRun> history = new ArrayList<>();
    /** RDP of all runs but the last: {@code sum_k n_k * rdp_k}, summed oldest first. */
    private final double[] base;
    private double[] lastVec;
    private long totalSteps;
    private final double[] scratch;
    private final LinkedHashMap<MechanismKey, double[]> cache =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<MechanismKey, double[]> e) {
                    return size() > CACHE_SIZE;
                }
            };

    private record MechanismKey(long sigmaBits, long qBits) {
    }

    /** An accountant with {@link #defaultOrders()}. */
    public RdpAccountant() {
        this(defaultOrders());
    }

    /**
     * An accountant with the given Renyi orders.
     *
     * @param orders finite values {@code > 1}, at least one; not modified (copied)
     * @throws IllegalArgumentException if {@code orders} is empty or holds a value outside
     *     {@code (1, +inf)}
     */
    public RdpAccountant(double[] orders) {
        if (orders == null || orders.length == 0) {
            throw new IllegalArgumentException("orders must hold at least one order in (1, +inf)");
        }
        for (double a : orders) {
            if (!(a > 1.0 && a < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("orders must be in (1, +inf), got " + a);
            }
        }
        this.orders = orders.clone();
        this.base = new double[orders.length];
        this.scratch = new double[orders.length];
    }

    /** Opacus's default orders: {@code 1 + x/10} for {@code x = 1..99}, then 12, 13, ..., 63 (151 orders). */
    public static double[] defaultOrders() {
        double[] a = new double[99 + 52];
        for (int x = 1; x < 100; x++) {
            a[x - 1] = 1 + x / 10.0;
        }
        for (int k = 12; k < 64; k++) {
            a[99 + k - 12] = k;
        }
        return a;
    }

    /** The orders, a copy. */
    public double[] orders() {
        return orders.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void step(double noiseMultiplier, double sampleRate, long steps) {
        Checks.noiseMultiplier(noiseMultiplier);
        Checks.sampleRate(sampleRate);
        Checks.steps(steps);
        if (steps == 0) {
            return;
        }
        int last = history.size() - 1;
        if (last >= 0 && history.get(last).sameMechanism(noiseMultiplier, sampleRate)) {
            MechanismRun r = history.get(last);
            history.set(last, new MechanismRun(r.noiseMultiplier(), r.sampleRate(), Math.addExact(r.steps(), steps)));
        } else {
            if (last >= 0) {
                long n = history.get(last).steps();
                for (int j = 0; j < orders.length; j++) {
                    base[j] += lastVec[j] * n;
                }
            }
            lastVec = perStepRdp(noiseMultiplier, sampleRate);
            history.add(new MechanismRun(noiseMultiplier, sampleRate, steps));
        }
        totalSteps = Math.addExact(totalSteps, steps);
    }

    /**
     * The RDP of the whole history at every order: {@code R(alpha_j)}, written into {@code out}.
     *
     * @param out length {@code orders().length}; modified; created when null
     * @return {@code out}
     */
    public double[] rdp(double[] out) {
        if (out == null) {
            out = new double[orders.length];
        }
        int last = history.size() - 1;
        long n = last >= 0 ? history.get(last).steps() : 0;
        for (int j = 0; j < orders.length; j++) {
            out[j] = n == 0 ? base[j] : base[j] + lastVec[j] * n;
        }
        return out;
    }

    @Override
    public double getEpsilon(double delta) {
        return getEpsilonAndOrder(delta).epsilon();
    }

    /**
     * The epsilon (Balle et al. 2020, Theorem 21) and the order that attains the minimum.
     *
     * @param delta in {@code (0, 1)}
     */
    public EpsilonAndOrder getEpsilonAndOrder(double delta) {
        Checks.delta(delta);
        return epsilonFromRdp(orders, rdp(scratch), delta);
    }

    @Override
    public double epsilonAfter(double noiseMultiplier, double sampleRate, long steps, double delta) {
        return epsilonAndOrderAfter(noiseMultiplier, sampleRate, steps, delta).epsilon();
    }

    /** Like {@link #epsilonAfter} with the order; costs {@code O(#orders)}, changes nothing. */
    public EpsilonAndOrder epsilonAndOrderAfter(double noiseMultiplier, double sampleRate, long steps, double delta) {
        Checks.noiseMultiplier(noiseMultiplier);
        Checks.sampleRate(sampleRate);
        Checks.steps(steps);
        Checks.delta(delta);
        if (steps == 0) {
            return getEpsilonAndOrder(delta);
        }
        int last = history.size() - 1;
        double[] r = scratch;
        if (last >= 0 && history.get(last).sameMechanism(noiseMultiplier, sampleRate)) {
            long n = Math.addExact(history.get(last).steps(), steps);
            for (int j = 0; j < orders.length; j++) {
                r[j] = base[j] + lastVec[j] * n;
            }
        } else {
            rdp(r);
            double[] v = perStepRdp(noiseMultiplier, sampleRate);
            for (int j = 0; j < orders.length; j++) {
                r[j] += v[j] * steps;
            }
        }
        return epsilonFromRdp(orders, r, delta);
    }

    /**
     * Balle et al. 2020, Theorem 21: {@code min_j R_j + log((a_j - 1)/a_j) - (log(delta) + log(a_j))/(a_j - 1)},
     * clamped at 0; 0 (at the largest order) when every {@code R_j} is 0.
     *
     * @param orders the orders, {@code > 1}; not modified
     * @param rdp the RDP at each order, in {@code [0, +inf]}; not modified
     * @param delta in {@code (0, 1)}
     */
    public static EpsilonAndOrder epsilonFromRdp(double[] orders, double[] rdp, double delta) {
        if (orders.length != rdp.length) {
            throw new IllegalArgumentException("orders and rdp must have the same length, got "
                    + orders.length + " and " + rdp.length);
        }
        boolean allZero = true;
        for (double r : rdp) {
            allZero &= r == 0.0;
        }
        if (allZero) {
            double maxOrder = orders[0];
            for (double a : orders) {
                maxOrder = Math.max(maxOrder, a);
            }
            return new EpsilonAndOrder(0.0, maxOrder);
        }
        double logDelta = Math.log(delta);
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = orders[0];
        for (int j = 0; j < orders.length; j++) {
            double a = orders[j];
            double eps = rdp[j] - (logDelta + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
            if (eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new EpsilonAndOrder(Math.max(0.0, best), bestOrder);
    }

    /** The per-step RDP vector of {@code (sigma, q)} at this accountant's orders (cached; do not modify). */
    double[] perStepRdp(double sigma, double q) {
        MechanismKey key = new MechanismKey(Double.doubleToLongBits(sigma), Double.doubleToLongBits(q));
        double[] v = cache.get(key);
        if (v == null) {
            v = new double[orders.length];
            for (int j = 0; j < orders.length; j++) {
                v[j] = computeRdp(q, sigma, orders[j]);
            }
            cache.put(key, v);
        }
        return v;
    }

    /**
     * RDP of one step of the Poisson-subsampled Gaussian mechanism at one order (see the class
     * javadoc for the formulas).
     *
     * @param q sampling rate in {@code [0, 1]}
     * @param sigma noise multiplier in {@code [0, +inf)}
     * @param order Renyi order {@code alpha} in {@code (1, +inf)}
     * @return {@code eps_RDP(alpha)} in {@code [0, +inf]}, never NaN
     */
    public static double computeRdp(double q, double sigma, double order) {
        Checks.sampleRate(q);
        Checks.noiseMultiplier(sigma);
        if (!(order > 1.0)) {
            throw new IllegalArgumentException("order must be in (1, +inf), got " + order);
        }
        if (q == 0) {
            return 0.0;
        }
        if (sigma == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1.0) {
            return order / (2 * (sigma * sigma));
        }
        if (order == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        double logA = order == Math.rint(order) && order < Integer.MAX_VALUE
                ? logAInt(q, sigma, (int) order)
                : logAFrac(q, sigma, order);
        return Math.max(0.0, logA / (order - 1));
    }

    /** {@code log(A_alpha)} for integer {@code alpha}: the closed form, summed in log space. */
    static double logAInt(double q, double sigma, int alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log(1 - q);
        double twoSigma2 = 2 * (sigma * sigma);
        double logA = Double.NEGATIVE_INFINITY;
        double logBinom = 0.0;
        for (int i = 0; i <= alpha; i++) {
            if (i > 0) {
                logBinom += Math.log((double) (alpha - i + 1) / i);
            }
            double s = logBinom + i * logQ + (alpha - i) * log1mQ + ((double) i * i - i) / twoSigma2;
            logA = LogMath.logAdd(logA, s);
        }
        return logA;
    }

    /**
     * {@code log(A_alpha)} for fractional {@code alpha}: the exact signed series, with signed
     * log-space partial sums. Should a partial sum turn non-positive by rounding (Opacus raises
     * there), the absolute-value series, an upper bound, is returned instead.
     */
    static double logAFrac(double q, double sigma, double alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log(1 - q);
        double sigma2 = sigma * sigma;
        double z0 = sigma2 * Math.log(1 / q - 1) + 0.5;
        double sqrt2Sigma = Math.sqrt(2) * sigma;
        double logHalf = Math.log(0.5);
        // signed log-space accumulators: value = sign * exp(log)
        double a0 = Double.NEGATIVE_INFINITY;
        double a1 = Double.NEGATIVE_INFINITY;
        int sign0 = 1;
        int sign1 = 1;
        double absSum = Double.NEGATIVE_INFINITY;
        double logAbsCoef = 0.0;
        int coefSign = 1;
        for (int i = 0; i < 10_000_000; i++) {
            if (i > 0) {
                double f = alpha - (i - 1);
                logAbsCoef += Math.log(Math.abs(f) / i);
                if (f < 0) {
                    coefSign = -coefSign;
                }
            }
            double j = alpha - i;
            double logT0 = logAbsCoef + i * logQ + j * log1mQ;
            double logT1 = logAbsCoef + j * logQ + i * log1mQ;
            double logE0 = logHalf + LogMath.logErfc((i - z0) / sqrt2Sigma);
            double logE1 = logHalf + LogMath.logErfc((z0 - j) / sqrt2Sigma);
            double logS0 = logT0 + ((double) i * i - i) / (2 * sigma2) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma2) + logE1;
            absSum = LogMath.logAdd(absSum, LogMath.logAdd(logS0, logS1));
            if (coefSign > 0) {
                if (sign0 > 0) {
                    a0 = LogMath.logAdd(a0, logS0);
                } else {
                    double[] r = signedAdd(sign0, a0, 1, logS0);
                    sign0 = (int) r[0];
                    a0 = r[1];
                }
                if (sign1 > 0) {
                    a1 = LogMath.logAdd(a1, logS1);
                } else {
                    double[] r = signedAdd(sign1, a1, 1, logS1);
                    sign1 = (int) r[0];
                    a1 = r[1];
                }
            } else {
                double[] r = signedAdd(sign0, a0, -1, logS0);
                sign0 = (int) r[0];
                a0 = r[1];
                r = signedAdd(sign1, a1, -1, logS1);
                sign1 = (int) r[0];
                a1 = r[1];
            }
            if (Math.max(logS0, logS1) < -30 || Double.isNaN(logS0) || Double.isNaN(logS1)) {
                break;
            }
        }
        if (sign0 > 0 && sign1 > 0) {
            double r = LogMath.logAdd(a0, a1);
            if (!Double.isNaN(r)) {
                return r;
            }
        }
        return absSum;
    }

    /** {@code sa e^la + sb e^lb} as {@code {sign, log|.|}}; zero is {@code {+1, -inf}}. */
    private static double[] signedAdd(int sa, double la, int sb, double lb) {
        if (sa == sb) {
            return new double[] {sa, LogMath.logAdd(la, lb)};
        }
        if (la >= lb) {
            return new double[] {la == lb ? 1 : sa, LogMath.logSub(la, lb)};
        }
        return new double[] {sb, LogMath.logSub(lb, la)};
    }

    @Override
    public List<MechanismRun> history() {
        return Collections.unmodifiableList(new ArrayList<>(history));
    }

    @Override
    public long totalSteps() {
        return totalSteps;
    }

    @Override
    public RdpAccountant copy() {
        RdpAccountant c = new RdpAccountant(orders);
        c.history.addAll(history);
        System.arraycopy(base, 0, c.base, 0, base.length);
        c.lastVec = lastVec;
        c.totalSteps = totalSteps;
        c.cache.putAll(cache);
        return c;
    }

    @Override
    public String saveState() {
        return NAME + ";orders=" + StateCodec.doubles(orders) + ";runs=" + StateCodec.runs(history);
    }

    @Override
    public String toString() {
        return "RdpAccountant[" + orders.length + " orders, " + history.size() + " runs, " + totalSteps + " steps]";
    }
}
