package org.edp4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Checks shared by the privacy subcommands; a bad value is a picocli parameter error (exit 2). */
final class PrivacyArgs {

    private PrivacyArgs() {
    }

    static void sampleRate(CommandSpec spec, double q) {
        if (!(q > 0 && q <= 1)) {
            fail(spec, "--sample-rate must be in (0, 1], got " + q);
        }
    }

    static void delta(CommandSpec spec, double d) {
        if (!(d > 0 && d < 1)) {
            fail(spec, "--delta must be in (0, 1), got " + d);
        }
    }

    static void steps(CommandSpec spec, long n) {
        if (n < 0) {
            fail(spec, "--steps must be >= 0, got " + n);
        }
    }

    static void noiseMultiplier(CommandSpec spec, double s) {
        if (!(s >= 0 && s < Double.POSITIVE_INFINITY)) {
            fail(spec, "--noise-multiplier must be in [0, +inf), got " + s);
        }
    }

    static void targetEpsilon(CommandSpec spec, double e) {
        if (!(e > 0 && e < Double.POSITIVE_INFINITY)) {
            fail(spec, "--target-epsilon must be in (0, +inf), got " + e);
        }
    }

    static String accountant(CommandSpec spec, String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!n.equals("rdp") && !n.equals("prv")) {
            fail(spec, "--accountant must be rdp or prv, got " + name);
        }
        return n;
    }

    static void fail(CommandSpec spec, String message) {
        throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
