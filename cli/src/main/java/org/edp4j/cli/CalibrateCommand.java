package org.edp4j.cli;

import java.util.concurrent.Callable;
import org.edp4j.privacy.NoiseCalibration;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyAccountants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edp calibrate}: the smallest noise multiplier that meets a target epsilon. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Smallest noise multiplier (to 1e-4 relative) meeting a target (epsilon, delta).")
public final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AccountingOptions run;

    @Option(names = "--target-epsilon", required = true, description = "Target epsilon, > 0.")
    double targetEpsilon;

    @Override
    public Integer call() {
        PrivacyArgs.targetEpsilon(spec, targetEpsilon);
        String name = run.validate(spec);
        double sigma;
        try {
            sigma = NoiseCalibration.noiseMultiplierFor(targetEpsilon, run.delta, run.sampleRate, run.steps, name);
        } catch (IllegalArgumentException e) {
            PrivacyArgs.fail(spec, e.getMessage());
            return 2;
        }
        PrivacyAccountant acc = PrivacyAccountants.byName(name);
        acc.step(sigma, run.sampleRate, run.steps);
        double eps = acc.getEpsilon(run.delta);
        var out = spec.commandLine().getOut();
        if (run.json) {
            out.println("{\"noise_multiplier\": " + Json.num(sigma) + ", \"epsilon\": " + Json.num(eps) + "}");
        } else {
            out.println("noise multiplier = " + sigma + " (epsilon = " + eps + " at delta = " + run.delta + ", " + name + ")");
        }
        out.flush();
        return 0;
    }
}
