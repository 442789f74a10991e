package org.edp4j.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.edp4j.dp.noise.ChaCha20;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Backends;
import org.edp4j.tensor.IntTensor;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.UpdateNoise;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The DP kernels one at a time, at the sizes of the headline models, each reported as bytes moved
 * per second (the {@code bytes} counter: a lower bound on the traffic, every input read once and
 * every output written once) next to a plain copy of the same order of bytes, the machine's
 * reference bandwidth. The noise generator is also reported in normals per second (one thread).
 *
 * <ul>
 *   <li>{@code normsLinear}: per-sample norms of Linear 512-512 on {@code [256, 512]}.
 *   <li>{@code normsEmbedding}: per-sample ghost norms of Embedding(20,000 x 128), B 256, T 128.
 *   <li>{@code normsLinearSeqGhost} / {@code normsLinearSeqDirect}: per-sample norms of a Linear
 *       layer on sequences (with bias) at the encoder's shapes, B 64, T 128, {@code @Param shape}
 *       {@code d x p} = 256x768 (QKV), 256x256 (output), 256x1024 and 1024x256 (feed-forward);
 *       {@code gradLinearSeq}: the weight-gradient GEMM of the same shape ({@code A^T diag(c) G}
 *       over B T rows), which private and non-private steps both pay: the norm's cost is read
 *       against it. {@code forwardLinearSeq} ({@code Y = X W}, NN) and {@code inputGradLinearSeq}
 *       ({@code dX = dY W^T}, NT) are the layer's other two GEMMs; each of the three does
 *       {@code 2 B T d p} flops (GFLOP/s = ops/s x 2 x 8192 x d x p / 1e9).
 *   <li>{@code clipFactors}: 256 factors from squared norms.
 *   <li>{@code clippedSumLinear}: {@code A^T diag(c) G}, 512 x 512 from 256 rows.
 *   <li>{@code clippedSumEmbedding}: scatter-add of 256 x 128 rows of width 128 into the 20,000 x 128
 *       table (the table is cleared first: beta 0, as in a step).
 *   <li>{@code noiseFill}: 2^20 normals, one thread; {@code chacha20Blocks}: the cipher alone, one
 *       block at a time; {@code chacha20Lanes}: the cipher alone, 64 blocks at once (SIMD);
 *       {@code boxMullerStrictMath} / {@code boxMullerMath}: the transform alone, as defined / with
 *       Math's intrinsics (not the definition: the trade-off measured).
 *   <li>{@code updateNoisy} / {@code updatePlain}: the fused noise + SGD update on 2.56M
 *       parameters (the text model's table) with and without noise.
 *   <li>{@code copy}: the reference, a 2.56M-float copy.
 * </ul>
 */
@Fork(jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KernelBenchmark {
    static final int B = 256;
    static final int D = 512;
    static final int T = 128;
    static final int E = 128;
    static final int V = Workload.TEXT_VOCAB;
    static final int UPDATE_N = V * E;
    static final int NOISE_N = 1 << 20;

    @Param("cpu")
    public String backend;

    private Backend be;
    private Tensor a;
    private Tensor g;
    private Tensor sq;
    private Tensor mask;
    private Tensor factors;
    private Tensor dw;
    private IntTensor tokens;
    private Tensor ge;
    private Tensor table;
    private Tensor param;
    private Tensor grad;
    private Tensor copyDst;
    private float[] normals;
    private float[] noiseDst;
    private GaussianNoise noise;
    private int[] key;
    private int[] block;
    private int[][] lanes;
    private double[] uniforms;
    private long step;

    /** Bytes and normals per second: JMH reports these counters as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;
        public long normals;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            normals = 0;
        }
    }

    @Setup
    public void setup() {
        be = Backends.byName(backend);
        SplittableRandom r = new SplittableRandom(5);
        a = be.tensor(random(r, B * D), B, D);
        g = be.tensor(random(r, B * D), B, D);
        sq = be.zeros(B);
        mask = be.tensor(ones(B), B);
        factors = be.tensor(random(r, B), B);
        dw = be.zeros(D, D);
        int[] tok = new int[B * T];
        for (int i = 0; i < tok.length; i++) {
            tok[i] = 1 + r.nextInt(V - 1);
        }
        tokens = be.intTensor(tok, B, T);
        ge = be.tensor(random(r, B * T * E), B, T, E);
        table = be.zeros(V, E);
        param = be.tensor(random(r, UPDATE_N), UPDATE_N);
        grad = be.tensor(random(r, UPDATE_N), UPDATE_N);
        copyDst = be.zeros(UPDATE_N);
        noise = GaussianNoise.insecureSeeded(Workload.NOISE_SEED);
        key = noise.key();
        normals = new float[UPDATE_N];
        noise.fillNormals(GaussianNoise.GRADIENT_NOISE, 0, 0, normals, 0, UPDATE_N, 1f);
        noiseDst = new float[NOISE_N];
        block = new int[ChaCha20.BLOCK_WORDS];
        lanes = new int[ChaCha20.BLOCK_WORDS][ChaCha20.LANES];
        uniforms = new double[NOISE_N];
        noise.fillUniforms(GaussianNoise.SAMPLING, 0, 0, uniforms, 0, NOISE_N);
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1) * 0.1f;
        }
        return x;
    }

    private static float[] ones(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, 1f);
        return x;
    }

    @Benchmark
    public Tensor normsLinear(Counters c) {
        be.fill(sq, 0f);
        be.linearNormsRowwise(B, D, D, a, g, true, sq);
        c.bytes += 4L * (2L * B * D + 2L * B);
        return sq;
    }

    @Benchmark
    public Tensor normsEmbedding(Counters c) {
        be.fill(sq, 0f);
        be.embeddingNorms(B, T, E, tokens, ge, sq);
        c.bytes += 4L * ((long) B * T * E + (long) B * T + 2L * B);
        return sq;
    }

    /** A Linear layer's input and output gradient on {@code [64, 128, d]} / {@code [64, 128, p]}. */
    @State(Scope.Benchmark)
    public static class SeqLinear {
        static final int B = 64;
        static final int T = 128;

        /** {@code d x p}: the encoder's QKV, output and the two feed-forward projections. */
        @Param({"256x768", "256x256", "256x1024", "1024x256"})
        public String shape;

        int d;
        int p;
        Backend be;
        Tensor a;
        Tensor g;
        Tensor sq;
        Tensor factors;
        Tensor dw;
        Tensor w;
        Tensor y;
        Tensor dx;

        @Setup
        public void setup(BenchmarkParams params) {
            be = Backends.byName(params.getParam("backend"));
            String[] dp = shape.split("x");
            d = Integer.parseInt(dp[0]);
            p = Integer.parseInt(dp[1]);
            SplittableRandom r = new SplittableRandom(7);
            a = be.tensor(random(r, B * T * d), B, T, d);
            g = be.tensor(random(r, B * T * p), B, T, p);
            sq = be.zeros(B);
            factors = be.tensor(random(r, B), B);
            dw = be.zeros(d, p);
            w = be.tensor(random(r, d * p), d, p);
            y = be.zeros(B, T, p);
            dx = be.zeros(B, T, d);
        }

        long inputBytes() {
            return 4L * ((long) B * T * (d + p) + 2L * B);
        }
    }

    @Benchmark
    public Tensor normsLinearSeqGhost(SeqLinear s, Counters c) {
        s.be.fill(s.sq, 0f);
        s.be.linearNormsGhost(SeqLinear.B, SeqLinear.T, s.d, s.p, s.a, s.g, true, s.sq);
        c.bytes += s.inputBytes();
        return s.sq;
    }

    @Benchmark
    public Tensor normsLinearSeqDirect(SeqLinear s, Counters c) {
        s.be.fill(s.sq, 0f);
        s.be.linearNormsDirect(SeqLinear.B, SeqLinear.T, s.d, s.p, s.a, s.g, true, s.sq);
        c.bytes += s.inputBytes();
        return s.sq;
    }

    @Benchmark
    public Tensor gradLinearSeq(SeqLinear s, Counters c) {
        s.be.gemmScaledTN(SeqLinear.B * SeqLinear.T, s.d, s.p, SeqLinear.T, s.a, s.g, s.factors, 0f, s.dw);
        c.bytes += s.inputBytes() + 4L * s.d * s.p;
        return s.dw;
    }

    @Benchmark
    public Tensor forwardLinearSeq(SeqLinear s, Counters c) {
        int rows = SeqLinear.B * SeqLinear.T;
        s.be.gemm(false, false, rows, s.p, s.d, 1f, s.a, s.w, 0f, s.y);
        c.bytes += 4L * ((long) rows * (s.d + s.p) + (long) s.d * s.p);
        return s.y;
    }

    @Benchmark
    public Tensor inputGradLinearSeq(SeqLinear s, Counters c) {
        int rows = SeqLinear.B * SeqLinear.T;
        s.be.gemm(false, true, rows, s.d, s.p, 1f, s.g, s.w, 0f, s.dx);
        c.bytes += 4L * ((long) rows * (s.d + s.p) + (long) s.d * s.p);
        return s.dx;
    }

    @Benchmark
    public Tensor clipFactors(Counters c) {
        be.clipFactors(B, sq, mask, 1f, 1e-6f, false, factors);
        c.bytes += 4L * 3 * B;
        return factors;
    }

    @Benchmark
    public Tensor clippedSumLinear(Counters c) {
        be.gemmScaledTN(B, D, D, 1, a, g, factors, 0f, dw);
        c.bytes += 4L * (2L * B * D + (long) D * D + B);
        return dw;
    }

    @Benchmark
    public Tensor clippedSumEmbedding(Counters c) {
        be.embeddingScatterAddScaled(B * T, E, T, tokens, ge, factors, 0f, table);
        // clear the table, read g and the ids, read-modify-write one table row per position
        c.bytes += 4L * ((long) V * E + (long) B * T * E + (long) B * T + 2L * B * T * E);
        return table;
    }

    @Benchmark
    public float[] noiseFill(Counters c) {
        noise.fillNormals(GaussianNoise.GRADIENT_NOISE, step++, 0, noiseDst, 0, NOISE_N, 1f);
        c.normals += NOISE_N;
        c.bytes += 4L * NOISE_N;
        return noiseDst;
    }

    @Benchmark
    public int[] chacha20Blocks(Counters c) {
        int n = NOISE_N / GaussianNoise.ELEMENTS_PER_BLOCK;
        for (int b = 0; b < n; b++) {
            ChaCha20.block(key, b, 0, (int) step, 0, block);
        }
        step++;
        c.normals += NOISE_N; // the normals these blocks would feed
        c.bytes += 64L * n;
        return block;
    }

    @Benchmark
    public int[][] chacha20Lanes(Counters c) {
        int n = NOISE_N / GaussianNoise.ELEMENTS_PER_BLOCK;
        for (int b = 0; b < n; b += ChaCha20.LANES) {
            ChaCha20.blocks(key, b, 0, (int) step, 0, lanes);
        }
        step++;
        c.normals += NOISE_N;
        c.bytes += 64L * n;
        return lanes;
    }

    /** Box–Muller alone with StrictMath (the stream's definition) on 2^20 precomputed uniforms. */
    @Benchmark
    public float[] boxMullerStrictMath(Counters c) {
        for (int i = 0; i < NOISE_N; i += 2) {
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(uniforms[i]));
            double t = 2.0 * Math.PI * uniforms[i + 1];
            noiseDst[i] = (float) (r * StrictMath.cos(t));
            noiseDst[i + 1] = (float) (r * StrictMath.sin(t));
        }
        c.normals += NOISE_N;
        return noiseDst;
    }

    /**
     * Box–Muller alone with Math (HotSpot intrinsics): NOT the stream's definition (results may differ by an
     * ulp in double from StrictMath, and between JVMs), measured to show what that trade would buy.
     */
    @Benchmark
    public float[] boxMullerMath(Counters c) {
        for (int i = 0; i < NOISE_N; i += 2) {
            double r = Math.sqrt(-2.0 * Math.log(uniforms[i]));
            double t = 2.0 * Math.PI * uniforms[i + 1];
            noiseDst[i] = (float) (r * Math.cos(t));
            noiseDst[i + 1] = (float) (r * Math.sin(t));
        }
        c.normals += NOISE_N;
        return noiseDst;
    }

    @Benchmark
    public Tensor updateNoisy(Counters c) {
        UpdateNoise un = new UpdateNoise(1e-3f, normals, 0, key, GaussianNoise.GRADIENT_NOISE, 0, 0);
        be.sgdUpdate(param, grad, un, 1e-3f, 1e-6f, 0f, 0f, null);
        c.bytes += 4L * 4 * UPDATE_N; // param read + write, grad read, normals read
        return param;
    }

    @Benchmark
    public Tensor updatePlain(Counters c) {
        be.sgdUpdate(param, grad, UpdateNoise.NONE, 1e-3f, 1e-6f, 0f, 0f, null);
        c.bytes += 4L * 3 * UPDATE_N;
        return param;
    }

    @Benchmark
    public Tensor copy(Counters c) {
        be.copy(grad, copyDst);
        c.bytes += 4L * 2 * UPDATE_N;
        return copyDst;
    }
}
