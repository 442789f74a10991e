import jdk.incubator.vector.*;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

/**
 * The measurements behind the secure-noise design (BENCHMARKS.md, "Secure noise"): normals per second
 * on one thread, by the thread's CPU time (the machine is shared), for the candidate pieces, interleaved
 * round by round in one JVM.
 *
 * <pre>
 * mvn -B -pl core-java -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp core-java/target/classes scripts/NoiseProbe.java [rounds]
 * </pre>
 * Rows: the scalar and the Vector API bulk kernels of GaussianNoise (the shipped ones, same values bit
 * for bit); the ciphers alone (ChaCha20 on 16 blocks in 512-bit int lanes, as the vector kernel; AES-256-CTR
 * through the JDK's intrinsified Cipher, called on 16 KB pieces), counted at 8 bytes per normal (two 52-bit
 * uniforms per pair);
 * Box-Muller alone on precomputed uniforms with StrictMath, Math, Math with sin from cos
 * ({@code sqrt(1 - c^2)}: one transcendental fewer), and the Vector API's LOG/SQRT/SIN/COS (SVML on JDK 17
 * x86); and a whole fill from ChaCha20 lanes through SVML Box-Muller (not the stream's definition: SVML's
 * results differ from fdlibm's in the last ulp).
 */
public class NoiseProbe {
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VectorSpecies<Long> L = LongVector.SPECIES_512;
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_512;
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    static final int C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574;
    static final IntVector IOTA = IntVector.fromArray(I, new int[]{0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15}, 0);

    /** 16 blocks, word-major: out[w * 16 + lane]. */
    static void chacha16(int[] key, int ctr0, int n0, int n1, int n2, int[] out) {
        IntVector x0 = IntVector.broadcast(I, C0), x1 = IntVector.broadcast(I, C1), x2 = IntVector.broadcast(I, C2), x3 = IntVector.broadcast(I, C3);
        IntVector x4 = IntVector.broadcast(I, key[0]), x5 = IntVector.broadcast(I, key[1]), x6 = IntVector.broadcast(I, key[2]), x7 = IntVector.broadcast(I, key[3]);
        IntVector x8 = IntVector.broadcast(I, key[4]), x9 = IntVector.broadcast(I, key[5]), x10 = IntVector.broadcast(I, key[6]), x11 = IntVector.broadcast(I, key[7]);
        IntVector ctr = IOTA.add(ctr0);
        IntVector x12 = ctr, x13 = IntVector.broadcast(I, n0), x14 = IntVector.broadcast(I, n1), x15 = IntVector.broadcast(I, n2);
        for (int r = 0; r < 10; r++) {
            x0 = x0.add(x4); x12 = x12.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 16); x8 = x8.add(x12); x4 = x4.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 12);
            x0 = x0.add(x4); x12 = x12.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 8); x8 = x8.add(x12); x4 = x4.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 7);
            x1 = x1.add(x5); x13 = x13.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 16); x9 = x9.add(x13); x5 = x5.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 12);
            x1 = x1.add(x5); x13 = x13.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 8); x9 = x9.add(x13); x5 = x5.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 7);
            x2 = x2.add(x6); x14 = x14.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 16); x10 = x10.add(x14); x6 = x6.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 12);
            x2 = x2.add(x6); x14 = x14.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 8); x10 = x10.add(x14); x6 = x6.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 7);
            x3 = x3.add(x7); x15 = x15.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 16); x11 = x11.add(x15); x7 = x7.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 12);
            x3 = x3.add(x7); x15 = x15.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 8); x11 = x11.add(x15); x7 = x7.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 7);

            x0 = x0.add(x5); x15 = x15.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 16); x10 = x10.add(x15); x5 = x5.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 12);
            x0 = x0.add(x5); x15 = x15.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 8); x10 = x10.add(x15); x5 = x5.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 7);
            x1 = x1.add(x6); x12 = x12.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 16); x11 = x11.add(x12); x6 = x6.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 12);
            x1 = x1.add(x6); x12 = x12.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 8); x11 = x11.add(x12); x6 = x6.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 7);
            x2 = x2.add(x7); x13 = x13.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 16); x8 = x8.add(x13); x7 = x7.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 12);
            x2 = x2.add(x7); x13 = x13.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 8); x8 = x8.add(x13); x7 = x7.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 7);
            x3 = x3.add(x4); x14 = x14.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 16); x9 = x9.add(x14); x4 = x4.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 12);
            x3 = x3.add(x4); x14 = x14.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 8); x9 = x9.add(x14); x4 = x4.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 7);
        }
        x0.add(C0).intoArray(out, 0); x1.add(C1).intoArray(out, 16); x2.add(C2).intoArray(out, 32); x3.add(C3).intoArray(out, 48);
        x4.add(key[0]).intoArray(out, 64); x5.add(key[1]).intoArray(out, 80); x6.add(key[2]).intoArray(out, 96); x7.add(key[3]).intoArray(out, 112);
        x8.add(key[4]).intoArray(out, 128); x9.add(key[5]).intoArray(out, 144); x10.add(key[6]).intoArray(out, 160); x11.add(key[7]).intoArray(out, 176);
        x12.add(ctr).intoArray(out, 192); x13.add(n0).intoArray(out, 208); x14.add(n1).intoArray(out, 224); x15.add(n2).intoArray(out, 240);
    }

    static final LongVector MASK32 = LongVector.broadcast(L, 0xFFFFFFFFL);
    static final LongVector ONE_BITS = LongVector.broadcast(L, 0x3FF0000000000000L);

    /** Uniforms of 64-bit value k of blocks [8h, 8h+8): (m + 0.5) 2^-52 exactly. */
    static DoubleVector uniform(int[] w, int k, int h) {
        IntVector lo = IntVector.fromArray(I, w, 2 * k * 16);
        IntVector hi = IntVector.fromArray(I, w, (2 * k + 1) * 16);
        LongVector l = ((LongVector) lo.convertShape(VectorOperators.I2L, L, h)).and(MASK32);
        LongVector hh = ((LongVector) hi.convertShape(VectorOperators.I2L, L, h)).lanewise(VectorOperators.LSHL, 32);
        LongVector x = l.or(hh).lanewise(VectorOperators.LSHR, 12).or(ONE_BITS);
        return x.reinterpretAsDoubles().sub(1.0).add(0x1p-53);
    }

    static double sink;

    /** SVML Box–Muller over chacha16 blocks: dst gets 128 normals per call, transposed through scratch. */
    static void fillSvml(int[] key, int step, float[] dst, int n, int mode) {
        int[] w = new int[256];
        float[] tmp = new float[64];
        int[] idx = new int[8];
        for (int b = 0; b < 8; b++) idx[b] = 8 * b;
        for (int e = 0; e < n; e += 128) {
            chacha16(key, e >>> 3, 0, step, 0, w);
            for (int h = 0; h < 2; h++) {
                int base = e + h * 64;
                for (int i = 0; i < 4; i++) {
                    DoubleVector u1 = uniform(w, 2 * i, h);
                    DoubleVector u2 = uniform(w, 2 * i + 1, h);
                    DoubleVector r = u1.lanewise(VectorOperators.LOG).mul(-2.0).lanewise(VectorOperators.SQRT);
                    DoubleVector t = u2.mul(2.0 * Math.PI);
                    DoubleVector c = t.lanewise(VectorOperators.COS).mul(r);
                    DoubleVector s = t.lanewise(VectorOperators.SIN).mul(r);
                    FloatVector cf = (FloatVector) c.convertShape(VectorOperators.D2F, F8, 0);
                    FloatVector sf = (FloatVector) s.convertShape(VectorOperators.D2F, F8, 0);
                    if (mode == 0) {
                        cf.intoArray(dst, base + 2 * i, idx, 0);
                        sf.intoArray(dst, base + 2 * i + 1, idx, 0);
                    } else {
                        cf.intoArray(tmp, (2 * i) * 8);
                        sf.intoArray(tmp, (2 * i + 1) * 8);
                    }
                }
                if (mode != 0) {
                    for (int b = 0; b < 8; b++) for (int p = 0; p < 8; p++) dst[base + 8 * b + p] = tmp[p * 8 + b];
                }
            }
        }
    }

    static void chachaOnly(int[] key, int step, int n) {
        int[] w = new int[256];
        int acc = 0;
        for (int e = 0; e < n; e += 128) { chacha16(key, e >>> 3, 0, step, 0, w); acc += w[5]; }
        sink += acc;
    }

    /** Scalar Box-Muller variants on precomputed uniforms. */
    static void bmScalar(double[] u, float[] dst, int variant) {
        int n = u.length;
        switch (variant) {
            case 0: for (int i = 0; i < n; i += 2) { double r = StrictMath.sqrt(-2.0 * StrictMath.log(u[i])); double t = 2 * Math.PI * u[i + 1]; dst[i] = (float) (r * StrictMath.cos(t)); dst[i + 1] = (float) (r * StrictMath.sin(t)); } break;
            case 1: for (int i = 0; i < n; i += 2) { double r = Math.sqrt(-2.0 * Math.log(u[i])); double t = 2 * Math.PI * u[i + 1]; dst[i] = (float) (r * Math.cos(t)); dst[i + 1] = (float) (r * Math.sin(t)); } break;
            case 2: for (int i = 0; i < n; i += 2) { double r = Math.sqrt(-2.0 * Math.log(u[i])); double t = 2 * Math.PI * u[i + 1]; double c = Math.cos(t); double s = Math.sqrt(1 - c * c); if (u[i + 1] > 0.5) s = -s; dst[i] = (float) (r * c); dst[i + 1] = (float) (r * s); } break;
        }
    }

    /** SVML Box–Muller alone on precomputed uniforms (vector, same as fillSvml without the cipher). */
    static void bmSvml(double[] u1s, double[] u2s, float[] dst) {
        for (int i = 0; i < u1s.length; i += 8) {
            DoubleVector u1 = DoubleVector.fromArray(D, u1s, i), u2 = DoubleVector.fromArray(D, u2s, i);
            DoubleVector r = u1.lanewise(VectorOperators.LOG).mul(-2.0).lanewise(VectorOperators.SQRT);
            DoubleVector t = u2.mul(2.0 * Math.PI);
            ((FloatVector) t.lanewise(VectorOperators.COS).mul(r).convertShape(VectorOperators.D2F, F8, 0)).intoArray(dst, 2 * i);
            ((FloatVector) t.lanewise(VectorOperators.SIN).mul(r).convertShape(VectorOperators.D2F, F8, 0)).intoArray(dst, 2 * i + 8);
        }
    }

    static double cpuRate(Runnable r, long per, ThreadMXBean tm) {
        long c0 = tm.getCurrentThreadCpuTime(), w0 = System.nanoTime(), done = 0;
        do { r.run(); done += per; } while (System.nanoTime() - w0 < 300_000_000L);
        return done / ((tm.getCurrentThreadCpuTime() - c0) / 1e9) / 1e6;
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        int n = 1 << 16;
        int[] key = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] dst = new float[n];
        double[] u = new double[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (int i = 0; i < n; i++) u[i] = ((rnd.nextLong() >>> 12) + 0.5) * 0x1p-52;
        double[] u1 = java.util.Arrays.copyOf(u, n / 2), u2 = java.util.Arrays.copyOfRange(u, n / 2, n);
        Object[] kernels = new Object[2];
        Method[] fill = new Method[2];
        String[] kn = {"org.edp4j.dp.noise.ScalarNoiseKernel", "org.edp4j.dp.noise.VectorNoiseKernel"};
        for (int i = 0; i < 2; i++) {
            Class<?> c = Class.forName(kn[i]);
            Constructor<?> ctor = c.getDeclaredConstructor();
            ctor.setAccessible(true);
            kernels[i] = ctor.newInstance();
            fill[i] = c.getDeclaredMethod("normals", int[].class, int.class, int.class, int.class, int.class, int.class,
                    double.class, float[].class, int.class);
            fill[i].setAccessible(true);
        }
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new IvParameterSpec(new byte[16]));
        byte[] zeros = new byte[8 * n], ks = new byte[8 * n];
        int[] step = {0};
        String[] names = {"GaussianNoise scalar kernel (shipped fallback)", "GaussianNoise Vector API kernel (shipped)",
            "ChaCha20, 16 blocks in 512-bit int lanes, alone", "AES-256-CTR, JDK Cipher (AES-NI/VAES), alone",
            "Box-Muller alone, StrictMath", "Box-Muller alone, Math", "Box-Muller alone, Math, sin = sqrt(1 - cos^2)",
            "Box-Muller alone, Vector API LOG/SQRT/SIN/COS (SVML)", "ChaCha20 lanes + SVML Box-Muller, whole fill"};
        Runnable[] runs = {
            () -> { try { fill[0].invoke(kernels[0], key, step[0]++ * (n / 8), 0, 0, 0, n / 8, 1.0, dst, 0); } catch (ReflectiveOperationException e) { throw new RuntimeException(e); } },
            () -> { try { fill[1].invoke(kernels[1], key, step[0]++ * (n / 8), 0, 0, 0, n / 8, 1.0, dst, 0); } catch (ReflectiveOperationException e) { throw new RuntimeException(e); } },
            () -> chachaOnly(key, step[0]++, n),
            () -> { // in 16 KB pieces: with 512 KB calls from the start JDK 17's JIT never reached the AES-CTR intrinsic (0.35 GB/s)
                try {
                    for (int o = 0; o < zeros.length; o += 16384) aes.update(zeros, o, 16384, ks, o);
                } catch (Exception e) { throw new RuntimeException(e); } },
            () -> bmScalar(u, dst, 0), () -> bmScalar(u, dst, 1), () -> bmScalar(u, dst, 2), () -> bmSvml(u1, u2, dst),
            () -> fillSvml(key, step[0]++, dst, n, 1)};
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        double[][] res = new double[names.length][rounds];
        for (int round = -6; round < rounds; round++) { // the first rounds warm the JIT up (tens of seconds on a busy machine)
            for (int v = 0; v < names.length; v++) {
                double rate = cpuRate(runs[v], n, tm);
                if (round >= 0) res[v][round] = rate;
            }
        }
        for (int v = 0; v < names.length; v++) {
            double[] a = res[v].clone();
            java.util.Arrays.sort(a);
            System.out.printf("| %s | %.0f [%.0f-%.0f] |%n", names[v], a[a.length / 2], a[0], a[a.length - 1]);
        }
        System.out.println("(M normals/s, one thread, thread CPU time; median [min-max] over " + rounds + " rounds; sink " + sink + ")");
    }
}
