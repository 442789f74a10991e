package org.edp4j.privacy;

/** Argument checks shared by the package; messages name the argument and its legal range. */
final class Checks {

    private Checks() {
    }

    static double sampleRate(double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException("sampleRate must be in [0, 1], got " + q);
        }
        return q;
    }

    static double noiseMultiplier(double sigma) {
        if (!(sigma >= 0.0 && sigma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("noiseMultiplier must be in [0, +inf) and finite, got " + sigma);
        }
        return sigma;
    }

    static long steps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        return steps;
    }

    static double delta(double delta) {
        if (!(delta > 0.0 && delta < 1.0)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        return delta;
    }

    static double targetEpsilon(double eps) {
        if (!(eps > 0.0 && eps < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("targetEpsilon must be in (0, +inf), got " + eps);
        }
        return eps;
    }
}
