package org.edp4j.privacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Privacy-loss-random-variable (PRV) accountant (Gopi, Lee and Wutschitz 2021, "Numerical
 * Composition of Differential Privacy"): the privacy loss of each step is discretised on a grid,
 * the steps are composed by FFT, and epsilon is read off the composed distribution with a stated
 * error bound. Tighter than {@link RdpAccountant}, which it also runs to bound the tails.
 *
 * <h2>The privacy random variable</h2>
 * For one Poisson-subsampled Gaussian step ({@code q}, {@code sigma}; {@code mu = 1/sigma}) the
 * worst-case pair is {@code P = (1-q) N(0,1) + q N(mu,1)} against {@code Q = N(0,1)}, and the PRV is
 * {@code Y = log(P(X)/Q(X))}, {@code X ~ P}. With {@code z(t) = log((e^t - (1-q))/q)}, its cdf on
 * {@code t > log(1-q)} is
 * <pre>  F(t) = (1-q) Phi(sigma z + 1/(2 sigma)) + q Phi(sigma z - 1/(2 sigma))</pre>
 * (Gopi et al., Proposition B4). For a composition, {@code delta(eps) = E[(1 - e^{eps - Y})_+]}
 * with {@code Y} the sum of the steps' PRVs.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>Window {@code [-L, L)}: {@code L} covers the Chernoff tail bounds of the composed
 *       {@code Y} at mass {@code beta = eta/16} on each side, from its moment generating function
 *       {@code E[e^{(alpha-1) Y}] = e^{(alpha-1) R(alpha)}} ({@code R} the composed RDP; the lower
 *       tail uses {@code D_alpha(Q||P) <= D_alpha(P||Q)}, MTZ 2019), plus the margins below.</li>
 *   <li>Mesh {@code h}: {@code eps_err / sqrt(m log(1/eta_H) / 2)} with {@code m} the total step
 *       count and {@code eta_H = eta/4}, rounded down so the grid is a power of two
 *       ({@code n <= maxGridSize}; past that cap {@code h} grows and so does the stated error).</li>
 *   <li>Each distinct {@code (q, sigma)} is discretised: the mass of every cell
 *       {@code [t_i - h/2, t_i + h/2)} moves to {@code t_i}, then the grid is shifted by
 *       {@code s = (continuous mean - discrete mean)} so the mean is preserved exactly.</li>
 *   <li>Composition: the product of the runs' discrete Fourier transforms raised to their step
 *       counts (in polar form), one inverse FFT; the circular wrap is resolved by the window.</li>
 *   <li>{@code delta_hat(eps) = sum_i p_i (1 - e^{eps - t_i})_+} is inverted in closed form per cell.</li>
 * </ol>
 *
 * <h2>Error bound</h2>
 * Let {@code eta = deltaErrorRatio * delta} and {@code r = h sqrt(m log(1/eta_H)/2)} ({@code = eps_err}
 * unless the grid cap was hit). The per-step rounding errors {@code E_k} are independent,
 * mean zero and each lies in an interval of length {@code h}, so by Hoeffding
 * {@code P(sum E_k < -r) <= eta_H}. With the slack
 * {@code S = 3 eta_H + 2 beta + T + n 2^-51} ({@code T} the mass each step loses outside the window,
 * times the step counts; {@code n 2^-51} a guard for FFT round-off), the returned bounds satisfy
 * <pre>  lower = eps_hat(delta + S) - r  &lt;=  eps(delta)  &lt;=  eps_hat(delta - S) + r = upper</pre>
 * where {@code eps(delta)} is the exact epsilon of the composition. With the defaults
 * ({@code eps_err = 0.01}, {@code deltaErrorRatio = 1e-3}, as Opacus) {@code upper - lower} is about
 * {@code 0.02}. {@link #getEpsilon(double)} returns {@code min(upper, RDP epsilon)}: both are valid
 * upper bounds, so the PRV epsilon never exceeds the RDP epsilon.
 *
 * <h2>Ranges and cost</h2>
 * Same argument ranges as {@link PrivacyAccountant}. The cost is two FFTs of the grid size per
 * evaluation (about {@code 2^19} points for 2,000 steps at the defaults) and one forward FFT per
 * distinct {@code (q, sigma)}; the last result is cached until the history changes.
 */
public final class PrvAccountant implements PrivacyAccountant {

    /** Registry name. */
    public static final String NAME = "prv";
    /** Default {@code eps_err}, as Opacus. */
    public static final double DEFAULT_EPS_ERROR = 0.01;
    /** Default {@code eta / delta}, as Opacus. */
    public static final double DEFAULT_DELTA_ERROR_RATIO = 1e-3;
    /** Default cap of the grid size (a power of two). */
    public static final int DEFAULT_MAX_GRID_SIZE = 1 << 21;

    private static final double MAX_WINDOW = 500.0;
    private static final int MIN_GRID_SIZE = 1 << 10;
    /**
     * Total mass per run (all its steps together) the discretisation may leave out of the upper tail:
     * {@code 2^-100}, counted in the delta slack, where it is far below one ulp of the slack.
     */
    private static final double TAIL_CUT = 0x1.0p-100;
    /** {@code log} of a spectral magnitude below which {@code exp} underflows to 0. */
    private static final double UNDERFLOW = -745.2;
    /** The discretisation checks the exact tail mass every {@code CHECK} cells (a power of two). */
    private static final int CHECK = 256;
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private final double epsError;
    private final double deltaErrorRatio;
    private final int maxGridSize;
    private final RdpAccountant rdp;
    private long version;
    private long cachedVersion = -1;
    private long cachedDeltaBits;
    private EpsilonBounds cached;

    /**
     * The bounds of one evaluation.
     *
     * @param lower a lower bound on the exact epsilon
     * @param estimate the epsilon of the discretised composition, without error terms
     * @param upper an upper bound on the exact epsilon (see the class javadoc)
     * @param epsilonError {@code r}, the epsilon part of the error
     * @param deltaSlack {@code S}, the delta part of the error
     * @param gridSize {@code n}, 0 when no grid was needed (empty history, infinite epsilon, or a
     *     window too wide, where the RDP epsilon is given instead)
     * @param mesh {@code h}
     */
    public record EpsilonBounds(double lower, double estimate, double upper, double epsilonError,
            double deltaSlack, int gridSize, double mesh) {
    }

    /** An accountant with the defaults ({@code eps_err = 0.01}, {@code deltaErrorRatio = 1e-3}). */
    public PrvAccountant() {
        this(DEFAULT_EPS_ERROR, DEFAULT_DELTA_ERROR_RATIO, DEFAULT_MAX_GRID_SIZE, RdpAccountant.defaultOrders());
    }

    /**
     * @param epsError target epsilon error {@code r}, in {@code (0, 1]}
     * @param deltaErrorRatio {@code eta/delta}, in {@code (0, 0.5]}
     * @param maxGridSize cap on the grid, a power of two in {@code [2^10, 2^26]}
     * @param orders Renyi orders for the tail bounds and the RDP fallback; see {@link RdpAccountant}
     */
    public PrvAccountant(double epsError, double deltaErrorRatio, int maxGridSize, double[] orders) {
        if (!(epsError > 0 && epsError <= 1)) {
            throw new IllegalArgumentException("epsError must be in (0, 1], got " + epsError);
        }
        if (!(deltaErrorRatio > 0 && deltaErrorRatio <= 0.5)) {
            throw new IllegalArgumentException("deltaErrorRatio must be in (0, 0.5], got " + deltaErrorRatio);
        }
        if (maxGridSize < MIN_GRID_SIZE || maxGridSize > (1 << 26) || Integer.bitCount(maxGridSize) != 1) {
            throw new IllegalArgumentException("maxGridSize must be a power of two in [2^10, 2^26], got " + maxGridSize);
        }
        this.epsError = epsError;
        this.deltaErrorRatio = deltaErrorRatio;
        this.maxGridSize = maxGridSize;
        this.rdp = new RdpAccountant(orders);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The target epsilon error {@code r}. */
    public double epsError() {
        return epsError;
    }

    /** {@code eta / delta}. */
    public double deltaErrorRatio() {
        return deltaErrorRatio;
    }

    @Override
    public void step(double noiseMultiplier, double sampleRate, long steps) {
        rdp.step(noiseMultiplier, sampleRate, steps);
        if (steps > 0) {
            version++;
        }
    }

    /** {@code min(epsilonBounds(delta).upper(), RDP epsilon)}. */
    @Override
    public double getEpsilon(double delta) {
        Checks.delta(delta);
        double r = rdp.getEpsilon(delta);
        return Math.min(r, epsilonBounds(delta).upper());
    }

    /** Lower bound, estimate and upper bound of the epsilon of the history (cached per history and delta). */
    public EpsilonBounds epsilonBounds(double delta) {
        Checks.delta(delta);
        long db = Double.doubleToLongBits(delta);
        if (cached != null && cachedVersion == version && cachedDeltaBits == db) {
            return cached;
        }
        EpsilonBounds b = compute(delta);
        cached = b;
        cachedVersion = version;
        cachedDeltaBits = db;
        return b;
    }

    /** The RDP accountant that shadows this one (same history); for inspection, do not step it. */
    RdpAccountant rdpShadow() {
        return rdp;
    }

    private EpsilonBounds compute(double delta) {
        // distinct mechanisms with q > 0, their total counts
        Map<MechanismRun, Long> runs = new LinkedHashMap<>();
        double m = 0;
        for (MechanismRun r : rdp.history()) {
            if (r.sampleRate() == 0.0) {
                continue;
            }
            if (r.noiseMultiplier() == 0.0) {
                double inf = Double.POSITIVE_INFINITY;
                return new EpsilonBounds(inf, inf, inf, 0, 0, 0, 0);
            }
            runs.merge(new MechanismRun(r.noiseMultiplier(), r.sampleRate(), 0), r.steps(), Long::sum);
            m += r.steps();
        }
        if (runs.isEmpty()) {
            return new EpsilonBounds(0, 0, 0, 0, 0, 0, 0);
        }
        double eta = deltaErrorRatio * delta;
        double etaH = eta / 4;
        double beta = eta / 16;
        double logInvBeta = Math.log(1 / beta);
        double hoeff = Math.sqrt(m * Math.log(1 / etaH) / 2);
        double[] orders = rdp.orders();
        double[] total = rdp.rdp(null);
        double aUp = Double.POSITIVE_INFINITY;
        double aLow = Double.POSITIVE_INFINITY;
        for (int j = 0; j < orders.length; j++) {
            double a = orders[j];
            aUp = Math.min(aUp, total[j] + logInvBeta / (a - 1));
            aLow = Math.min(aLow, ((a - 1) * total[j] + logInvBeta) / a);
        }
        double floor = 0; // Y >= sum n_k log(1 - q_k)
        for (Map.Entry<MechanismRun, Long> e : runs.entrySet()) {
            floor += e.getValue() * Math.log1p(-e.getKey().sampleRate());
        }
        aLow = Math.min(aLow, -floor);
        double h = epsError / hoeff;
        // Window [lowEdge, lowEdge + width): the tail bounds plus, on each side, the margin
        // r + m h/2 + 2h for the discretisation (rounding errors and mean shifts), plus 2h for
        // aligning the window to the lattice. The composed Y is not centred
        // (its lower tail bound is usually much closer to 0 than its upper one), so the window is
        // not symmetric: this takes about 30% fewer cells than [-max, max] for the same mesh.
        double width = aUp + aLow + 2 * (epsError + m * h / 2 + 2 * h) + 2 * h;
        double rdpEps = rdp.getEpsilon(delta);
        if (!(width < 2 * MAX_WINDOW)) {
            return new EpsilonBounds(0, rdpEps, rdpEps, 0, 0, 0, 0);
        }
        long cells = (long) Math.ceil(width / h);
        int n = MIN_GRID_SIZE;
        while (n < cells && n < maxGridSize) {
            n <<= 1;
        }
        if (n < cells) {
            // grid cap: widen the mesh until the window, which grows with it, fits
            for (int it = 0; it < 50; it++) {
                h = width / n;
                double r = h * hoeff;
                double need = aUp + aLow + 2 * (r + m * h / 2 + 2 * h) + 2 * h;
                if (need <= width) {
                    break;
                }
                width = need * 1.05;
            }
            if (!(width < 2 * MAX_WINDOW)) {
                return new EpsilonBounds(0, rdpEps, rdpEps, 0, 0, 0, 0);
            }
        }
        h = width / n;
        double r = h * hoeff;
        double lowEdge = -(aLow + r + m * h / 2 + 2 * h);
        // composed lattice indices J in [jMin, jMin + n), value J h + shift; J lives at J mod n
        long jMin = (long) Math.floor(lowEdge / h);
        long jMax = jMin + n - 1;

        Fft fft = Fft.forSize(n);
        int bins = n / 2 + 1;
        double[] x = new double[n];
        double[] re = new double[bins];
        double[] im = new double[bins];
        double[] logMag = new double[bins];
        double[] phase = new double[bins];
        double shift = 0;
        double truncated = 0;
        for (Map.Entry<MechanismRun, Long> e : runs.entrySet()) {
            double q = e.getKey().sampleRate();
            double sigma = e.getKey().noiseMultiplier();
            long count = e.getValue();
            double[] info = discretise(q, sigma, n, h, jMin, jMax, TAIL_CUT / count, x);
            shift += count * info[0];
            truncated += count * info[1];
            fft.forwardReal(x, re, im);
            // Phi_k^count in polar form. |Phi_k| <= 1, so logMag only decreases as runs are added:
            // once below UNDERFLOW the bin is 0 in the end and its phase is not needed.
            for (int k = 0; k < bins; k++) {
                double lm = logMag[k];
                if (lm < UNDERFLOW) {
                    continue;
                }
                double mag2 = re[k] * re[k] + im[k] * im[k];
                lm += count * (0.5 * Math.log(mag2));
                logMag[k] = lm;
                if (lm >= UNDERFLOW) {
                    phase[k] += count * Math.atan2(im[k], re[k]);
                }
            }
        }
        for (int k = 0; k < bins; k++) {
            double lm = logMag[k];
            if (lm < UNDERFLOW) {
                re[k] = 0;
                im[k] = 0;
            } else {
                double mag = Math.exp(lm);
                double ph = phase[k];
                re[k] = mag * Math.cos(ph);
                im[k] = mag * Math.sin(ph);
            }
        }
        fft.inverseReal(re, im, x);
        // p_j = mass of J = jMin + j (negative round-off clipped), and the suffix sums
        // D1_j = sum_{i >= j} p_i and D2_j = sum_{i >= j} p_i e^{-t_i}, t_i = (jMin + i) h + shift.
        // e^{-t_i} is exact (Math.exp) every 64 cells and multiplied by e^{h} in between (relative
        // error below 64 ulps, i.e. below 1e-14 in epsilon).
        double[] d1 = new double[n + 1];
        double[] d2 = new double[n + 1];
        double eh = Math.exp(h);
        double s1 = 0;
        double s2 = 0;
        double w = 0;
        for (int j = n - 1; j >= 0; j--) {
            long jj = jMin + j;
            if ((j & 63) == 63 || j == n - 1) {
                w = Math.exp(-(jj * h + shift));
            } else {
                w *= eh;
            }
            double v = x[(int) Math.floorMod(jj, (long) n)];
            if (v > 0) {
                s1 += v;
                s2 += v * w;
            }
            d1[j] = s1;
            d2[j] = s2;
        }
        double slack = 3 * etaH + 2 * beta + truncated + n * 0x1.0p-51;
        double est = invert(jMin, h, shift, d1, d2, delta);
        double upper = delta - slack > 0 ? invert(jMin, h, shift, d1, d2, delta - slack) + r
                : Double.POSITIVE_INFINITY;
        double lower = Math.max(0.0, invert(jMin, h, shift, d1, d2, delta + slack) - r);
        return new EpsilonBounds(lower, est, upper, r, slack, n, h);
    }

    /**
     * {@code eps} with {@code delta_hat(eps) = target}, {@code t_j = (jMin + j) h + shift}: on
     * {@code [t_{k-1}, t_k]}, {@code delta_hat(eps) = D1_k - e^eps D2_k}, so
     * {@code eps = log((D1_k - target)/D2_k)} for the largest {@code k} with
     * {@code delta_hat(t_{k-1}) >= target}. {@code delta_hat} is non-increasing, so {@code k} is
     * found by bisection. Clamped at 0.
     */
    private static double invert(long jMin, double h, double shift, double[] d1, double[] d2, double target) {
        int n = d1.length - 1;
        // invariant: ok(lo) or lo == 0; !ok(hi)
        int lo = 0;
        int hi = n;
        while (hi - lo > 1) {
            int k = (lo + hi) >>> 1;
            if (d2[k] > 0 && d1[k] - Math.exp((jMin + k - 1) * h + shift) * d2[k] >= target) {
                lo = k;
            } else {
                hi = k;
            }
        }
        if (lo == 0) {
            return 0.0;
        }
        return Math.max(0.0, Math.log((d1[lo] - target) / d2[lo]));
    }

    /**
     * Discretises one step's PRV on the lattice {@code t_i = i h}, {@code i in [-n/2, n/2)}, writing the
     * mass of lattice index {@code i} at position {@code i mod n} of {@code out}.
     *
     * @return {@code {mean shift s, mass outside the window}}
     */
    static double[] discretise(double q, double sigma, int n, double h, double[] out) {
        return discretise(q, sigma, n, h, -n / 2, n / 2 - 1, 0.0, out);
    }

    /**
     * Discretises one step's PRV on the lattice {@code t_i = i h}, {@code i in [iMin, iMax]}
     * ({@code iMax - iMin < n}), writing the mass of the cell {@code [t_i - h/2, t_i + h/2)} at
     * position {@code i mod n} of {@code out} (zeros elsewhere).
     *
     * <p>Only the cells that carry mass are evaluated: the support starts at {@code log(1-q)}, and
     * the walk up stops as soon as the mass above the current cell is at most {@code tailCut}
     * (the single-step PRV is concentrated on a few hundredths of a nat for small {@code q}, its
     * upper tail is Gaussian in {@code z}, so this is typically a small part of the window). All mass
     * left out is returned, and the caller adds it (times the step count) to the delta slack.
     *
     * @return {@code {mean shift s, mass outside the cells written}}
     */
    static double[] discretise(double q, double sigma, int n, double h, long iMin, long iMax, double tailCut,
            double[] out) {
        java.util.Arrays.fill(out, 0.0);
        double tl = q < 1 ? Math.log1p(-q) : Double.NEGATIVE_INFINITY;
        long iLo = iMin;
        if (tl > (iMin - 0.5) * h) {
            iLo = (long) Math.max(iMin, Math.floor(tl / h + 0.5) - 1);
        }
        // Cell masses. Where the cell is short in x (the PRV is monotone in the sample x, cell
        // [a, b) in t is [x(a), x(b)) in x), the mass is the sum of the two Gaussian increments
        // Phi(x(b)) - Phi(x(a)), each by its series around the midpoint (normalIncrement: one exp
        // instead of two erfc, and no cancellation). Elsewhere, and every CHECK cells to test the
        // tail cut, the cdf itself is used (differences on the side where F or 1 - F is small).
        double mu = 1 / sigma;
        double[] fs = new double[2];
        cdf(q, sigma, (iLo - 0.5) * h, fs);
        double below = fs[0];
        double prevF = fs[0];
        double prevS = fs[1];
        boolean prevExact = true;
        double xPrev = xOf(q, sigma, (iLo - 0.5) * h);
        double md = 0;
        double mass = 0;
        long i = iLo;
        long iEnd = Math.min(iMax, iLo + n - 1);
        for (; i <= iEnd; i++) {
            double b = (i + 0.5) * h;
            double xb = xOf(q, sigma, b);
            double d = xb - xPrev;
            double mid = 0.5 * (xb + xPrev);
            double pm;
            boolean check = ((i - iLo) & (CHECK - 1)) == CHECK - 1;
            if (d <= 0.25 && Math.abs(mid) * d <= 0.25 && Math.abs(mid - mu) * d <= 0.25 && !check) {
                pm = (1 - q) * normalIncrement(mid, d) + q * normalIncrement(mid - mu, d);
                prevExact = false;
            } else {
                if (!prevExact) {
                    cdf(q, sigma, b - h, fs);
                    prevF = fs[0];
                    prevS = fs[1];
                }
                cdf(q, sigma, b, fs);
                pm = fs[0] <= 0.5 ? fs[0] - prevF : prevS - fs[1];
                if (pm < 0) {
                    pm = 0;
                }
                prevF = fs[0];
                prevS = fs[1];
                prevExact = true;
            }
            xPrev = xb;
            out[(int) Math.floorMod(i, (long) n)] = pm;
            md += pm * (i * h);
            mass += pm;
            if (prevExact && fs[0] > 0.5 && (fs[1] <= tailCut || fs[1] < 1e-300)) {
                break;
            }
        }
        if (!prevExact) {
            cdf(q, sigma, (Math.min(i, iEnd) + 0.5) * h, fs);
            prevS = fs[1];
        }
        double above = prevS;
        double tHi = (Math.min(i, iEnd) + 0.5) * h;
        double mc = truncatedMean(q, sigma, (iLo - 0.5) * h, tHi);
        double s = (mc - md) / mass;
        return new double[] {s, below + above};
    }

    /**
     * {@code Phi(m + d/2) - Phi(m - d/2)} for {@code d <= 1/4}, {@code |m| d <= 1/4}: with the
     * Hermite generating function {@code e^{-ms - s^2/2} = sum_k He_k(m) (-s)^k/k!},
     * <pre>  phi(m) d sum_j He_{2j}(m) (d/2)^{2j} / ((2j+1) (2j)!)</pre>
     * whose terms fall at least like {@code 8^{-2j}/(2j)!}; summed to relative {@code 1e-17}.
     */
    static double normalIncrement(double m, double d) {
        double c = 0.25 * d * d;
        double a = 1; // He_{2j-2}
        double b = m; // He_{2j-1}
        double coef = 1;
        double sum = 1;
        for (int j = 1; j <= 20; j++) {
            double e = m * b - (2 * j - 1) * a;
            double o = m * e - (2 * j) * b;
            coef *= c / ((2.0 * j - 1) * (2.0 * j));
            double term = e * coef / (2 * j + 1);
            sum += term;
            a = e;
            b = o;
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return INV_SQRT_2PI * Math.exp(-0.5 * m * m) * d * sum;
    }

    /** {@code {F(t), 1 - F(t)}} of one step's PRV, each accurate where it is small. */
    static void cdf(double q, double sigma, double t, double[] out) {
        double tl = q < 1 ? Math.log1p(-q) : Double.NEGATIVE_INFINITY;
        if (t <= tl) {
            out[0] = 0;
            out[1] = 1;
            return;
        }
        double z;
        if (q == 1) {
            z = t;
        } else if (t > 30) {
            z = t + Math.log1p(-(1 - q) * Math.exp(-t)) - Math.log(q);
        } else {
            z = Math.log((Math.expm1(t) + q) / q);
        }
        double a1 = sigma * z + 1 / (2 * sigma);
        double a2 = sigma * z - 1 / (2 * sigma);
        double p1;
        double c1;
        double p2;
        double c2;
        if (a1 < 0) {
            p1 = LogMath.normalCdf(a1);
            c1 = 1 - p1;
        } else {
            c1 = LogMath.normalSf(a1);
            p1 = 1 - c1;
        }
        if (a2 < 0) {
            p2 = LogMath.normalCdf(a2);
            c2 = 1 - p2;
        } else {
            c2 = LogMath.normalSf(a2);
            p2 = 1 - c2;
        }
        out[0] = (1 - q) * p1 + q * p2;
        out[1] = (1 - q) * c1 + q * c2;
    }

    /**
     * {@code E[Y ; a <= Y < b]} by composite Simpson in {@code x}-space: {@code Y(x) = log((1-q) + q e^{u})},
     * {@code u = (x - 1/(2 sigma))/sigma}, {@code x ~ (1-q) N(0,1) + q N(1/sigma, 1)}.
     */
    static double truncatedMean(double q, double sigma, double a, double b) {
        double mu = 1 / sigma;
        double xa = xOf(q, sigma, a);
        double xb = xOf(q, sigma, b);
        double lo = Math.max(xa, Math.min(0, mu) - 40);
        double hi = Math.min(xb, Math.max(0, mu) + 40);
        if (!(hi > lo)) {
            return 0;
        }
        int intervals = 40_000;
        double dx = (hi - lo) / intervals;
        double sum = 0;
        for (int k = 0; k <= intervals; k++) {
            double x = k == intervals ? hi : lo + k * dx;
            double w = (k == 0 || k == intervals) ? 1 : ((k & 1) == 1 ? 4 : 2);
            sum += w * yOf(q, sigma, x) * density(q, mu, x);
        }
        return sum * dx / 3;
    }

    private static double density(double q, double mu, double x) {
        double c = 1 / Math.sqrt(2 * Math.PI);
        return c * ((1 - q) * Math.exp(-0.5 * x * x) + q * Math.exp(-0.5 * (x - mu) * (x - mu)));
    }

    private static double yOf(double q, double sigma, double x) {
        double u = (x - 1 / (2 * sigma)) / sigma;
        if (u > 0) {
            return u + Math.log(q + (1 - q) * Math.exp(-u));
        }
        return Math.log1p(q * Math.expm1(u));
    }

    /** The {@code x} with {@code Y(x) = t}; {@code -inf} below the support. */
    private static double xOf(double q, double sigma, double t) {
        double tl = q < 1 ? Math.log1p(-q) : Double.NEGATIVE_INFINITY;
        if (t <= tl) {
            return Double.NEGATIVE_INFINITY;
        }
        double z;
        if (q == 1) {
            z = t;
        } else if (t > 30) {
            z = t + Math.log1p(-(1 - q) * Math.exp(-t)) - Math.log(q);
        } else {
            z = Math.log((Math.expm1(t) + q) / q);
        }
        return sigma * z + 1 / (2 * sigma);
    }

    @Override
    public List<MechanismRun> history() {
        return rdp.history();
    }

    @Override
    public long totalSteps() {
        return rdp.totalSteps();
    }

    @Override
    public PrvAccountant copy() {
        PrvAccountant c = new PrvAccountant(epsError, deltaErrorRatio, maxGridSize, rdp.orders());
        for (MechanismRun r : rdp.history()) {
            c.step(r.noiseMultiplier(), r.sampleRate(), r.steps());
        }
        return c;
    }

    @Override
    public String saveState() {
        return NAME + ";epsError=" + StateCodec.dbl(epsError) + ";deltaErrorRatio=" + StateCodec.dbl(deltaErrorRatio)
                + ";maxGridSize=" + maxGridSize + ";orders=" + StateCodec.doubles(rdp.orders())
                + ";runs=" + StateCodec.runs(rdp.history());
    }

    @Override
    public String toString() {
        return "PrvAccountant[epsError=" + epsError + ", " + history().size() + " runs, " + totalSteps() + " steps]";
    }
}
