package org.edp4j.cli.train;

import java.util.List;
import org.edp4j.privacy.GeometricSchedule;
import org.edp4j.privacy.MechanismRun;
import org.edp4j.privacy.PrivacyAccountant;

/**
 * The noise multiplier per epoch: {@code constant} ({@code sigma_e = sigma_0}) or {@code decay:R}
 * ({@code sigma_e = sigma_0 R^e}, {@code R} in (0, 1]; less noise later in training, when the signal
 * is weaker). Every step is accounted with the sigma it used, so a schedule costs exactly what its
 * steps cost; {@link #calibrate} finds the {@code sigma_0} whose whole schedule meets a target. The
 * arithmetic is core's {@link GeometricSchedule}; this class is the {@code --noise-schedule} option.
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
        return GeometricSchedule.sigma(sigma0, decay, epoch);
    }

    /** A fresh RDP accountant holding the whole schedule: {@code epochs} runs of {@code stepsPerEpoch} steps. */
    public PrivacyAccountant account(double sigma0, double q, int stepsPerEpoch, int epochs) {
        return account(sigma0, q, stepsPerEpoch, epochs, List.of());
    }

    /** A fresh RDP accountant holding {@code prior} (e.g. a private vocabulary's step), then the whole schedule. */
    public PrivacyAccountant account(double sigma0, double q, int stepsPerEpoch, int epochs, List<MechanismRun> prior) {
        return new GeometricSchedule(q, stepsPerEpoch, epochs, decay, prior).account(sigma0);
    }

    /**
     * The smallest {@code sigma_0} whose whole schedule is {@code (targetEpsilon, delta)}-DP by the
     * RDP accountant ({@link GeometricSchedule#calibrate}: well under a second even for thousands of
     * epochs, and always meeting the target).
     *
     * @throws IllegalArgumentException when the target cannot be met with sigma_0 up to 1e6; the
     *     message says why
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
        return new GeometricSchedule(q, stepsPerEpoch, epochs, decay, prior).calibrate(targetEpsilon, delta);
    }
}
