package org.edp4j.cli.train;

import java.util.List;
import org.edp4j.privacy.MechanismRun;
import org.edp4j.privacy.NoiseCalibration;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.RdpAccountant;

/**
 * The noise multiplier per epoch: {@code constant} ({@code sigma_e = sigma_0}) or {@code decay:R}
 * ({@code sigma_e = sigma_0 R^e}, {@code R} in (0, 1]; less noise later in training, when the signal
 * is weaker). Every step is accounted with the sigma it used, so a schedule costs exactly what its
 * steps cost; {@link #calibrate} finds the {@code sigma_0} whose whole schedule meets a target.
 *
 * @param decay {@code R}: 1 for constant
 */
public record NoiseSchedule(double decay) {

    /**
     * @param spec {@code constant} or {@code decay:R} with R in (0, 1]
     * @throws IllegalArgumentException naming the expected forms
     */
    public static NoiseSchedule parse(String spec) {
        if ("constant".equals(spec)) {
            return new NoiseSchedule(1.0);
        }
        if (spec != null && spec.startsWith("decay:")) {
            double r;
            try {
                r = Double.parseDouble(spec.substring("decay:".length()));
            } catch (NumberFormatException e) {
                r = Double.NaN;
            }
            if (r > 0 && r <= 1) {
                return new NoiseSchedule(r);
            }
        }
        throw new IllegalArgumentException("--noise-schedule must be 'constant' or 'decay:R' with R in (0, 1], got '"
                + spec + "'");
    }

    /** The noise multiplier of epoch {@code epoch} (0-based). */
    public double sigma(double sigma0, int epoch) {
        return decay == 1.0 ? sigma0 : sigma0 * Math.pow(decay, epoch);
    }

    /** A fresh RDP accountant holding the whole schedule: {@code epochs} runs of {@code stepsPerEpoch} steps. */
    public PrivacyAccountant account(double sigma0, double q, int stepsPerEpoch, int epochs) {
        return account(sigma0, q, stepsPerEpoch, epochs, List.of());
    }

    /** A fresh RDP accountant holding {@code prior} (e.g. a private vocabulary's step), then the whole schedule. */
    public PrivacyAccountant account(double sigma0, double q, int stepsPerEpoch, int epochs, List<MechanismRun> prior) {
        PrivacyAccountant a = new RdpAccountant();
        for (MechanismRun r : prior) {
            a.step(r.noiseMultiplier(), r.sampleRate(), r.steps());
        }
        for (int e = 0; e < epochs; e++) {
            a.step(sigma(sigma0, e), q, stepsPerEpoch);
        }
        return a;
    }

    /**
     * The smallest {@code sigma_0} (to 1e-4 relative, rounded up) whose schedule is
     * {@code (targetEpsilon, delta)}-DP by the RDP accountant.
     *
     * @throws IllegalArgumentException when the target cannot be met with sigma below 1e6
     */
    public double calibrate(double targetEpsilon, double delta, double q, int stepsPerEpoch, int epochs) {
        return calibrate(targetEpsilon, delta, q, stepsPerEpoch, epochs, List.of());
    }

    /**
     * As {@link #calibrate(double, double, double, int, int)}, with the runs of {@code prior} (a
     * private vocabulary's step) in the accountant before the schedule.
     */
    public double calibrate(double targetEpsilon, double delta, double q, int stepsPerEpoch, int epochs,
            List<MechanismRun> prior) {
        if (decay == 1.0 && prior.isEmpty()) {
            return NoiseCalibration.noiseMultiplierFor(targetEpsilon, delta, q, (long) stepsPerEpoch * epochs, "rdp");
        }
        if (decay == 1.0) {
            return NoiseCalibration.noiseMultiplierFor(targetEpsilon, delta, q, (long) stepsPerEpoch * epochs, () -> {
                PrivacyAccountant a = new RdpAccountant();
                for (MechanismRun r : prior) {
                    a.step(r.noiseMultiplier(), r.sampleRate(), r.steps());
                }
                return a;
            }, NoiseCalibration.DEFAULT_REL_TOL);
        }
        double lo = 0;
        double hi = 1;
        if (account(0, 0, stepsPerEpoch, epochs, prior).getEpsilon(delta) > targetEpsilon) {
            throw new IllegalArgumentException("--target-epsilon " + targetEpsilon + " cannot be met");
        }
        while (epsilon(hi, q, stepsPerEpoch, epochs, delta, prior) > targetEpsilon) {
            lo = hi;
            hi *= 2;
            if (hi > NoiseCalibration.MAX_NOISE_MULTIPLIER) {
                throw new IllegalArgumentException("--target-epsilon " + targetEpsilon + " cannot be met");
            }
        }
        while (hi - lo > 1e-4 * hi) {
            double mid = 0.5 * (lo + hi);
            if (epsilon(mid, q, stepsPerEpoch, epochs, delta, prior) <= targetEpsilon) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    private double epsilon(double sigma0, double q, int stepsPerEpoch, int epochs, double delta,
            List<MechanismRun> prior) {
        return account(sigma0, q, stepsPerEpoch, epochs, prior).getEpsilon(delta);
    }
}
