package org.edp4j.tensor;

/**
 * Multi-head self-attention with a key padding mask in float64, written from the formulas of
 * {@link Backend#attention} with plain loops; shares no code with the backends. Used by the
 * backend tests and by the per-example model reference ({@code org.edp4j.nn.Reference}).
 * Layouts as in {@link Backend#attention}: {@code qkv [B, T, 3d]}, {@code mask [B, T]},
 * {@code probs [B, H, T, T]}, {@code out [B, T, d]}.
 */
public final class AttentionReference {
    private AttentionReference() {
    }

    /** The probabilities {@code [B, H, T, T]} of the forward pass. */
    public static double[] probs(int batch, int seq, int heads, int headDim, double[] qkv, double[] mask) {
        int d = heads * headDim;
        double[] p = new double[batch * heads * seq * seq];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < seq; t++) {
                    double[] s = new double[seq];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u < seq; u++) {
                        double dot = 0;
                        for (int j = 0; j < headDim; j++) {
                            dot += qkv[(b * seq + t) * 3 * d + h * headDim + j]
                                    * qkv[(b * seq + u) * 3 * d + d + h * headDim + j];
                        }
                        s[u] = dot / Math.sqrt(headDim);
                        if (mask[b * seq + u] != 0) {
                            max = Math.max(max, s[u]);
                        }
                    }
                    double sum = 0;
                    for (int u = 0; u < seq; u++) {
                        s[u] = mask[b * seq + u] != 0 ? Math.exp(s[u] - max) : 0;
                        sum += s[u];
                    }
                    for (int u = 0; u < seq; u++) {
                        p[((b * heads + h) * seq + t) * seq + u] = sum == 0 ? 0 : s[u] / sum;
                    }
                }
            }
        }
        return p;
    }

    /** The output {@code [B, T, d]}. */
    public static double[] forward(int batch, int seq, int heads, int headDim, double[] qkv, double[] mask) {
        int d = heads * headDim;
        double[] p = probs(batch, seq, heads, headDim, qkv, mask);
        double[] out = new double[batch * seq * d];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < seq; t++) {
                    for (int j = 0; j < headDim; j++) {
                        double o = 0;
                        for (int u = 0; u < seq; u++) {
                            o += p[((b * heads + h) * seq + t) * seq + u] * qkv[(b * seq + u) * 3 * d + 2 * d + h * headDim + j];
                        }
                        out[(b * seq + t) * d + h * headDim + j] = o;
                    }
                }
            }
        }
        return out;
    }

    /**
     * {@code dL/d qkv [B, T, 3d]} given {@code gOut = dL/d out}: {@code dV = P^T dO},
     * {@code dP = dO V^T}, {@code dS = P (dP - rowsum(dP P))}, {@code dQ = dS K / sqrt(dh)},
     * {@code dK = dS^T Q / sqrt(dh)}.
     */
    public static double[] backward(int batch, int seq, int heads, int headDim, double[] qkv, double[] mask,
                                    double[] gOut) {
        int d = heads * headDim;
        double[] p = probs(batch, seq, heads, headDim, qkv, mask);
        double[] g = new double[batch * seq * 3 * d];
        double sc = 1 / Math.sqrt(headDim);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                double[][] ds = new double[seq][seq];
                for (int t = 0; t < seq; t++) {
                    double[] dp = new double[seq];
                    double rowsum = 0;
                    for (int u = 0; u < seq; u++) {
                        for (int j = 0; j < headDim; j++) {
                            dp[u] += gOut[(b * seq + t) * d + h * headDim + j]
                                    * qkv[(b * seq + u) * 3 * d + 2 * d + h * headDim + j];
                        }
                        rowsum += dp[u] * p[((b * heads + h) * seq + t) * seq + u];
                    }
                    for (int u = 0; u < seq; u++) {
                        ds[t][u] = p[((b * heads + h) * seq + t) * seq + u] * (dp[u] - rowsum);
                    }
                }
                for (int t = 0; t < seq; t++) {
                    for (int u = 0; u < seq; u++) {
                        double ptu = p[((b * heads + h) * seq + t) * seq + u];
                        for (int j = 0; j < headDim; j++) {
                            int qt = (b * seq + t) * 3 * d + h * headDim + j;
                            int ku = (b * seq + u) * 3 * d + d + h * headDim + j;
                            int vu = (b * seq + u) * 3 * d + 2 * d + h * headDim + j;
                            g[qt] += ds[t][u] * qkv[ku] * sc;
                            g[ku] += ds[t][u] * qkv[qt] * sc;
                            g[vu] += ptu * gOut[(b * seq + t) * d + h * headDim + j];
                        }
                    }
                }
            }
        }
        return g;
    }
}
