package org.edp4j.cli;

import java.util.concurrent.Callable;
import org.edp4j.privacy.NoiseCalibration;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyAccountants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edp calibrate}: the smallest noise multiplier that meets a target epsilon. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Smallest noise multiplier (to 1e-4 relative) meeting a target (epsilon, delta).")
public final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target-epsilon", required = true, description = "Target epsilon, > 0.")
    double targetEpsilon;

    @Option(names = "--delta", required = true, description = "Target delta, in (0, 1).")
    double delta;

    @Option(names = "--sample-rate", required = true, description = "Poisson sampling rate q, in (0, 1].")
    double sampleRate;

    @Option(names = "--steps", required = true, description = "Number of steps, >= 0.")
    long steps;

    @Option(names = "--accountant", defaultValue = "rdp", description = "rdp (default) or prv.")
    String accountant;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        PrivacyArgs.targetEpsilon(spec, targetEpsilon);
        PrivacyArgs.delta(spec, delta);
        PrivacyArgs.sampleRate(spec, sampleRate);
        PrivacyArgs.steps(spec, steps);
        String name = PrivacyArgs.accountant(spec, accountant);
        double sigma;
        try {
            sigma = NoiseCalibration.noiseMultiplierFor(targetEpsilon, delta, sampleRate, steps, name);
        } catch (IllegalArgumentException e) {
            PrivacyArgs.fail(spec, e.getMessage());
            return 2;
        }
        PrivacyAccountant acc = PrivacyAccountants.byName(name);
        acc.step(sigma, sampleRate, steps);
        double eps = acc.getEpsilon(delta);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println("{\"noise_multiplier\": " + Json.num(sigma) + ", \"epsilon\": " + Json.num(eps) + "}");
        } else {
            out.println("noise multiplier = " + sigma + " (epsilon = " + eps + " at delta = " + delta + ", " + name + ")");
        }
        out.flush();
        return 0;
    }
}
