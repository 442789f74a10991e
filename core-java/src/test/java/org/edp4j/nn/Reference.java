package org.edp4j.nn;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.edp4j.tensor.Activation;
import org.edp4j.tensor.AttentionReference;

/**
 * The float64 reference of book-keeping DP-SGD: back-propagates each example alone (a
 * microbatch of one) through a copy of the model's layers and materializes its per-example
 * gradient of every parameter. Deliberately simple and slow; shares no code with the backends.
 * Composite layers ({@link Residual}) are walked recursively; attention uses the float64
 * {@link AttentionReference} (itself checked by finite differences).
 */
final class Reference {
    /** Per-example gradients: {@code grads[i][p]} is example i's gradient of parameter p (flattened). */
    final double[][][] grads;
    /** Per-example input gradients of the first dense layer (dense input only). */
    final double[][] inputGrads;
    final double[] losses;

    private final Sequential model;
    /** Position of each parameter in {@link Sequential#parameters()}. */
    private final Map<Parameter, Integer> paramIndex = new IdentityHashMap<>();

    private Reference(Sequential model, int n) {
        this.model = model;
        for (Parameter p : model.parameters()) {
            paramIndex.put(p, paramIndex.size());
        }
        this.grads = new double[n][][];
        this.inputGrads = new double[n][];
        this.losses = new double[n];
    }

    /**
     * Runs every real row of a batch loaded from host arrays.
     *
     * @param dense features per row ({@code [n][features]}) or null
     * @param tokens token ids per row ({@code [n][T]}) or null
     */
    static Reference run(Sequential model, double[][] dense, int[][] tokens, int[] labels) {
        int n = labels.length;
        Reference r = new Reference(model, n);
        List<Parameter> ps = model.parameters();
        List<double[]> values = new ArrayList<>();
        for (Parameter p : ps) {
            float[] v = p.value().toArray();
            double[] dv = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                dv[i] = v[i];
            }
            values.add(dv);
        }
        for (int i = 0; i < n; i++) {
            r.example(i, values, dense == null ? null : dense[i], tokens == null ? null : tokens[i], labels[i]);
        }
        return r;
    }

    double sqNorm(int i) {
        double s = 0;
        for (double[] g : grads[i]) {
            for (double v : g) {
                s += v * v;
            }
        }
        return s;
    }

    /** Squared norm of example i's gradient over parameters [from, to). */
    double sqNorm(int i, int from, int to) {
        double s = 0;
        for (int p = from; p < to; p++) {
            for (double v : grads[i][p]) {
                s += v * v;
            }
        }
        return s;
    }

    /** {@code sum_i c_i grad_i} for parameter p. */
    double[] clippedSum(int p, double[] c) {
        double[] out = new double[grads.length == 0 ? 0 : grads[0][p].length];
        for (int i = 0; i < grads.length; i++) {
            for (int j = 0; j < out.length; j++) {
                out[j] += c[i] * grads[i][p][j];
            }
        }
        return out;
    }

    /** What one example's forward pass keeps for its backward: per layer, its input and extras. */
    private static final class Tape {
        final int[] tok;
        final Map<Layer, double[][]> inputs = new IdentityHashMap<>();
        final Map<Layer, double[][]> extra = new IdentityHashMap<>();

        Tape(int[] tok) {
            this.tok = tok;
        }
    }

    private void example(int ex, List<double[]> values, double[] x, int[] tok, int label) {
        Tape tape = new Tape(tok);
        double[][] h = forward(model.layers(), x == null ? null : new double[][] {x.clone()}, values, tape);
        // Softmax cross-entropy on the single output row.
        double[] z = h[0];
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double se = 0;
        for (double v : z) {
            se += Math.exp(v - max);
        }
        double lse = max + Math.log(se);
        losses[ex] = lse - z[label];
        double[][] g = new double[1][z.length];
        for (int j = 0; j < z.length; j++) {
            g[0][j] = Math.exp(z[j] - lse) - (j == label ? 1 : 0);
        }
        double[][] pg = new double[values.size()][];
        double[][] gx = backward(model.layers(), g, values, tape, pg);
        if (x != null && gx != null) {
            inputGrads[ex] = gx[0];
        }
        grads[ex] = pg;
    }

    private int index(Parameter p) {
        Integer i = paramIndex.get(p);
        if (i == null) {
            throw new IllegalStateException("parameter " + p + " is not in the model");
        }
        return i;
    }

    /** Activations are [rows][width]: 1 row for dense data, T rows for sequences. */
    private double[][] forward(List<Layer> layers, double[][] h, List<double[]> values, Tape tape) {
        int[] tok = tape.tok;
        for (Layer l : layers) {
            tape.inputs.put(l, h);
            if (l instanceof Linear lin) {
                double[] w = values.get(index(lin.weight()));
                double[] b = lin.bias() == null ? null : values.get(index(lin.bias()));
                int din = lin.weight().value().dim(0);
                int dout = lin.weight().value().dim(1);
                double[][] y = new double[h.length][dout];
                for (int t = 0; t < h.length; t++) {
                    for (int j = 0; j < dout; j++) {
                        double s = b == null ? 0 : b[j];
                        for (int k = 0; k < din; k++) {
                            s += h[t][k] * w[k * dout + j];
                        }
                        y[t][j] = s;
                    }
                }
                h = y;
            } else if (l instanceof Embedding emb) {
                h = lookup(values.get(index(emb.table())), emb.table().value().dim(1), tok);
            } else if (l instanceof EmbeddingBag bag) {
                h = meanPool(lookup(values.get(index(bag.table())), bag.table().value().dim(1), tok), tok);
            } else if (l instanceof PositionEmbedding pos) {
                double[] e = values.get(index(pos.table()));
                int d = h[0].length;
                double[][] y = new double[h.length][d];
                for (int t = 0; t < h.length; t++) {
                    for (int j = 0; j < d; j++) {
                        y[t][j] = h[t][j] + e[t * d + j];
                    }
                }
                h = y;
            } else if (l instanceof Attention att) {
                int seq = h.length;
                int d = h[0].length / 3;
                double[] out = AttentionReference.forward(1, seq, att.heads(), d / att.heads(), flatten(h),
                        keyMask(tok));
                h = unflatten(out, seq, d);
            } else if (l instanceof Residual res) {
                double[][] f = forward(res.inner(), h, values, tape);
                double[][] y = new double[h.length][h[0].length];
                for (int t = 0; t < h.length; t++) {
                    for (int j = 0; j < h[t].length; j++) {
                        y[t][j] = h[t][j] + f[t][j];
                    }
                }
                h = y;
            } else if (l instanceof MaskedMeanPool) {
                h = meanPool(h, tok);
            } else if (l instanceof ActivationLayer a) {
                Activation f = activationOf(a);
                double[][] y = new double[h.length][h[0].length];
                for (int t = 0; t < h.length; t++) {
                    for (int j = 0; j < h[t].length; j++) {
                        y[t][j] = act(f, h[t][j]);
                    }
                }
                h = y;
            } else if (l instanceof LayerNorm ln) {
                double[] gamma = values.get(index(ln.gamma()));
                double[] beta = values.get(index(ln.beta()));
                double[][] xhat = new double[h.length][];
                double[][] y = new double[h.length][h[0].length];
                double[] rstd = new double[h.length];
                for (int t = 0; t < h.length; t++) {
                    int d = h[t].length;
                    double mean = 0;
                    for (double v : h[t]) {
                        mean += v;
                    }
                    mean /= d;
                    double var = 0;
                    for (double v : h[t]) {
                        var += (v - mean) * (v - mean);
                    }
                    var /= d;
                    rstd[t] = 1 / Math.sqrt(var + 1e-5);
                    xhat[t] = new double[d];
                    for (int j = 0; j < d; j++) {
                        xhat[t][j] = (h[t][j] - mean) * rstd[t];
                        y[t][j] = gamma[j] * xhat[t][j] + beta[j];
                    }
                }
                tape.extra.put(l, appendRow(xhat, rstd));
                h = y;
            } else if (l instanceof Bias bl) {
                double[] b = values.get(index(bl.bias()));
                double[][] y = new double[h.length][h[0].length];
                for (int t = 0; t < h.length; t++) {
                    for (int j = 0; j < b.length; j++) {
                        y[t][j] = h[t][j] + b[j];
                    }
                }
                h = y;
            } else {
                throw new IllegalStateException("no reference for " + l.describe());
            }
        }
        return h;
    }

    /** Rows {@code e[tok[t], :]} of a {@code [vocab, d]} table. */
    private static double[][] lookup(double[] e, int d, int[] tok) {
        double[][] h = new double[tok.length][d];
        for (int t = 0; t < tok.length; t++) {
            System.arraycopy(e, tok[t] * d, h[t], 0, d);
        }
        return h;
    }

    /** The mean of the rows of the real (non-padding) tokens, one row. */
    private static double[][] meanPool(double[][] h, int[] tok) {
        double cnt = 0;
        double[] y = new double[h[0].length];
        for (int t = 0; t < h.length; t++) {
            if (tok[t] != Batch.PAD) {
                cnt++;
                for (int j = 0; j < y.length; j++) {
                    y[j] += h[t][j];
                }
            }
        }
        for (int j = 0; j < y.length; j++) {
            y[j] /= Math.max(1, cnt);
        }
        return new double[][] {y};
    }

    /** The gradient of {@link #meanPool}'s rows from that of its one output row. */
    private static double[][] meanPoolBackward(double[][] g, int[] tok) {
        double cnt = 0;
        for (int t : tok) {
            cnt += t != Batch.PAD ? 1 : 0;
        }
        double[][] gx = new double[tok.length][g[0].length];
        for (int t = 0; t < tok.length; t++) {
            if (tok[t] != Batch.PAD) {
                for (int j = 0; j < gx[t].length; j++) {
                    gx[t][j] = g[0][j] / Math.max(1, cnt);
                }
            }
        }
        return gx;
    }

    /** The gradient of a {@code [vocab, d]} table from that of its looked-up rows. */
    private static double[] scatter(double[][] g, int[] tok, int vocab) {
        int d = g[0].length;
        double[] ge = new double[vocab * d];
        for (int t = 0; t < tok.length; t++) {
            for (int j = 0; j < d; j++) {
                ge[tok[t] * d + j] += g[t][j];
            }
        }
        return ge;
    }

    /** Back-propagates g through layers (last to first), writing parameter gradients into pg. */
    private double[][] backward(List<Layer> layers, double[][] g, List<double[]> values, Tape tape, double[][] pg) {
        int[] tok = tape.tok;
        for (int li = layers.size() - 1; li >= 0 && g != null; li--) {
            Layer l = layers.get(li);
            double[][] a = tape.inputs.get(l);
            if (l instanceof Linear lin) {
                int p0 = index(lin.weight());
                double[] w = values.get(p0);
                int din = lin.weight().value().dim(0);
                int dout = lin.weight().value().dim(1);
                double[] gw = new double[din * dout];
                double[] gb = new double[dout];
                double[][] gx = new double[a.length][din];
                for (int t = 0; t < a.length; t++) {
                    for (int k = 0; k < din; k++) {
                        double s = 0;
                        for (int j = 0; j < dout; j++) {
                            gw[k * dout + j] += a[t][k] * g[t][j];
                            s += g[t][j] * w[k * dout + j];
                        }
                        gx[t][k] = s;
                    }
                    for (int j = 0; j < dout; j++) {
                        gb[j] += g[t][j];
                    }
                }
                pg[p0] = gw;
                if (lin.bias() != null) {
                    pg[index(lin.bias())] = gb;
                }
                g = gx;
            } else if (l instanceof Embedding emb) {
                pg[index(emb.table())] = scatter(g, tok, emb.vocab());
                g = null;
            } else if (l instanceof EmbeddingBag bag) {
                pg[index(bag.table())] = scatter(meanPoolBackward(g, tok), tok, bag.vocab());
                g = null;
            } else if (l instanceof PositionEmbedding pos) {
                int d = g[0].length;
                double[] gp = new double[pos.maxLen() * d];
                for (int t = 0; t < g.length; t++) {
                    for (int j = 0; j < d; j++) {
                        gp[t * d + j] = g[t][j];
                    }
                }
                pg[index(pos.table())] = gp;
            } else if (l instanceof Attention att) {
                int seq = a.length;
                int d = a[0].length / 3;
                double[] gq = AttentionReference.backward(1, seq, att.heads(), d / att.heads(), flatten(a),
                        keyMask(tok), flatten(g));
                g = unflatten(gq, seq, 3 * d);
            } else if (l instanceof Residual res) {
                double[][] gf = backward(res.inner(), g, values, tape, pg);
                double[][] gx = new double[g.length][g[0].length];
                for (int t = 0; t < g.length; t++) {
                    for (int j = 0; j < g[t].length; j++) {
                        gx[t][j] = g[t][j] + (gf == null ? 0 : gf[t][j]);
                    }
                }
                g = gx;
            } else if (l instanceof MaskedMeanPool) {
                g = meanPoolBackward(g, tok);
            } else if (l instanceof ActivationLayer act) {
                Activation f = activationOf(act);
                double[][] gx = new double[a.length][a[0].length];
                for (int t = 0; t < a.length; t++) {
                    for (int j = 0; j < a[t].length; j++) {
                        gx[t][j] = g[t][j] * actGrad(f, a[t][j]);
                    }
                }
                g = gx;
            } else if (l instanceof LayerNorm ln) {
                double[] gamma = values.get(index(ln.gamma()));
                double[][] ex2 = tape.extra.get(l);
                int rows = a.length;
                int d = a[0].length;
                double[] gg = new double[d];
                double[] gbt = new double[d];
                double[][] gx = new double[rows][d];
                for (int t = 0; t < rows; t++) {
                    double[] xh = ex2[t];
                    double rstd = ex2[rows][t];
                    double m1 = 0;
                    double m2 = 0;
                    for (int j = 0; j < d; j++) {
                        gg[j] += g[t][j] * xh[j];
                        gbt[j] += g[t][j];
                        m1 += gamma[j] * g[t][j];
                        m2 += gamma[j] * g[t][j] * xh[j];
                    }
                    m1 /= d;
                    m2 /= d;
                    for (int j = 0; j < d; j++) {
                        gx[t][j] = rstd * (gamma[j] * g[t][j] - m1 - xh[j] * m2);
                    }
                }
                pg[index(ln.gamma())] = gg;
                pg[index(ln.beta())] = gbt;
                g = gx;
            } else if (l instanceof Bias bl) {
                double[] gb = new double[g[0].length];
                for (double[] row : g) {
                    for (int j = 0; j < gb.length; j++) {
                        gb[j] += row[j];
                    }
                }
                pg[index(bl.bias())] = gb;
            } else {
                throw new IllegalStateException("no reference for " + l.describe());
            }
        }
        return g;
    }

    private static double[] keyMask(int[] tok) {
        double[] m = new double[tok.length];
        for (int t = 0; t < tok.length; t++) {
            m[t] = tok[t] != Batch.PAD ? 1 : 0;
        }
        return m;
    }

    private static double[] flatten(double[][] x) {
        int w = x[0].length;
        double[] f = new double[x.length * w];
        for (int t = 0; t < x.length; t++) {
            System.arraycopy(x[t], 0, f, t * w, w);
        }
        return f;
    }

    private static double[][] unflatten(double[] f, int rows, int w) {
        double[][] x = new double[rows][w];
        for (int t = 0; t < rows; t++) {
            System.arraycopy(f, t * w, x[t], 0, w);
        }
        return x;
    }

    private static double[][] appendRow(double[][] xhat, double[] rstd) {
        double[][] out = new double[xhat.length + 1][];
        System.arraycopy(xhat, 0, out, 0, xhat.length);
        out[xhat.length] = rstd;
        return out;
    }

    private static Activation activationOf(ActivationLayer a) {
        return switch (a.describe()) {
            case "Relu" -> Activation.RELU;
            case "Tanh" -> Activation.TANH;
            case "Gelu" -> Activation.GELU;
            default -> throw new IllegalStateException(a.describe());
        };
    }

    private static final double GELU_C = Math.sqrt(2 / Math.PI);

    static double act(Activation f, double x) {
        return switch (f) {
            case RELU -> Math.max(0, x);
            case TANH -> Math.tanh(x);
            case GELU -> 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
        };
    }

    static double actGrad(Activation f, double x) {
        return switch (f) {
            case RELU -> x > 0 ? 1 : 0;
            case TANH -> 1 - Math.tanh(x) * Math.tanh(x);
            case GELU -> {
                double t = Math.tanh(GELU_C * (x + 0.044715 * x * x * x));
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
            }
        };
    }
}
