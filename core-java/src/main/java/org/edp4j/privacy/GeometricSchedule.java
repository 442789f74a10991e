package org.edp4j.privacy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A training run whose noise decays from epoch to epoch: epoch {@code e = 0 .. epochs-1} takes
 * {@code stepsPerEpoch} Poisson-sampled Gaussian steps at sampling rate {@code q} with noise
 * multiplier {@code sigma_e = sigma_0 * decay^e} (constant when {@code decay = 1}), after the
 * mechanisms of {@code prior} (e.g. a private vocabulary's Gaussian step), which the accountant
 * holds first.
 *
 * <pre>{@code
 * GeometricSchedule s = new GeometricSchedule(0.217, 5, 3000, 0.9995);
 * double sigma0 = s.calibrate(3.0, 1e-5);         // well under a second
 * s.epsilon(sigma0, 1e-5);                          // <= 3, by the RDP accountant
 * }</pre>
 *
 * <h2>Epsilon</h2>
 * {@link #epsilon} is what an {@link RdpAccountant} with its default orders reports after the whole
 * run, stepped one step at a time: RDP composes additively, so the run is accounted once per
 * distinct sigma, {@code R(alpha) = sum_sigma n_sigma eps_RDP(alpha; q, sigma)}, at a cost of
 * {@code O(distinct sigmas x orders)} per-step RDP evaluations.
 *
 * <h2>Calibration</h2>
 * With a decaying schedule every epoch has its own sigma, and a search over {@code sigma_0} that
 * accounted every epoch at every trial would cost {@code trials x epochs x orders} RDP evaluations
 * (minutes at thousands of epochs). {@link #calibrate} instead
 * <ol>
 *   <li>evaluates each order's per-step RDP only at knots spaced {@value #KNOT_SPACING} apart in
 *       {@code log sigma} (and at the first and last epoch), and fills in the epochs between two
 *       knots by interpolating {@code log eps_RDP} with the quadratic through three neighbouring
 *       knots (the per-step RDP of the subsampled Gaussian is close to {@code c / sigma^2} for large
 *       sigma, whose logarithm is linear in {@code log sigma}, and smooth elsewhere). Epochs are summed
 *       from the last (least noise) backwards, and a trial stops as soon as the epsilon of the epochs
 *       summed so far exceeds the target. After the first trial only the {@value #WINDOW} orders on
 *       either side of the best one are summed (all of them again when the best falls on the
 *       window's edge);</li>
 *   <li>searches {@code sigma_0} on that estimate ({@link NoiseCalibration}'s bracketing and
 *       Illinois steps, to {@link NoiseCalibration#DEFAULT_REL_TOL});</li>
 *   <li>verifies the answer exactly: the epsilon of the whole run at one order (the best integer
 *       order of the estimate, whose RDP is cheap, else the best order), every epoch accounted, must
 *       be at most the target. Epsilon at one order bounds the minimum over all orders, so
 *       {@link #epsilon} is then at most the target too. If it is not, {@code sigma_0} is raised by
 *       the excess and checked again.</li>
 * </ol>
 * The result therefore always meets the target; it is the smallest such {@code sigma_0} to within
 * the tolerance plus the interpolation error (under 1e-4 relative in the tests, which compare it
 * with a search on the exact epsilon). Cost: {@code trials x (knots x 17 orders RDP evaluations +
 * epochs x 17 exponentials)} plus {@code epochs} RDP evaluations for the check; 10,000 epochs of
 * {@code decay 0.9999} took 0.3-0.6 s on the 2-core build machine under a load of about 9.
 *
 * @param sampleRate Poisson sampling rate q, in [0, 1]
 * @param stepsPerEpoch steps per epoch, &gt;= 1
 * @param epochs epochs, &gt;= 1
 * @param decay the factor between two epochs' noise multipliers, in (0, 1]
 * @param prior mechanisms accounted before the schedule (their noise does not depend on sigma_0); copied
 */
public record GeometricSchedule(double sampleRate, long stepsPerEpoch, int epochs, double decay,
        List<MechanismRun> prior) {

    /** Spacing of the interpolation knots in {@code log sigma}. */
    static final double KNOT_SPACING = 0.1;
    /** Orders on either side of the last best one that {@link #calibrate}'s estimate sums. */
    static final int WINDOW = 8;

    /**
     * @throws IllegalArgumentException for an argument out of range (the message names it)
     */
    public GeometricSchedule {
        prior = List.copyOf(prior);
        Checks.sampleRate(sampleRate);
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("stepsPerEpoch must be >= 1, got " + stepsPerEpoch);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1], got " + decay);
        }
    }

    /** A schedule with nothing accounted before it. */
    public GeometricSchedule(double sampleRate, long stepsPerEpoch, int epochs, double decay) {
        this(sampleRate, stepsPerEpoch, epochs, decay, List.of());
    }

    /** The noise multiplier of epoch {@code epoch}: {@code sigma0 * decay^epoch} ({@code sigma0} when constant). */
    public static double sigma(double sigma0, double decay, int epoch) {
        return decay == 1.0 ? sigma0 : sigma0 * Math.pow(decay, epoch);
    }

    /** The noise multiplier of epoch {@code epoch} of this schedule. */
    public double sigma(double sigma0, int epoch) {
        return sigma(sigma0, decay, epoch);
    }

    /**
     * A fresh RDP accountant (default orders) holding {@code prior}, then the whole run, one entry per
     * distinct sigma.
     *
     * @param sigma0 the first epoch's noise multiplier, &gt;= 0
     */
    public RdpAccountant account(double sigma0) {
        Checks.noiseMultiplier(sigma0);
        RdpAccountant a = priorAccountant();
        for (int e = 0; e < epochs; e++) {
            a.step(sigma(sigma0, e), sampleRate, stepsPerEpoch);
        }
        return a;
    }

    /**
     * The epsilon of the whole run by the RDP accountant with its default orders: equal to that of
     * an accountant stepped one step at a time.
     *
     * @param sigma0 the first epoch's noise multiplier, &gt;= 0
     * @param delta in (0, 1)
     */
    public double epsilon(double sigma0, double delta) {
        return account(sigma0).getEpsilon(delta);
    }

    /**
     * The smallest {@code sigma_0} (to about {@link NoiseCalibration#DEFAULT_REL_TOL} relative, see
     * the class description) whose run is {@code (targetEpsilon, delta)}-DP by the RDP accountant;
     * the answer always meets the target exactly.
     *
     * @param targetEpsilon in (0, +inf)
     * @param delta in (0, 1)
     * @return sigma_0 in [0, {@link NoiseCalibration#MAX_NOISE_MULTIPLIER}]; 0 when {@code q = 0}
     * @throws IllegalArgumentException for an argument out of range, or when the target cannot be met
     *     even with {@code sigma_0 = MAX_NOISE_MULTIPLIER}; the message says why (e.g. the last
     *     epochs' noise alone spends more)
     */
    public double calibrate(double targetEpsilon, double delta) {
        Checks.targetEpsilon(targetEpsilon);
        Checks.delta(delta);
        double before = priorAccountant().getEpsilon(delta);
        if (before > targetEpsilon) {
            throw new IllegalArgumentException("target epsilon " + targetEpsilon + " cannot be met: the mechanisms "
                    + "accounted before the schedule (" + prior + ") alone spend epsilon " + before);
        }
        if (decay == 1.0 || epochs == 1) {
            return NoiseCalibration.noiseMultiplierFor(targetEpsilon, delta, sampleRate,
                    Math.multiplyExact(stepsPerEpoch, (long) epochs), this::priorAccountant,
                    NoiseCalibration.DEFAULT_REL_TOL);
        }
        if (sampleRate == 0) {
            return 0.0;
        }
        Estimate est = new Estimate(targetEpsilon, delta);
        double max = NoiseCalibration.MAX_NOISE_MULTIPLIER;
        if (est.epsilon(max) > targetEpsilon) {
            throw new IllegalArgumentException(unreachable(targetEpsilon, delta, est.epochsSummed));
        }
        double sigma0 = NoiseCalibration.search(est::epsilon, targetEpsilon, NoiseCalibration.DEFAULT_REL_TOL);
        est.epsilon(sigma0);
        double order = est.bestOrder;
        double integerOrder = est.bestIntegerOrder;
        while (true) {
            // An integer order's RDP is a short closed form, a fractional one's a long series: try it first.
            if (!Double.isNaN(integerOrder) && exactEpsilonAtOrder(sigma0, integerOrder, delta) <= targetEpsilon) {
                return sigma0;
            }
            double exact = exactEpsilonAtOrder(sigma0, order, delta);
            if (exact <= targetEpsilon) {
                return sigma0;
            }
            // The estimate was optimistic: epsilon falls about as 1/sigma, so raise sigma_0 by the excess.
            sigma0 *= 1 + Math.max(NoiseCalibration.DEFAULT_REL_TOL, (exact - targetEpsilon) / targetEpsilon);
            if (sigma0 > max) {
                throw new IllegalArgumentException(unreachable(targetEpsilon, delta, epochs));
            }
        }
    }

    /** Epsilon (Balle et al. 2020, Theorem 21) of the whole run at one Renyi order, every epoch accounted. */
    double exactEpsilonAtOrder(double sigma0, double order, double delta) {
        double rdp = priorRdp(order);
        double prevSigma = Double.NaN; // consecutive equal sigmas (decay 1, or sigma underflowing to 0) once
        double prevRdp = 0;
        for (int e = 0; e < epochs; e++) {
            double s = sigma(sigma0, e);
            if (s != prevSigma) {
                prevSigma = s;
                prevRdp = RdpAccountant.computeRdp(sampleRate, s, order);
            }
            rdp += prevRdp * stepsPerEpoch;
        }
        return RdpAccountant.epsilonFromRdp(new double[] {order}, new double[] {rdp}, delta).epsilon();
    }

    /** A fresh accountant (default orders) holding {@code prior}. */
    private RdpAccountant priorAccountant() {
        RdpAccountant a = new RdpAccountant();
        for (MechanismRun r : prior) {
            a.step(r.noiseMultiplier(), r.sampleRate(), r.steps());
        }
        return a;
    }

    /** The RDP of {@code prior} at one order. */
    private double priorRdp(double order) {
        double rdp = 0;
        for (MechanismRun r : prior) {
            rdp += r.steps() * RdpAccountant.computeRdp(r.sampleRate(), r.noiseMultiplier(), order);
        }
        return rdp;
    }

    private String unreachable(double targetEpsilon, double delta, int lastEpochs) {
        double max = NoiseCalibration.MAX_NOISE_MULTIPLIER;
        double lastFactor = Math.pow(decay, epochs - 1);
        String why = String.format(Locale.ROOT, "with decay %s over %d epochs the last epoch's noise multiplier is "
                + "sigma_0 x %.3g", decay, epochs, lastFactor);
        int k = Math.max(1, Math.min(lastEpochs, epochs));
        // Epsilon over some epochs is a lower bound on the whole run's (RDP only adds up).
        double tail = new GeometricSchedule(sampleRate, stepsPerEpoch, k, decay)
                .epsilon(sigma(max, epochs - k), delta);
        if (tail > targetEpsilon) {
            why += String.format(Locale.ROOT, ", and even with sigma_0 = %.0e the last %d epoch%s alone spend "
                    + "epsilon %.3g", max, k, k == 1 ? "" : "s", tail);
        } else {
            why += String.format(Locale.ROOT, ", and even sigma_0 = %.0e spends more", max);
        }
        return "target epsilon " + targetEpsilon + " cannot be met: " + why
                + "; use a decay closer to 1 or fewer epochs";
    }

    /**
     * The interpolated epsilon of the run (see the class description); {@code +inf} as soon as the
     * epochs summed so far spend more than the target.
     */
    private final class Estimate {
        private final double target;
        private final double delta;
        private final double[] all = RdpAccountant.defaultOrders();
        private double[] orders = all;
        /** Epochs whose RDP the last call summed before it stopped. */
        int epochsSummed;
        /** The order that attained the last call's epsilon (of the epochs summed, when it stopped early). */
        double bestOrder = Double.NaN;
        /** The integer order with the smallest epsilon in the last call that summed every epoch (NaN if none). */
        double bestIntegerOrder = Double.NaN;

        Estimate(double target, double delta) {
            this.target = target;
            this.delta = delta;
        }

        double epsilon(double sigma0) {
            double eps = sum(sigma0, orders);
            if (orders != all && (onEdge(bestOrder, orders[0], all[0])
                    || onEdge(bestOrder, orders[orders.length - 1], all[all.length - 1]))) {
                eps = sum(sigma0, all);
            }
            int best = Arrays.binarySearch(all, bestOrder);
            orders = Arrays.copyOfRange(all, Math.max(0, best - WINDOW), Math.min(all.length, best + WINDOW + 1));
            return eps;
        }

        private boolean onEdge(double order, double windowEdge, double allEdge) {
            return order == windowEdge && windowEdge != allEdge;
        }

        private double sum(double sigma0, double[] orders) {
            int k = (int) Math.max(1, Math.min(epochs - 1, Math.floor(KNOT_SPACING / -Math.log(decay))));
            Knots knots = new Knots(sigma0, orders);
            double[] rdp = new double[orders.length];
            for (int j = 0; j < orders.length; j++) {
                rdp[j] = priorRdp(orders[j]);
            }
            int b = epochs - 1;
            double[] fb = knots.at(b);
            for (int j = 0; j < orders.length; j++) {
                rdp[j] += stepsPerEpoch * fb[j];
            }
            epochsSummed = 1;
            int after = -1; // the knot summed before b, if any
            double[] fAfter = null;
            while (b > 0) {
                int a = Math.max(0, b - k);
                double[] fa = knots.at(a);
                // A third knot for the quadratic: the one after b, else the one before a.
                int c = after >= 0 ? after : a > 0 ? Math.max(0, a - k) : -1;
                double[] fc = after >= 0 ? fAfter : c >= 0 ? knots.at(c) : null;
                for (int j = 0; j < orders.length; j++) {
                    rdp[j] += stepsPerEpoch * (c < 0 ? between(fa[j], fb[j], b - a)
                            : between(a, fa[j], b, fb[j], c, fc[j]));
                }
                epochsSummed += b - a;
                EpsilonAndOrder partial = RdpAccountant.epsilonFromRdp(orders, rdp, delta);
                if (partial.epsilon() > target) {
                    bestOrder = partial.order();
                    return Double.POSITIVE_INFINITY;
                }
                after = b;
                fAfter = fb;
                fb = fa;
                b = a;
            }
            EpsilonAndOrder e = RdpAccountant.epsilonFromRdp(orders, rdp, delta);
            bestOrder = e.order();
            bestIntegerOrder = Double.NaN;
            double bestIntegerEps = Double.POSITIVE_INFINITY;
            for (int j = 0; j < orders.length; j++) {
                if (orders[j] == Math.rint(orders[j])) {
                    double eps = RdpAccountant.epsilonFromRdp(new double[] {orders[j]}, new double[] {rdp[j]}, delta)
                            .epsilon();
                    if (eps < bestIntegerEps) {
                        bestIntegerEps = eps;
                        bestIntegerOrder = orders[j];
                    }
                }
            }
            return e.epsilon();
        }

        /** Per-step RDP at the orders of one sum, for the epochs used as knots; each computed once. */
        private final class Knots {
            private final double sigma0;
            private final double[] orders;
            private int cachedEpoch = -1;
            private double[] cached;

            Knots(double sigma0, double[] orders) {
                this.sigma0 = sigma0;
                this.orders = orders;
            }

            /** The per-step RDP of epoch {@code e} at every order (the last one asked for is kept). */
            double[] at(int e) {
                if (e != cachedEpoch) {
                    double sigma = sigma(sigma0, e);
                    cached = new double[orders.length];
                    for (int j = 0; j < orders.length; j++) {
                        cached[j] = RdpAccountant.computeRdp(sampleRate, sigma, orders[j]);
                    }
                    cachedEpoch = e;
                }
                return cached;
            }
        }
    }

    /**
     * {@code sum_{e=a}^{b-1} f(e)} where {@code log f} is the quadratic through
     * {@code (a, log fa)}, {@code (b, log fb)} and {@code (c, log fc)}, {@code c} outside {@code [a, b]};
     * as {@link #between(double, double, int)} when a value is 0 or infinite.
     */
    static double between(int a, double fa, int b, double fb, int c, double fc) {
        if (!(fa > 0 && fb > 0 && fc > 0) || Double.isInfinite(fa) || Double.isInfinite(fb)
                || Double.isInfinite(fc)) {
            return between(fa, fb, b - a);
        }
        double ya = Math.log(fa);
        double yb = Math.log(fb);
        double yc = Math.log(fc);
        double sum = 0;
        for (int e = a; e < b; e++) {
            double y = ya * (e - b) * (e - c) / ((double) (a - b) * (a - c))
                    + yb * (e - a) * (e - c) / ((double) (b - a) * (b - c))
                    + yc * (e - a) * (e - b) / ((double) (c - a) * (c - b));
            sum += Math.exp(y);
        }
        return sum;
    }

    /**
     * {@code sum_{i=0}^{m-1} f(i)} where {@code f(0) = fa}, {@code f(m) = fb} and {@code log f} is
     * linear in between (linear {@code f} when either end is 0; {@code +inf} when either is).
     */
    static double between(double fa, double fb, int m) {
        if (Double.isInfinite(fa) || Double.isInfinite(fb)) {
            return Double.POSITIVE_INFINITY;
        }
        if (!(fa > 0 && fb > 0)) {
            return m * fa + (fb - fa) * (m - 1) / 2.0;
        }
        double logRatio = Math.log(fb / fa);
        if (logRatio == 0) {
            return m * fa;
        }
        return fa * Math.expm1(logRatio) / Math.expm1(logRatio / m);
    }
}
