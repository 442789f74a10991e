package org.edp4j.cli;

import java.util.concurrent.Callable;
import org.edp4j.privacy.EpsilonAndOrder;
import org.edp4j.privacy.PrivacyAccountant;
import org.edp4j.privacy.PrivacyAccountants;
import org.edp4j.privacy.RdpAccountant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edp privacy}: epsilon of N Poisson-subsampled Gaussian steps. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Epsilon spent by N steps of DP-SGD (Poisson sampling rate q, noise multiplier sigma).")
public final class PrivacyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AccountingOptions run;

    @Option(names = "--noise-multiplier", required = true, description = "Noise multiplier sigma, >= 0.")
    double noiseMultiplier;

    @Override
    public Integer call() {
        String name = run.validate(spec);
        PrivacyArgs.noiseMultiplier(spec, noiseMultiplier);
        PrivacyAccountant acc = PrivacyAccountants.byName(name);
        acc.step(noiseMultiplier, run.sampleRate, run.steps);
        double eps;
        Double order = null;
        if (acc instanceof RdpAccountant) {
            EpsilonAndOrder e = ((RdpAccountant) acc).getEpsilonAndOrder(run.delta);
            eps = e.epsilon();
            order = e.order();
        } else {
            eps = acc.getEpsilon(run.delta);
        }
        var out = spec.commandLine().getOut();
        if (run.json) {
            out.println("{\"epsilon\": " + Json.num(eps) + ", \"delta\": " + Json.num(run.delta) + ", \"order\": "
                    + (order == null ? "null" : Json.num(order)) + ", \"accountant\": " + Json.str(name) + "}");
        } else {
            out.println("epsilon = " + eps + " at delta = " + run.delta + " (" + name
                    + (order == null ? "" : ", best order " + order) + ")");
        }
        out.flush();
        return 0;
    }
}
