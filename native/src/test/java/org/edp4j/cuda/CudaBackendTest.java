package org.edp4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.edp4j.tensor.Activation;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPU ({@link CpuBackend}, the reference) against CUDA on fresh random inputs, for every
 * {@link Backend} op, including B=1, T=1, masked rows and an empty batch. Needs a GPU: skipped
 * cleanly (with the probe's reason) elsewhere. The seed is printed; rerun one with -Dedp4j.test.seed=N.
 */
class CudaBackendTest {
    /** Relative tolerance, plus an absolute floor of REL x the largest reference magnitude of the output. */
    static final double REL = 1e-4;
    static final long SEED = Long.getLong("edp4j.test.seed", System.nanoTime());
    static final CpuBackend CPU = CpuBackend.instance();
    static final Set<String> COVERED = new ConcurrentSkipListSet<>();

    static CudaBackend gpu;
    final Random rnd = new Random(SEED);

    @BeforeAll
    static void start() {
        if (CudaBackendProvider.reason().equals("cuda device usable")) {
            gpu = new CudaBackend(1L << 30);
            System.out.println("[edp4j] CudaBackendTest seed " + SEED);
        }
    }

    @BeforeEach
    void needsGpu() {
        assumeTrue(gpu != null, "no usable CUDA device (" + CudaBackendProvider.reason() + "): GPU test skipped");
    }

    @AfterAll
    static void coverage() {
        if (gpu == null) {
            return;
        }
        Set<String> missing = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            missing.add(m.getName());
        }
        missing.removeAll(COVERED);
        missing.removeAll(Set.of("name", "zeros", "tensor", "intZeros", "intTensor"));
        gpu.close();
        assertTrue(missing.isEmpty(), "Backend ops not compared with the CPU: " + missing);
    }

    // ---------------------------------------------------------------- helpers

    /** The same values on both backends. */
    record P(Tensor c, Tensor g) {
    }

    record IP(IntTensor c, IntTensor g) {
    }

    P rand(int... dims) {
        int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return of(v, dims);
    }

    P of(float[] v, int... dims) {
        return new P(CPU.tensor(v, dims), gpu.tensor(v, dims));
    }

    P mask(int n, double pZero) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() < pZero ? 0f : 1f;
        }
        return of(v, n);
    }

    IP ints(int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(bound);
        }
        return new IP(CPU.intTensor(v, n), gpu.intTensor(v, n));
    }

    static void close(P p) {
        p.c.close();
        p.g.close();
    }

    static void same(String what, P p) {
        same(what, p.c.toArray(), p.g.toArray());
    }

    static void same(String what, float[] ref, float[] got) {
        assertEquals(ref.length, got.length, what + ": length");
        double scale = 0;
        for (float v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        int bad = 0;
        StringBuilder msg = new StringBuilder();
        for (int i = 0; i < ref.length; i++) {
            double tol = REL * Math.abs(ref[i]) + REL * scale + 1e-7;
            if (!(Math.abs(ref[i] - got[i]) <= tol) && !(Float.isNaN(ref[i]) && Float.isNaN(got[i]))) {
                if (bad++ < 5) {
                    msg.append(String.format(" [%d] cpu %.8g cuda %.8g;", i, ref[i], got[i]));
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + ref.length + " differ (seed " + SEED + "):" + msg);
        }
    }

    static void covered(String op) {
        COVERED.add(op);
    }

    // ---------------------------------------------------------------- memory, dense

    /**
     * A view of device memory edp4j does not own (here: part of an arena tensor, standing in for a
     * caller's cudaMalloc buffer): writes go both ways, nothing outside the view changes, and
     * closing the view frees nothing.
     */
    @Test
    void wrapIsAViewOfTheCallersDeviceMemory() {
        float[] v = new float[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        try (Tensor owner = gpu.tensor(v, 10)) {
            long base = ((CudaTensor) owner).ptr();
            Tensor view = gpu.wrap(base + 4L * 3, 2, 2);
            assertEquals(3 + 4 + 5 + 6, gpu.sum(view));
            gpu.scale(10f, view);
            view.close();
            float[] after = owner.toArray();
            assertEquals("[0.0, 1.0, 2.0, 30.0, 40.0, 50.0, 60.0, 7.0, 8.0, 9.0]", Arrays.toString(after));
            IntTensor ids = gpu.wrapInts(base, 0);
            assertEquals(0, ids.size());
            gpu.synchronize();
        }
        assertThrows(IllegalArgumentException.class, () -> gpu.wrap(0L, 2));
        assertThrows(IllegalArgumentException.class, () -> gpu.wrap(6L, 2));
    }

    @Test
    void fillCopyAxpyScale() {
        for (int n : new int[] {0, 1, 1000, 70_001}) {
            P x = rand(n);
            P y = rand(n);
            CPU.axpy(0.75f, x.c, y.c);
            gpu.axpy(0.75f, x.g, y.g);
            same("axpy n=" + n, y);
            CPU.scale(-1.5f, y.c);
            gpu.scale(-1.5f, y.g);
            same("scale", y);
            CPU.copy(y.c, x.c);
            gpu.copy(y.g, x.g);
            same("copy", x);
            CPU.fill(x.c, 3.25f);
            gpu.fill(x.g, 3.25f);
            same("fill", x);
            close(x);
            close(y);
        }
        covered("axpy");
        covered("scale");
        covered("copy");
        covered("fill");
    }

    @Test
    void gemmAllTransposes() {
        int[][] sizes = {{1, 1, 1}, {17, 33, 9}, {64, 48, 128}, {5, 7, 0}, {0, 4, 3}};
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            for (int ta = 0; ta < 2; ta++) {
                for (int tb = 0; tb < 2; tb++) {
                    for (float beta : new float[] {0f, 1f, 0.5f}) {
                        P a = rand(ta == 1 ? k : m, ta == 1 ? m : k);
                        P b = rand(tb == 1 ? n : k, tb == 1 ? k : n);
                        P c = rand(m, n);
                        CPU.gemm(ta == 1, tb == 1, m, n, k, 1.25f, a.c, b.c, beta, c.c);
                        gpu.gemm(ta == 1, tb == 1, m, n, k, 1.25f, a.g, b.g, beta, c.g);
                        same("gemm " + Arrays.toString(s) + " tA=" + ta + " tB=" + tb + " beta=" + beta, c);
                        close(a);
                        close(b);
                        close(c);
                    }
                }
            }
        }
        covered("gemm");
    }

    @Test
    void clippedSumsOfLinearAndBias() {
        int[][] cases = {{8, 1, 16, 24}, {6, 4, 40, 12}, {1, 1, 3, 5}, {0, 3, 7, 9}}; // batch, T, m, n
        for (int[] cs : cases) {
            int batch = cs[0], t = cs[1], m = cs[2], n = cs[3], rows = batch * t;
            P a = rand(rows, m);
            P g = rand(rows, n);
            P s = mask(batch, 0.25);
            float[] sv = s.c.toArray();
            for (int i = 0; i < batch; i++) {
                sv[i] *= (float) rnd.nextDouble();
            }
            P scale = of(sv, batch);
            for (float beta : new float[] {0f, 1f}) {
                P c = rand(m, n);
                CPU.gemmScaledTN(rows, m, n, t, a.c, g.c, scale.c, beta, c.c);
                gpu.gemmScaledTN(rows, m, n, t, a.g, g.g, scale.g, beta, c.g);
                same("gemmScaledTN " + Arrays.toString(cs) + " beta=" + beta, c);
                P o = rand(n);
                CPU.columnSumScaled(rows, n, t, g.c, scale.c, beta, o.c);
                gpu.columnSumScaled(rows, n, t, g.g, scale.g, beta, o.g);
                same("columnSumScaled " + Arrays.toString(cs), o);
                close(c);
                close(o);
            }
            P bias = rand(n);
            CPU.addRowVector(rows, n, bias.c, g.c);
            gpu.addRowVector(rows, n, bias.g, g.g);
            same("addRowVector", g);
        }
        covered("gemmScaledTN");
        covered("columnSumScaled");
        covered("addRowVector");
    }

    // ---------------------------------------------------------------- elementwise, reductions

    @Test
    void activationsForwardAndBackward() {
        for (Activation f : Activation.values()) {
            P x = rand(3, 1001);
            P y = rand(3, 1001);
            P gy = rand(3, 1001);
            P gx = rand(3, 1001);
            CPU.activation(f, x.c, y.c);
            gpu.activation(f, x.g, y.g);
            same("activation " + f, y);
            CPU.activationBackward(f, x.c, y.c, gy.c, gx.c);
            gpu.activationBackward(f, x.g, y.g, gy.g, gx.g);
            same("activationBackward " + f, gx);
        }
        covered("activation");
        covered("activationBackward");
    }

    @Test
    void sumAndAllFinite() {
        for (int n : new int[] {0, 1, 255, 1_000_003}) {
            P x = rand(n);
            double ref = CPU.sum(x.c);
            assertEquals(ref, gpu.sum(x.g), 1e-9 * n + 1e-9, "sum n=" + n);
            assertTrue(gpu.allFinite(x.g));
            if (n > 0) {
                float[] v = x.c.toArray();
                v[n / 2] = Float.POSITIVE_INFINITY;
                x.g.copyFrom(v);
                assertFalse(gpu.allFinite(x.g));
                v[n / 2] = Float.NaN;
                x.g.copyFrom(v);
                assertFalse(gpu.allFinite(x.g));
            }
        }
        covered("sum");
        covered("allFinite");
    }

    // ---------------------------------------------------------------- embedding, pooling, normalization, loss

    @Test
    void embeddingLookupAndScatter() {
        int vocab = 13, d = 37, batch = 5, t = 7, n = batch * t;
        P table = rand(vocab, d);
        IP tok = ints(n, vocab);
        P out = rand(n, d);
        CPU.embeddingLookup(n, d, table.c, tok.c, out.c);
        gpu.embeddingLookup(n, d, table.g, tok.g, out.g);
        same("embeddingLookup", out);
        P g = rand(n, d);
        P scale = mask(batch, 0.3);
        for (float beta : new float[] {0f, 1f, 0.5f}) {
            CPU.embeddingScatterAddScaled(n, d, t, tok.c, g.c, scale.c, beta, table.c);
            gpu.embeddingScatterAddScaled(n, d, t, tok.g, g.g, scale.g, beta, table.g);
            same("embeddingScatterAddScaled beta=" + beta, table);
        }
        // a bad id is not used, and the next synchronizing call says which
        int[] bad = tok.c.toArray();
        bad[3] = vocab + 4;
        IntTensor badTok = gpu.intTensor(bad, n);
        gpu.embeddingLookup(n, d, table.g, badTok, out.g);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, gpu::synchronize);
        assertTrue(e.getMessage().contains("token id " + (vocab + 4) + " at position 3"), e.getMessage());
        gpu.synchronize(); // the record was cleared
        covered("embeddingLookup");
        covered("embeddingScatterAddScaled");
    }

    @Test
    void maskedMeanPoolForwardAndBackward() {
        int batch = 6, seq = 9, d = 300;
        P x = rand(batch, seq, d);
        float[] mv = mask(batch * seq, 0.4).c.toArray();
        Arrays.fill(mv, 0, seq, 0f); // one sample fully masked
        P m = of(mv, batch, seq);
        P out = rand(batch, d);
        CPU.maskedMeanPool(batch, seq, d, x.c, m.c, out.c);
        gpu.maskedMeanPool(batch, seq, d, x.g, m.g, out.g);
        same("maskedMeanPool", out);
        CPU.maskedMeanPoolBackward(batch, seq, d, out.c, m.c, x.c);
        gpu.maskedMeanPoolBackward(batch, seq, d, out.g, m.g, x.g);
        same("maskedMeanPoolBackward", x);
        covered("maskedMeanPool");
        covered("maskedMeanPoolBackward");
    }

    @Test
    void embeddingBagMeanNormsAndScatter() {
        for (int[] cs : new int[][] {{6, 9, 37, 13, 1}, {8, 50, 64, 1000, 2}, {1, 1, 3, 5, 1}}) { // B, T, d, vocab, k
            int batch = cs[0], seq = cs[1], d = cs[2], vocab = cs[3], k = cs[4];
            String what = Arrays.toString(cs);
            P table = rand(vocab, d);
            IP tok = ints(batch * seq, vocab);
            float[] mv = mask(batch * seq, 0.3).c.toArray();
            Arrays.fill(mv, 0, seq, 0f); // one sample all padding
            P m = of(mv, batch, seq);
            P out = rand(batch, d);
            CPU.embeddingBagMean(batch, seq, d, table.c, tok.c, m.c, out.c);
            gpu.embeddingBagMean(batch, seq, d, table.g, tok.g, m.g, out.g);
            same("embeddingBagMean " + what, out);
            P g = rand(batch, d);
            P o = rand(batch / k);
            CPU.embeddingBagNorms(batch / k, k, seq, d, tok.c, m.c, g.c, o.c);
            gpu.embeddingBagNorms(batch / k, k, seq, d, tok.g, m.g, g.g, o.g);
            same("embeddingBagNorms " + what, o);
            P scale = mask(batch / k, 0.3);
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                CPU.embeddingBagScatterAddScaled(batch, seq, d, k, tok.c, m.c, g.c, scale.c, beta, table.c);
                gpu.embeddingBagScatterAddScaled(batch, seq, d, k, tok.g, m.g, g.g, scale.g, beta, table.g);
                same("embeddingBagScatterAddScaled beta=" + beta + " " + what, table);
            }
        }
        covered("embeddingBagMean");
        covered("embeddingBagNorms");
        covered("embeddingBagScatterAddScaled");
    }

    /** grid.y is limited to 65,535: the pooling kernels stride over larger batches. */
    @Test
    void maskedMeanPoolBeyondTheGridYLimit() {
        int batch = 70_000, seq = 2, d = 3;
        P x = rand(batch, seq, d);
        P m = mask(batch * seq, 0.3);
        P out = rand(batch, d);
        CPU.maskedMeanPool(batch, seq, d, x.c, m.c, out.c);
        gpu.maskedMeanPool(batch, seq, d, x.g, m.g, out.g);
        same("maskedMeanPool B=70000", out);
        CPU.maskedMeanPoolBackward(batch, seq, d, out.c, m.c, x.c);
        gpu.maskedMeanPoolBackward(batch, seq, d, out.g, m.g, x.g);
        same("maskedMeanPoolBackward B=70000", x);
    }

    /** Equal tokens whose gradients nearly cancel: the embedding ghost sum must not go below 0. */
    @Test
    void embeddingNormsUnderCancellationAreNeverNegative() {
        int batch = 256, seq = 2, d = 64;
        float[] g = new float[batch * seq * d];
        int[] tok = new int[batch * seq];
        for (int b = 0; b < batch; b++) {
            tok[b * seq] = 3;
            tok[b * seq + 1] = 3;
            for (int j = 0; j < d; j++) {
                float v = (float) rnd.nextGaussian();
                g[(b * seq) * d + j] = v;
                g[(b * seq + 1) * d + j] = -(1 + 1e-4f) * v;
            }
        }
        try (Tensor tg = gpu.tensor(g, batch, seq, d); Tensor out = gpu.zeros(batch)) {
            IntTensor tt = gpu.intTensor(tok, batch, seq);
            gpu.embeddingNorms(batch, seq, d, tt, tg, out);
            float[] got = out.toArray();
            for (int b = 0; b < batch; b++) {
                assertTrue(got[b] >= 0, "sample " + b + ": squared norm " + got[b]);
            }
            tt.close();
        }
    }

    @Test
    void sumOfSquaresMatchesTheCpu() {
        for (int n : new int[] {0, 1, 1000, 300_001}) {
            P x = rand(n);
            double want = CPU.sumOfSquares(x.c);
            assertEquals(want, gpu.sumOfSquares(x.g), 1e-9 * Math.max(1, want), "n=" + n);
        }
        covered("sumOfSquares");
    }

    /** Several tensors, one flag, one synchronization. */
    @Test
    void allFiniteOverSeveralTensors() {
        P a = rand(1000);
        P b = rand(70_000);
        assertTrue(gpu.allFinite(java.util.List.of(a.g, b.g)));
        float[] v = b.c.toArray();
        v[69_999] = Float.POSITIVE_INFINITY;
        b.g.copyFrom(v);
        assertFalse(gpu.allFinite(java.util.List.of(a.g, b.g)));
        assertTrue(gpu.allFinite(java.util.List.of(a.g)), "the flag is cleared between calls");
    }

    @Test
    void layerNormForwardBackwardAndParamGrads() {
        for (int[] s : new int[][] {{4, 3, 64}, {1, 1, 5}, {3, 2, 1000}}) {
            int batch = s[0], t = s[1], d = s[2], rows = batch * t;
            P x = rand(rows, d);
            P gamma = rand(d);
            P beta = rand(d);
            P y = rand(rows, d);
            P xhat = rand(rows, d);
            P rstd = rand(rows);
            CPU.layerNorm(rows, d, 1e-5f, x.c, gamma.c, beta.c, y.c, xhat.c, rstd.c);
            gpu.layerNorm(rows, d, 1e-5f, x.g, gamma.g, beta.g, y.g, xhat.g, rstd.g);
            same("layerNorm y", y);
            same("layerNorm xhat", xhat);
            same("layerNorm rstd", rstd);
            P gy = rand(rows, d);
            P gx = rand(rows, d);
            CPU.layerNormBackward(rows, d, gy.c, xhat.c, rstd.c, gamma.c, gx.c);
            gpu.layerNormBackward(rows, d, gy.g, xhat.g, rstd.g, gamma.g, gx.g);
            same("layerNormBackward", gx);
            P scale = mask(batch, 0.3);
            P gg = rand(d);
            P gb = rand(d);
            for (float b : new float[] {0f, 1f}) {
                CPU.layerNormParamGradScaled(rows, d, t, gy.c, xhat.c, scale.c, b, gg.c, gb.c);
                gpu.layerNormParamGradScaled(rows, d, t, gy.g, xhat.g, scale.g, b, gg.g, gb.g);
                same("layerNormParamGradScaled gGamma", gg);
                same("layerNormParamGradScaled gBeta", gb);
            }
            P norms = rand(batch);
            CPU.layerNormNorms(batch, t, d, gy.c, xhat.c, norms.c);
            gpu.layerNormNorms(batch, t, d, gy.g, xhat.g, norms.g);
            same("layerNormNorms", norms);
        }
        covered("layerNorm");
        covered("layerNormBackward");
        covered("layerNormParamGradScaled");
        covered("layerNormNorms");
    }

    @Test
    void softmaxCrossEntropy() {
        for (int classes : new int[] {1, 10, 1000}) {
            int batch = 7;
            P logits = rand(batch, classes);
            IP labels = ints(batch, classes);
            P m = mask(batch, 0.3);
            P loss = rand(batch);
            P grad = rand(batch, classes);
            CPU.softmaxCrossEntropy(batch, classes, logits.c, labels.c, m.c, loss.c, grad.c);
            gpu.softmaxCrossEntropy(batch, classes, logits.g, labels.g, m.g, loss.g, grad.g);
            same("softmaxCrossEntropy loss C=" + classes, loss);
            same("softmaxCrossEntropy grad C=" + classes, grad);
        }
        covered("softmaxCrossEntropy");
    }

    /** Binary cross-entropy and mean squared error: masked rows, one output, many, logits past exp's range. */
    @Test
    void binaryCrossEntropyAndMeanSquaredError() {
        for (int outputs : new int[] {1, 10, 1000}) {
            int batch = 7;
            P logits = rand(batch, outputs);
            float[] big = logits.c.toArray();
            big[0] = 120f;
            big[big.length - 1] = -120f;
            logits.c.copyFrom(big);
            logits.g.copyFrom(big);
            float[] t = new float[batch * outputs];
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) rnd.nextDouble();
            }
            P targets = of(t, batch, outputs);
            P m = mask(batch, 0.3);
            P loss = rand(batch);
            P grad = rand(batch, outputs);
            CPU.binaryCrossEntropy(batch, outputs, logits.c, targets.c, m.c, loss.c, grad.c);
            gpu.binaryCrossEntropy(batch, outputs, logits.g, targets.g, m.g, loss.g, grad.g);
            same("binaryCrossEntropy loss k=" + outputs, loss);
            same("binaryCrossEntropy grad k=" + outputs, grad);
            CPU.meanSquaredError(batch, outputs, logits.c, targets.c, m.c, loss.c, grad.c);
            gpu.meanSquaredError(batch, outputs, logits.g, targets.g, m.g, loss.g, grad.g);
            same("meanSquaredError loss k=" + outputs, loss);
            same("meanSquaredError grad k=" + outputs, grad);
        }
        covered("binaryCrossEntropy");
        covered("meanSquaredError");
    }

    // ---------------------------------------------------------------- attention

    /**
     * Attention forward and backward against a float64 reference written here (and against the CPU
     * backend once it implements attention): odd T (warp tails), T > 64, one head, B = 1, T = 1, an
     * empty batch, a fully masked sample (exact zeros) and outputs pre-filled with NaN (overwritten).
     */
    @Test
    void attentionForwardAndBackward() {
        int[][] cases = {{3, 5, 2, 4}, {1, 1, 1, 3}, {4, 33, 3, 16}, {2, 70, 4, 8}, {2, 17, 1, 40}, {0, 4, 2, 4}};
        for (int[] cs : cases) {
            int batch = cs[0], seq = cs[1], heads = cs[2], dh = cs[3], d = heads * dh;
            String at = " B=" + batch + " T=" + seq + " H=" + heads + " dh=" + dh;
            P qkv = rand(batch, seq, 3 * d);
            float[] mv = mask(batch * seq, 0.3).c.toArray();
            if (batch > 1) {
                Arrays.fill(mv, 0, seq, 0f); // sample 0 has no key: zero probabilities and output
            }
            P m = of(mv, batch, seq);
            float[] q = qkv.c.toArray();
            double[][] ref = attentionReference(batch, seq, heads, dh, q, mv);
            try (Tensor probs = gpu.zeros(batch, heads, seq, seq); Tensor out = gpu.zeros(batch, seq, d)) {
                gpu.fill(probs, Float.NaN);
                gpu.fill(out, Float.NaN);
                gpu.attention(batch, seq, heads, dh, qkv.g, m.g, probs, out);
                float[] gotP = probs.toArray();
                float[] gotO = out.toArray();
                same("attention probs" + at, toFloat(ref[0]), gotP);
                same("attention out" + at, toFloat(ref[1]), gotO);
                if (batch > 1) {
                    for (int i = 0; i < heads * seq * seq; i++) {
                        assertEquals(0f, gotP[i], "probs of the fully masked sample" + at);
                    }
                    for (int i = 0; i < seq * d; i++) {
                        assertEquals(0f, gotO[i], "output of the fully masked sample" + at);
                    }
                }
                cpuAttentionIfImplemented(batch, seq, heads, dh, qkv, m, gotP, gotO, at);
            }
            // Backward from the reference probabilities (rounded to float), so it is tested on its own.
            float[] pf = toFloat(ref[0]);
            P gOut = rand(batch, seq, d);
            double[] gRef = attentionBackwardReference(batch, seq, heads, dh, q, pf, gOut.c.toArray());
            try (Tensor probs = gpu.tensor(pf, batch, heads, seq, seq); Tensor scratch = gpu.zeros(batch, heads, seq, seq);
                 Tensor gQkv = gpu.zeros(batch, seq, 3 * d)) {
                gpu.fill(scratch, Float.NaN);
                gpu.fill(gQkv, Float.NaN);
                gpu.attentionBackward(batch, seq, heads, dh, qkv.g, probs, gOut.g, scratch, gQkv);
                float[] got = gQkv.toArray();
                same("attentionBackward gQkv" + at, toFloat(gRef), got);
                if (batch > 1) {
                    for (int i = 0; i < seq * 3 * d; i++) {
                        assertEquals(0f, got[i], "gradient of the fully masked sample" + at);
                    }
                }
                cpuAttentionBackwardIfImplemented(batch, seq, heads, dh, qkv, pf, gOut, got, at);
            }
            close(qkv);
            close(m);
            close(gOut);
        }
        covered("attention");
        covered("attentionBackward");
    }

    /** {probs [B,H,T,T], out [B,T,d]} in float64 from the contract of Backend.attention. */
    static double[][] attentionReference(int batch, int seq, int heads, int dh, float[] qkv, float[] mask) {
        int d = heads * dh;
        double c = 1.0 / Math.sqrt(dh);
        double[] probs = new double[batch * heads * seq * seq];
        double[] out = new double[batch * seq * d];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < seq; t++) {
                    int pRow = ((b * heads + h) * seq + t) * seq;
                    int qOff = (b * seq + t) * 3 * d + h * dh;
                    double mx = Double.NEGATIVE_INFINITY;
                    double[] sc = new double[seq];
                    for (int s = 0; s < seq; s++) {
                        if (mask[b * seq + s] != 0f) {
                            int kOff = (b * seq + s) * 3 * d + d + h * dh;
                            double dot = 0;
                            for (int j = 0; j < dh; j++) {
                                dot += (double) qkv[qOff + j] * qkv[kOff + j];
                            }
                            sc[s] = c * dot;
                            mx = Math.max(mx, sc[s]);
                        }
                    }
                    if (mx == Double.NEGATIVE_INFINITY) {
                        continue; // no key: zeros
                    }
                    double sum = 0;
                    for (int s = 0; s < seq; s++) {
                        if (mask[b * seq + s] != 0f) {
                            sum += Math.exp(sc[s] - mx);
                        }
                    }
                    for (int s = 0; s < seq; s++) {
                        if (mask[b * seq + s] != 0f) {
                            probs[pRow + s] = Math.exp(sc[s] - mx) / sum;
                            int vOff = (b * seq + s) * 3 * d + 2 * d + h * dh;
                            for (int j = 0; j < dh; j++) {
                                out[(b * seq + t) * d + h * dh + j] += probs[pRow + s] * qkv[vOff + j];
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {probs, out};
    }

    /** dL/dqkv [B,T,3d] in float64, given probs and gOut, from the contract of Backend.attentionBackward. */
    static double[] attentionBackwardReference(int batch, int seq, int heads, int dh, float[] qkv, float[] probs,
                                               float[] gOut) {
        int d = heads * dh, w = 3 * d;
        double c = 1.0 / Math.sqrt(dh);
        double[] g = new double[batch * seq * w];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < seq; t++) {
                    int pRow = ((b * heads + h) * seq + t) * seq;
                    int oOff = (b * seq + t) * d + h * dh;
                    double[] dp = new double[seq];
                    double rowDot = 0;
                    for (int s = 0; s < seq; s++) {
                        int vOff = (b * seq + s) * w + 2 * d + h * dh;
                        double pts = probs[pRow + s];
                        for (int j = 0; j < dh; j++) {
                            dp[s] += (double) gOut[oOff + j] * qkv[vOff + j];
                            g[vOff + j] += pts * gOut[oOff + j]; // dV_s += P[t,s] dO_t
                        }
                        rowDot += dp[s] * pts;
                    }
                    int qOff = (b * seq + t) * w + h * dh;
                    for (int s = 0; s < seq; s++) {
                        double ds = probs[pRow + s] * (dp[s] - rowDot) * c;
                        int kOff = (b * seq + s) * w + d + h * dh;
                        for (int j = 0; j < dh; j++) {
                            g[qOff + j] += ds * qkv[kOff + j]; // dQ_t += c dS[t,s] k_s
                            g[kOff + j] += ds * qkv[qOff + j]; // dK_s += c dS[t,s] q_t
                        }
                    }
                }
            }
        }
        return g;
    }

    /** The CPU backend is compared too once it implements attention (another branch writes it). */
    static void cpuAttentionIfImplemented(int batch, int seq, int heads, int dh, P qkv, P m, float[] gotP,
                                          float[] gotO, String at) {
        try (Tensor probs = CPU.zeros(batch, heads, seq, seq); Tensor out = CPU.zeros(batch, seq, heads * dh)) {
            CPU.attention(batch, seq, heads, dh, qkv.c, m.c, probs, out);
            same("attention probs vs CPU" + at, probs.toArray(), gotP);
            same("attention out vs CPU" + at, out.toArray(), gotO);
        } catch (UnsupportedOperationException notYet) {
            // CpuBackend.attention is still a stub on this branch: the float64 reference above stands alone.
        }
    }

    static void cpuAttentionBackwardIfImplemented(int batch, int seq, int heads, int dh, P qkv, float[] probs, P gOut,
                                                  float[] got, String at) {
        int d = heads * dh;
        try (Tensor p = CPU.tensor(probs, batch, heads, seq, seq); Tensor scratch = CPU.zeros(batch, heads, seq, seq);
             Tensor gQkv = CPU.zeros(batch, seq, 3 * d)) {
            CPU.attentionBackward(batch, seq, heads, dh, qkv.c, p, gOut.c, scratch, gQkv);
            same("attentionBackward gQkv vs CPU" + at, gQkv.toArray(), got);
        } catch (UnsupportedOperationException notYet) {
            // see cpuAttentionIfImplemented
        }
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    // ---------------------------------------------------------------- per-sample norms and clipping

    @Test
    void linearNorms() {
        int[][] cases = {{8, 1, 16, 24}, {5, 6, 20, 12}, {1, 1, 3, 5}, {0, 3, 7, 9}, {3, 33, 64, 48}};
        for (int[] cs : cases) {
            int batch = cs[0], t = cs[1], d = cs[2], p = cs[3];
            P a = rand(batch * t, d);
            P g = rand(batch * t, p);
            for (boolean bias : new boolean[] {false, true}) {
                P o = rand(batch);
                if (t == 1) {
                    CPU.linearNormsRowwise(batch, d, p, a.c, g.c, bias, o.c);
                    gpu.linearNormsRowwise(batch, d, p, a.g, g.g, bias, o.g);
                    same("linearNormsRowwise " + Arrays.toString(cs), o);
                }
                CPU.linearNormsGhost(batch, t, d, p, a.c, g.c, bias, o.c);
                gpu.linearNormsGhost(batch, t, d, p, a.g, g.g, bias, o.g);
                same("linearNormsGhost " + Arrays.toString(cs) + " bias=" + bias, o);
                CPU.linearNormsDirect(batch, t, d, p, a.c, g.c, bias, o.c);
                gpu.linearNormsDirect(batch, t, d, p, a.g, g.g, bias, o.g);
                same("linearNormsDirect " + Arrays.toString(cs) + " bias=" + bias, o);
                CPU.biasNorms(batch, t, p, g.c, o.c);
                gpu.biasNorms(batch, t, p, g.g, o.g);
                same("biasNorms", o);
            }
        }
        covered("linearNormsRowwise");
        covered("linearNormsGhost");
        covered("linearNormsDirect");
        covered("biasNorms");
    }

    @Test
    void embeddingNormsWithRepeatedTokens() {
        for (int[] cs : new int[][] {{4, 50, 32, 5}, {1, 1, 8, 3}, {3, 200, 64, 1000}}) { // batch, T, d, vocab
            int batch = cs[0], t = cs[1], d = cs[2];
            IP tok = ints(batch * t, cs[3]);
            P g = rand(batch * t, d);
            P o = rand(batch);
            CPU.embeddingNorms(batch, t, d, tok.c, g.c, o.c);
            gpu.embeddingNorms(batch, t, d, tok.g, g.g, o.g);
            same("embeddingNorms " + Arrays.toString(cs), o);
        }
        covered("embeddingNorms");
    }

    @Test
    void clipFactorsFlatAndAutomatic() {
        int batch = 1000;
        float[] sq = new float[batch];
        for (int i = 0; i < batch; i++) {
            sq[i] = (float) Math.pow(10, rnd.nextDouble() * 6 - 3);
        }
        P n = of(sq, batch);
        P m = mask(batch, 0.2);
        for (boolean normalize : new boolean[] {false, true}) {
            P f = rand(batch);
            CPU.clipFactors(batch, n.c, m.c, 1.5f, 1e-6f, normalize, f.c);
            gpu.clipFactors(batch, n.g, m.g, 1.5f, 1e-6f, normalize, f.g);
            same("clipFactors normalize=" + normalize, f);
        }
        covered("clipFactors");
    }

    // ---------------------------------------------------------------- fused updates

    UpdateNoise noise(float std, int n, long first) {
        int[] key = new int[8];
        for (int i = 0; i < 8; i++) {
            key[i] = rnd.nextInt();
        }
        int streamId = rnd.nextInt();
        long step = rnd.nextLong() >>> 20;
        double[] z = ChaChaNoiseReference.normals(key, streamId, step, first, n);
        float[] zf = new float[n];
        for (int i = 0; i < n; i++) {
            zf[i] = (float) z[i];
        }
        return new UpdateNoise(std, zf, 0, key, streamId, step, first);
    }

    @Test
    void fusedSgdAndAdam() {
        for (int n : new int[] {1, 7, 8, 1000, 4099}) {
            for (long first : new long[] {0, 3, 8, 1_000_001}) {
                for (UpdateNoise nz : new UpdateNoise[] {UpdateNoise.NONE, noise(0.7f, n, first)}) {
                    P w = rand(n);
                    P g = rand(n);
                    P v = rand(n);
                    CPU.sgdUpdate(w.c, g.c, nz, 0.01f, 0.1f, 0.9f, 1e-4f, v.c);
                    gpu.sgdUpdate(w.g, g.g, nz, 0.01f, 0.1f, 0.9f, 1e-4f, v.g);
                    same("sgdUpdate param n=" + n + " first=" + first, w);
                    same("sgdUpdate velocity", v);
                    CPU.sgdUpdate(w.c, g.c, nz, 0.01f, 0.1f, 0f, 0f, null);
                    gpu.sgdUpdate(w.g, g.g, nz, 0.01f, 0.1f, 0f, 0f, null);
                    same("sgdUpdate plain", w);
                    P m = rand(n);
                    P s = of(v.c.toArray(), n);
                    float[] sq = s.c.toArray();
                    for (int i = 0; i < n; i++) {
                        sq[i] = sq[i] * sq[i];
                    }
                    s.c.copyFrom(sq);
                    s.g.copyFrom(sq);
                    CPU.adamUpdate(w.c, g.c, nz, 0.01f, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 7, m.c, s.c);
                    gpu.adamUpdate(w.g, g.g, nz, 0.01f, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 7, m.g, s.g);
                    same("adamUpdate param", w);
                    same("adamUpdate m", m);
                    same("adamUpdate v", s);
                }
            }
        }
        covered("sgdUpdate");
        covered("adamUpdate");
    }

    /** The noise stage of a private step, with the noise the CPU reads from the same stream. */
    @Test
    void addNoiseAndScale() {
        for (int n : new int[] {1, 7, 1000, 4099}) {
            for (long first : new long[] {0, 3, 1_000_001}) {
                for (UpdateNoise nz : new UpdateNoise[] {UpdateNoise.NONE, noise(0.7f, n, first)}) {
                    P x = rand(n);
                    CPU.addNoiseAndScale(x.c, nz, 0.125f);
                    gpu.addNoiseAndScale(x.g, nz, 0.125f);
                    same("addNoiseAndScale n=" + n + " first=" + first, x);
                }
            }
        }
        covered("addNoiseAndScale");
    }

    /** The in-kernel noise stream, element by element, against the float64 reference: 1e-6 relative. */
    @Test
    void noiseStreamMatchesReference() {
        for (long first : new long[] {0, 5, 8, 13, (1L << 35) - 10_010}) {
            int n = 10_007;
            UpdateNoise nz = noise(1f, n, first);
            double[] z = ChaChaNoiseReference.normals(nz.key(), nz.streamId(), nz.step(), first, n);
            try (Tensor w = gpu.zeros(n); Tensor g = gpu.zeros(n)) {
                // param = 0 - lr * (0 + noise) with lr = -1: param holds (float) (1 * z) exactly
                gpu.sgdUpdate(w, g, nz, 1f, -1f, 0f, 0f, null);
                float[] got = w.toArray();
                int bad = 0;
                for (int i = 0; i < n; i++) {
                    if (!(Math.abs(got[i] - z[i]) <= 1e-6 * Math.abs(z[i]) + 1e-7)) {
                        if (bad++ < 5) {
                            System.out.printf("first=%d i=%d cuda %.9g ref %.9g%n", first, i, got[i], z[i]);
                        }
                    }
                }
                assertEquals(0, bad, "noise elements differing from the reference, first=" + first);
            }
        }
    }

    @Test
    void arenaExhaustionIsACleanException() {
        long[] st = gpu.arenaStats();
        CudaException e = assertThrows(CudaException.class, () -> gpu.zeros((int) Math.min(Integer.MAX_VALUE, st[0])));
        assertEquals("cudaErrorMemoryAllocation", e.errorName());
        try (Tensor t = gpu.zeros(1000)) {
            gpu.fill(t, 1f);
            assertEquals(1000.0, gpu.sum(t), 0.0);
        }
    }
}
