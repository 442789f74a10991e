package org.edp4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options {@code edp privacy} and {@code edp calibrate} share: the run, delta, the accountant, JSON. */
final class AccountingOptions {
    @Option(names = "--sample-rate", required = true, description = "Poisson sampling rate q, in (0, 1].")
    double sampleRate;

    @Option(names = "--steps", required = true, description = "Number of steps, >= 0.")
    long steps;

    @Option(names = "--delta", required = true, description = "Target delta, in (0, 1).")
    double delta;

    @Option(names = "--accountant", defaultValue = "rdp", description = "rdp (default) or prv.")
    String accountant;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    /** Checks the shared options (one-line message and exit code 2 when bad); returns the accountant's name. */
    String validate(CommandSpec spec) {
        PrivacyArgs.sampleRate(spec, sampleRate);
        PrivacyArgs.steps(spec, steps);
        PrivacyArgs.delta(spec, delta);
        return PrivacyArgs.accountant(spec, accountant);
    }
}
