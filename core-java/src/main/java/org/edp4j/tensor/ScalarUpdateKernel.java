package org.edp4j.tensor;

/** The scalar {@link UpdateKernel}: the definition, one element at a time. */
final class ScalarUpdateKernel implements UpdateKernel {

    @Override
    public void noiseAndScale(int i0, int i1, float[] x, int xo, float[] z, int zo, float std, float scale) {
        for (int i = i0; i < i1; i++) {
            double xi = x[xo + i];
            if (z != null) {
                xi += (double) std * z[zo + i];
            }
            x[xo + i] = (float) (xi * scale);
        }
    }

    @Override
    public void sgd(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std,
                    float gradScale, float lr, float weightDecay) {
        // One loop per case, no test inside: C2 compiled the loop with the test inside to slower scalar code
        if (z == null) {
            for (int i = i0; i < i1; i++) {
                float wi = w[wo + i];
                double gi = (double) g[go + i] * gradScale + (double) weightDecay * wi;
                w[wo + i] = (float) (wi - (double) lr * gi);
            }
        } else {
            for (int i = i0; i < i1; i++) {
                float wi = w[wo + i];
                double gi = ((double) g[go + i] + (double) std * z[zo + i]) * gradScale + (double) weightDecay * wi;
                w[wo + i] = (float) (wi - (double) lr * gi);
            }
        }
    }

    @Override
    public void sgdMomentum(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std,
                            float gradScale, float lr, float weightDecay, float momentum, float[] v, int vo) {
        for (int i = i0; i < i1; i++) {
            double gi = g[go + i];
            if (z != null) {
                gi += (double) std * z[zo + i];
            }
            float wi = w[wo + i];
            gi = gi * gradScale + (double) weightDecay * wi;
            gi = (double) momentum * v[vo + i] + gi;
            v[vo + i] = (float) gi;
            w[wo + i] = (float) (wi - (double) lr * gi);
        }
    }

    @Override
    public void adam(int i0, int i1, float[] w, int wo, float[] g, int go, float[] z, int zo, float std,
                     float gradScale, float lr, float weightDecay, float beta1, float beta2, float eps, double c1,
                     double c2, float[] m, int mo, float[] v, int vo) {
        for (int i = i0; i < i1; i++) {
            double gi = g[go + i];
            if (z != null) {
                gi += (double) std * z[zo + i];
            }
            gi *= gradScale;
            double mi = beta1 * m[mo + i] + (1.0 - beta1) * gi;
            double vi = beta2 * v[vo + i] + (1.0 - beta2) * gi * gi;
            m[mo + i] = (float) mi;
            v[vo + i] = (float) vi;
            float wi = w[wo + i];
            w[wo + i] = (float) (wi - lr * (mi * c1 / (Math.sqrt(vi * c2) + eps) + (double) weightDecay * wi));
        }
    }
}
