package org.edp4j.cli;

import java.util.concurrent.Callable;
import org.edp4j.privacy.EpsilonAndOrder;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyAccountants;
import org.edp4j.privacy.RdpAccountant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edp privacy}: epsilon of N Poisson-subsampled Gaussian steps. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Epsilon spent by N steps of DP-SGD (Poisson sampling rate q, noise multiplier sigma).")
public final class PrivacyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--sample-rate", required = true, description = "Poisson sampling rate q, in (0, 1].")
    double sampleRate;

    @Option(names = "--noise-multiplier", required = true, description = "Noise multiplier sigma, >= 0.")
    double noiseMultiplier;

    @Option(names = "--steps", required = true, description = "Number of steps, >= 0.")
    long steps;

    @Option(names = "--delta", required = true, description = "Target delta, in (0, 1).")
    double delta;

    @Option(names = "--accountant", defaultValue = "rdp", description = "rdp (default) or prv.")
    String accountant;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        PrivacyArgs.sampleRate(spec, sampleRate);
        PrivacyArgs.noiseMultiplier(spec, noiseMultiplier);
        PrivacyArgs.steps(spec, steps);
        PrivacyArgs.delta(spec, delta);
        String name = PrivacyArgs.accountant(spec, accountant);
        PrivacyAccountant acc = PrivacyAccountants.byName(name);
        acc.step(noiseMultiplier, sampleRate, steps);
        double eps;
        Double order = null;
        if (acc instanceof RdpAccountant) {
            EpsilonAndOrder e = ((RdpAccountant) acc).getEpsilonAndOrder(delta);
            eps = e.epsilon();
            order = e.order();
        } else {
            eps = acc.getEpsilon(delta);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println("{\"epsilon\": " + Json.num(eps) + ", \"delta\": " + Json.num(delta) + ", \"order\": "
                    + (order == null ? "null" : Json.num(order)) + ", \"accountant\": " + Json.str(name) + "}");
        } else {
            out.println("epsilon = " + eps + " at delta = " + delta + " (" + name
                    + (order == null ? "" : ", best order " + order) + ")");
        }
        out.flush();
        return 0;
    }
}
