package org.edp4j.dp.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Vectorization;
import org.junit.jupiter.api.Test;

/**
 * Both {@link NoiseKernel}s against the stream's definition ({@link ChaCha20#block} words,
 * {@link GaussianNoise#toUniform}, Box–Muller with {@link StrictMath}), bit for bit, and against
 * each other: the Vector API kernel must not change a single value of the stream.
 */
class NoiseKernelTest {

    /** The scalar kernel always; the Vector API one whenever the module is readable (the build adds it). */
    static List<NoiseKernel> kernels() {
        List<NoiseKernel> list = new ArrayList<>();
        list.add(new ScalarNoiseKernel());
        Vectorization.vectorKernel(NoiseKernel.class, "org.edp4j.dp.noise.VectorNoiseKernel").ifPresent(list::add);
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            assertEquals(2, list.size(), "jdk.incubator.vector is readable but VectorNoiseKernel did not load");
        }
        return list;
    }

    @Test
    void bothKernelsAreTestedWhenTheVectorApiIsReadable() {
        boolean readable = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(readable ? 2 : 1, kernels().size());
        assertEquals(Vectorization.enabled() ? "VectorNoiseKernel" : "ScalarNoiseKernel",
                GaussianNoise.KERNEL.getClass().getSimpleName());
    }

    /** The definition, one block at a time: {@code (float) (stddev * z_p)} of block {@code counter}. */
    static float[] reference(int[] key, int counter0, int n0, int n1, int n2, int blocks, double stddev) {
        float[] out = new float[8 * blocks];
        int[] w = new int[16];
        for (int b = 0; b < blocks; b++) {
            ChaCha20.block(key, counter0 + b, n0, n1, n2, w);
            for (int i = 0; i < 4; i++) {
                double u1 = GaussianNoise.toUniform(GaussianNoise.word64(w, 2 * i));
                double u2 = GaussianNoise.toUniform(GaussianNoise.word64(w, 2 * i + 1));
                double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
                double t = GaussianNoise.TWO_PI * u2;
                out[8 * b + 2 * i] = (float) (stddev * (r * StrictMath.cos(t)));
                out[8 * b + 2 * i + 1] = (float) (stddev * (r * StrictMath.sin(t)));
            }
        }
        return out;
    }

    @Property(tries = 30)
    void normalsAreTheDefinitionBitForBit(@ForAll long seed, @ForAll int counter0, @ForAll int n0, @ForAll int n1,
                                          @ForAll @IntRange(min = 1, max = 4) int groups,
                                          @ForAll @IntRange(min = 0, max = 3000) int stddevMilli) {
        int[] key = GaussianNoise.insecureSeeded(seed).key();
        double stddev = stddevMilli / 1000.0;
        for (NoiseKernel k : kernels()) {
            int blocks = groups * 64; // a multiple of every kernel's group
            float[] got = new float[8 * blocks + 5];
            k.normals(key, counter0, n0, n1, 0, blocks, stddev, got, 3);
            float[] ref = reference(key, counter0, n0, n1, 0, blocks, stddev);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(got[3 + i]),
                        k.getClass().getSimpleName() + " element " + i + ": " + ref[i] + " vs " + got[3 + i]);
            }
        }
    }

    @Property(tries = 30)
    void uniformsAreTheDefinitionBitForBit(@ForAll long seed, @ForAll int counter0, @ForAll int n2) {
        int[] key = GaussianNoise.insecureSeeded(seed).key();
        for (NoiseKernel k : kernels()) {
            double[] got = new double[8 * 64];
            k.uniforms(key, counter0, 2, 9, n2, 64, got, 0);
            int[] w = new int[16];
            for (int b = 0; b < 64; b++) {
                ChaCha20.block(key, counter0 + b, 2, 9, n2, w);
                for (int p = 0; p < 8; p++) {
                    assertEquals(GaussianNoise.toUniform(GaussianNoise.word64(w, p)), got[8 * b + p]);
                }
            }
        }
    }

    /** 2^21 normals (16,384 vector groups, about 200 of them with a lane the scalar code redoes). */
    @Test
    void kernelsAgreeOnMillionsOfNormalsAcrossTheCounterWrap() {
        List<NoiseKernel> ks = kernels();
        int blocks = 1 << 18;
        int[] key = GaussianNoise.insecureSeeded(20261130L).key();
        float[] first = null;
        for (NoiseKernel k : ks) {
            float[] z = new float[8 * blocks];
            k.normals(key, -blocks / 2, GaussianNoise.GRADIENT_NOISE, 77, 1, blocks, 1.0, z, 0);
            if (first == null) {
                first = z;
            } else {
                assertArrayEquals(first, z, k.getClass().getSimpleName());
            }
        }
    }

    /**
     * Uniforms at fdlibm's branch points, where a lane-wise version is most likely to take the wrong
     * side, each approached from both sides by 1 to 2^30 grid steps: for log, u1 whose high word's
     * mantissa bits are at e_log.c's thresholds (0x6a09c: x or x/2; 0x6147a and 0x6b851: the hfsq
     * branch; 0 and 0xfffff: powers of two and the |f| < 2^-20 branch) at exponents 2^-1 .. 2^-52;
     * for cos and sin, t = n pi/2 + x and n pi/2 - x (n = 0..4) with x at the high words that
     * s_sin.c, e_rem_pio2.c and k_cos.c compare against (pi/4, 3pi/4, 0.3, 0.78125, 2^-27, 2^-17).
     * Every kernel must give StrictMath's values bit for bit (the Vector API kernel runs its group
     * code on these uniforms encoded back into keystream words).
     */
    @Test
    void boxMullerAtFdlibmsBranchPointsIsStrictMathBitForBit() {
        List<Double> u1 = new ArrayList<>();
        List<Double> u2 = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(5);
        int[] logHigh = {0x6a09b, 0x6a09c, 0x61479, 0x6147a, 0x6b851, 0x6b852, 0, 0xfffff};
        for (int e = 1; e <= 52; e += (e < 4 || e > 49 ? 1 : 7)) {
            for (int h : logHigh) {
                double center = Double.longBitsToDouble((long) ((0x3ff00000 - (e << 20)) | h) << 32);
                around(center, u1, u2, rng, true);
            }
        }
        int[] tHigh = {0x3fe921fb, 0x3fe921fc, 0x4002d97b, 0x4002d97c, 0x3fd33332, 0x3fd33333, 0x3fe90000,
            0x3fe90001, 0x3e400000, 0x3ee00000};
        for (int h : tHigh) {
            double x = Double.longBitsToDouble((long) h << 32);
            for (int n = 0; n <= 4; n++) {
                for (int sign = -1; sign <= 1; sign += 2) {
                    double t = n * (Math.PI / 2) + sign * x;
                    if (t > 0 && t < GaussianNoise.TWO_PI) {
                        around(t / GaussianNoise.TWO_PI, u2, u1, rng, true);
                    }
                }
            }
        }
        u1.add(0x1p-53);
        u2.add(1 - 0x1p-53);
        while (u1.size() % 8 != 0) {
            u1.add(0.5 + 0x1p-53); // on the uniform grid (m + 0.5) 2^-52
            u2.add(0.5 + 0x1p-53);
        }
        int n = u1.size();
        double[] a = u1.stream().mapToDouble(Double::doubleValue).toArray();
        double[] b = u2.stream().mapToDouble(Double::doubleValue).toArray();
        for (NoiseKernel k : kernels()) {
            double[] zc = new double[n];
            double[] zs = new double[n];
            k.boxMuller(a, b, n, zc, zs);
            for (int i = 0; i < n; i++) {
                double r = StrictMath.sqrt(-2.0 * StrictMath.log(a[i]));
                double t = GaussianNoise.TWO_PI * b[i];
                String at = k.getClass().getSimpleName() + " u1 = " + a[i] + ", u2 = " + b[i];
                assertEquals(Double.doubleToRawLongBits(r * StrictMath.cos(t)), Double.doubleToRawLongBits(zc[i]), at);
                assertEquals(Double.doubleToRawLongBits(r * StrictMath.sin(t)), Double.doubleToRawLongBits(zs[i]), at);
            }
        }
        assertTrue(n > 9_000, "points " + n);
    }

    /**
     * Adds uniforms on the 2^-52 grid around {@code center} (to {@code near}), 0..3 and 2^4..2^30 grid
     * steps on either side, each with a random partner (to {@code other}).
     */
    private static void around(double center, List<Double> near, List<Double> other, SplittableRandom rng,
                               boolean both) {
        long m0 = (long) Math.floor(center * 0x1p52);
        for (int side = -1; side <= 1; side += 2) {
            for (long d = 0; d < (1L << 31); d = d < 3 ? d + 1 : d * 2 + (d & 1)) {
                long m = m0 + side * d;
                if (m >= 0 && m < (1L << 52)) {
                    near.add((m + 0.5) * 0x1p-52);
                    other.add(((rng.nextLong() >>> 12) + 0.5) * 0x1p-52);
                }
            }
        }
    }
}
