package org.edp4j.tensor;

/**
 * The argument checks every {@link Backend} makes, with the same messages on every backend:
 * sizes that do not match what an operation was told throw {@link IllegalArgumentException} naming
 * the tensor and the expected size.
 */
public final class BackendChecks {
    private BackendChecks() {
    }

    /** @throws IllegalArgumentException unless {@code t} has exactly {@code expected} elements */
    public static void check(String name, Tensor t, long expected) {
        if (t.size() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + t.shape() + " has " + t.size()
                    + " elements, expected " + expected);
        }
    }

    /** @throws IllegalArgumentException unless {@code t} has exactly {@code expected} elements */
    public static void check(String name, IntTensor t, long expected) {
        if (t.size() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + t.shape() + " has " + t.size()
                    + " elements, expected " + expected);
        }
    }

    /** A per-sample scale of {@code rows / rowsPerSample} entries; {@code rowsPerSample} must divide {@code rows}. */
    public static void checkScale(int rows, int rowsPerSample, Tensor scale) {
        if (rowsPerSample <= 0 || rows % rowsPerSample != 0) {
            throw new IllegalArgumentException("rowsPerSample " + rowsPerSample + " must be > 0 and divide rows " + rows);
        }
        check("scale", scale, rows / rowsPerSample);
    }

    /** @throws IllegalArgumentException unless {@code a} and {@code b} have the same number of elements */
    public static void sameSize(String an, Tensor a, String bn, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("tensors '" + an + "' " + a.shape() + " and '" + bn + "' " + b.shape()
                    + " must have the same size");
        }
    }

    /** The tensors of {@link Backend#sgdUpdate}: same sizes; a velocity whenever momentum is not 0. */
    public static void checkSgd(Tensor param, Tensor gradSum, float momentum, Tensor velocity) {
        sameSize("param", param, "gradSum", gradSum);
        if (momentum != 0f && velocity == null) {
            throw new IllegalArgumentException("momentum " + momentum + " needs a velocity tensor");
        }
        if (velocity != null) {
            sameSize("param", param, "velocity", velocity);
        }
    }

    /** The tensors and step count of {@link Backend#adamUpdate}. */
    public static void checkAdam(Tensor param, Tensor gradSum, Tensor m, Tensor v, long t) {
        sameSize("param", param, "gradSum", gradSum);
        sameSize("param", param, "m", m);
        sameSize("param", param, "v", v);
        if (t < 1) {
            throw new IllegalArgumentException("Adam step count t must be >= 1, got " + t);
        }
    }

    /** The tensor sizes of {@link Backend#gemmScaledTN}. */
    public static void checkGemmScaledTN(int rows, int m, int n, int rowsPerSample, Tensor a, Tensor g, Tensor scale,
            Tensor c) {
        check("A", a, (long) rows * m);
        check("G", g, (long) rows * n);
        check("C", c, (long) m * n);
        checkScale(rows, rowsPerSample, scale);
    }

    /** The tensor sizes of {@link Backend#layerNorm}. */
    public static void checkLayerNorm(int rows, int d, Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor xhat,
            Tensor rstd) {
        check("x", x, (long) rows * d);
        check("gamma", gamma, d);
        check("beta", beta, d);
        check("y", y, (long) rows * d);
        check("xhat", xhat, (long) rows * d);
        check("rstd", rstd, rows);
    }

    /** The tensor sizes of {@link Backend#layerNormBackward}. */
    public static void checkLayerNormBackward(int rows, int d, Tensor gy, Tensor xhat, Tensor rstd, Tensor gamma,
            Tensor gx) {
        check("gy", gy, (long) rows * d);
        check("xhat", xhat, (long) rows * d);
        check("rstd", rstd, rows);
        check("gamma", gamma, d);
        check("gx", gx, (long) rows * d);
    }

    /** The tensor sizes of {@link Backend#layerNormParamGradScaled}. */
    public static void checkLayerNormParamGrad(int rows, int d, int rowsPerSample, Tensor gy, Tensor xhat, Tensor scale,
            Tensor gGamma, Tensor gBeta) {
        check("gy", gy, (long) rows * d);
        check("xhat", xhat, (long) rows * d);
        check("gGamma", gGamma, d);
        check("gBeta", gBeta, d);
        checkScale(rows, rowsPerSample, scale);
    }

    /** The tensor sizes of {@link Backend#softmaxCrossEntropy}. */
    public static void checkSoftmaxCrossEntropy(int batch, int classes, Tensor logits, IntTensor labels, Tensor mask,
            Tensor loss, Tensor grad) {
        check("logits", logits, (long) batch * classes);
        check("labels", labels, batch);
        check("mask", mask, batch);
        check("loss", loss, batch);
        check("grad", grad, (long) batch * classes);
    }

    /** The sizes of {@link Backend#attention}: batch &gt;= 0, seq, heads and headDim &gt; 0. */
    public static void checkAttention(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor keyMask,
            Tensor probs, Tensor out) {
        checkAttentionSizes(batch, seq, heads, headDim);
        long rows = (long) batch * seq;
        long d = (long) heads * headDim;
        check("qkv", qkv, rows * 3 * d);
        check("keyMask", keyMask, rows);
        check("probs", probs, (long) batch * heads * seq * seq);
        check("out", out, rows * d);
    }

    /** The sizes of {@link Backend#attentionBackward}. */
    public static void checkAttentionBackward(int batch, int seq, int heads, int headDim, Tensor qkv, Tensor probs,
            Tensor gOut, Tensor scratch, Tensor gQkv) {
        checkAttentionSizes(batch, seq, heads, headDim);
        long rows = (long) batch * seq;
        long d = (long) heads * headDim;
        check("qkv", qkv, rows * 3 * d);
        check("probs", probs, (long) batch * heads * seq * seq);
        check("gOut", gOut, rows * d);
        check("scratch", scratch, (long) batch * heads * seq * seq);
        check("gQkv", gQkv, rows * 3 * d);
    }

    private static void checkAttentionSizes(int batch, int seq, int heads, int headDim) {
        if (batch < 0 || seq <= 0 || heads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("attention needs batch >= 0 and seq, heads, headDim > 0, got batch="
                    + batch + ", seq=" + seq + ", heads=" + heads + ", headDim=" + headDim);
        }
        if ((long) batch * heads * seq * seq > Integer.MAX_VALUE || (long) batch * seq * 3 * heads * headDim
                > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention of batch=" + batch + ", seq=" + seq + ", heads=" + heads
                    + ", headDim=" + headDim + " needs more than 2^31-1 elements in one tensor");
        }
    }
}
