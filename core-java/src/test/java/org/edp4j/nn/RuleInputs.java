package org.edp4j.nn;

import java.util.SplittableRandom;
import org.edp4j.tensor.Backend;

/** Random inputs of the rule tests: Gaussian values, and NaN in the rows of masked samples. */
final class RuleInputs {
    private RuleInputs() {
    }

    /** {@code batch * rowsPerSample * width} Gaussian values; the rows of masked samples are NaN. */
    static float[] rows(SplittableRandom rng, int batch, int rowsPerSample, int width, boolean[] masked) {
        float[] x = new float[batch * rowsPerSample * width];
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < rowsPerSample * width; k++) {
                x[i * rowsPerSample * width + k] = masked[i] ? Float.NaN : (float) rng.nextGaussian();
            }
        }
        return x;
    }

    /** Each sample masked with probability 1/4. */
    static boolean[] masks(SplittableRandom rng, int batch) {
        boolean[] m = new boolean[batch];
        for (int i = 0; i < batch; i++) {
            m[i] = rng.nextInt(4) == 0;
        }
        return m;
    }

    /** A parameter of the given shape with Gaussian values. */
    static Parameter parameter(Backend be, SplittableRandom rng, String name, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return new Parameter(name, be.tensor(v, dims));
    }
}
