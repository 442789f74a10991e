package org.edp4j.dp.noise;

import java.security.SecureRandom;
import java.util.Objects;
import org.edp4j.tensor.Vectorization;

/**
 * Counter-based, cryptographically secure generator of standard normal (and uniform) variates for DP-SGD,
 * built on the ChaCha20 block function ({@link ChaCha20}, RFC 8439). Every value is a pure function of
 * {@code (key, streamId, step, element)}, so any range of any stream can be generated in any order, on any
 * thread, on the CPU or (by a kernel that copies this layout) on the GPU, and gives the same values.
 *
 * <h2>Stream layout (normative: the CUDA kernel reproduces it)</h2>
 * <ol>
 *   <li><b>Key.</b> 256 bits, as 8 int words {@code k0..k7} (ChaCha20 state words 4..11).</li>
 *   <li><b>Nonce.</b> {@code (n0, n1, n2) = (streamId, (int) step, (int) (step >>> 32))}
 *       (state words 13, 14, 15).</li>
 *   <li><b>Block.</b> Element {@code j} (0 &le; j &lt; {@link #MAX_ELEMENTS} = 2^35) lies in the keystream
 *       block with 32-bit counter {@code b = (int) (j >>> 3)} (= j / 8; state word 12), at position
 *       {@code p = j & 7} (= j % 8). Let {@code w[0..15] = ChaCha20.block(key, b, nonce)}.</li>
 *   <li><b>64-bit values.</b> The block's 16 words form 8 unsigned 64-bit integers,
 *       {@code x[k] = (w[2k] & 0xFFFFFFFFL) | ((long) w[2k+1] << 32)}, k = 0..7 (word 2k low, 2k+1 high;
 *       this is also the little-endian reading of keystream bytes 8k..8k+7).</li>
 *   <li><b>Uniforms.</b> {@code U(x) = ((double) (x >>> 12) + 0.5) * 0x1p-52}, i.e. the top 52 bits as an
 *       integer {@code m} in [0, 2^52) and {@code U = (m + 0.5) / 2^52}. Every step is exact in double, so
 *       {@code U} lies on the grid of midpoints in [2^-53, 1 - 2^-53]: never 0, never 1, and symmetric about
 *       1/2. (Why 52 and not 53 bits: {@code m + 0.5} with a 53-bit {@code m} needs 54 significant bits; in
 *       double it rounds to an even integer for every {@code m >= 2^52}, and {@code m = 2^53 - 1} gives
 *       exactly 1.0.)
 *       <br>Uniform element {@code j} is {@code U(x[j & 7])} of block {@code j >>> 3}: 8 uniforms per block.</li>
 *   <li><b>Normals.</b> Box–Muller in double on consecutive pairs: for {@code i = 0..3},
 *       {@code u1 = U(x[2i])}, {@code u2 = U(x[2i+1])},
 *       {@code r = sqrt(-2.0 * log(u1))}, {@code t = TWO_PI * u2} with
 *       {@code TWO_PI = 2 * Math.PI = 6.283185307179586} (the double nearest 2&pi;),
 *       {@code z[2i] = r * cos(t)}, {@code z[2i+1] = r * sin(t)}. Normal element {@code j} is
 *       {@code z[j & 7]} of block {@code j >>> 3}: 8 normals per block. Because {@code u1 >= 2^-53},
 *       {@code |z| <= sqrt(106 ln 2) = 8.57}.</li>
 *   <li><b>Scaling.</b> The double variant writes {@code stddev * z}; the float variant writes
 *       {@code (float) (stddev * z)}: the product is formed in double and rounded once to float.</li>
 * </ol>
 * Uniforms and normals of the same {@code (streamId, step)} read the same keystream blocks; the stream id is
 * the domain separation, so each purpose must use its own stream id ({@link #GRADIENT_NOISE},
 * {@link #CLIP_QUANTILE_NOISE}, {@link #SAMPLING},
 * {@link #FEDERATED_NOISE}, {@link #DEVICE_SELECTION}, or a caller-defined id &ge; 16) and must not draw the same
 * elements of one {@code (streamId, step)} twice.
 *
 * <h2>Math library</h2>
 * {@code log}, {@code sqrt}, {@code cos} and {@code sin} are those of {@link StrictMath} (fdlibm). StrictMath
 * results are specified bit for bit on every JVM and CPU, so a fixed key reproduces the same floats
 * everywhere (tests, checkpoints, cross-machine comparisons); {@link Math} may use platform intrinsics that
 * differ by an ulp. (For speed, {@code log}, {@code cos} and {@code sin} are evaluated by {@code FdLibm}, a Java
 * translation of the same fdlibm code that returns the same bits as StrictMath, tested on millions of
 * arguments: JDK 17's StrictMath calls them through JNI, which cost more than the arithmetic.)
 * A GPU using CUDA's double {@code log}, {@code sqrt}, {@code sincos} (errors of one or two
 * ulps) agrees with this stream to about 1e-15 relative, far inside the 1e-6 target; float32 outputs then
 * agree exactly or by one float ulp.
 *
 * <h2>Speed: the same values with or without the Vector API</h2>
 * Fills of whole groups of blocks run on a bulk kernel picked once per JVM by
 * {@link org.edp4j.tensor.Vectorization}. With {@code --add-modules jdk.incubator.vector} it is
 * {@code VectorNoiseKernel}: ChaCha20 on 16 blocks at once in the lanes of 512-bit int vectors, and
 * fdlibm's {@code log}, {@code cos}, {@code sin} evaluated lane-wise with the same double operations in the
 * same order (branches become blends of both sides; the rare lanes where fdlibm takes a branch that is not
 * vectorized, about one vector in 10^4, are recomputed by the scalar code), so every value is still
 * StrictMath's, bit for bit: about 6x the scalar kernel's speed on the 2-core AVX-512 build machine
 * (BENCHMARKS.md). Without the module, {@code ScalarNoiseKernel} runs (ChaCha20 on 64 blocks with
 * auto-vectorized loops, the transform one block at a time). A partial block at either end of a fill is
 * computed one block at a time with the same arithmetic, so how a range is split into calls never changes a
 * value, and neither does the JVM flag.
 *
 * <h2>Keys and security</h2>
 * {@link #secure()} draws the key from {@link SecureRandom}. {@link #insecureSeeded(long)} derives it from a
 * 64-bit seed and is for tests and reproducibility only: anyone who knows or guesses the seed can subtract
 * the noise, which voids the differential privacy guarantee. See {@code package-info.java} for the
 * floating-point discussion.
 *
 * <p>Instances are immutable and thread-safe; the fill methods allocate two small scratch arrays per call.
 */
public final class GaussianNoise {

    /** Stream id of the Gaussian noise added to the clipped gradient sum. */
    public static final int GRADIENT_NOISE = 0;
    /** Stream id of the Gaussian noise added to the clipped-count of adaptive quantile clipping. */
    public static final int CLIP_QUANTILE_NOISE = 1;
    /** Stream id of the uniforms of Poisson sampling (example i joins the batch when {@code uniform < q}). */
    public static final int SAMPLING = 2;
    /** Stream id of the noise on the token counts of a private vocabulary ({@code org.edp4j.data.DpVocabulary}). */
    public static final int VOCABULARY = 3;
    /**
     * Stream id of the Gaussian noise a federated server adds once per round to the sum of clipped device
     * updates (nonce = round; {@code org.edp4j.fl.FederatedAveraging}).
     */
    public static final int FEDERATED_NOISE = 4;
    /**
     * Stream id of the uniforms of Poisson device selection (device d joins round t when its uniform is below
     * its inclusion probability; nonce = round; {@code org.edp4j.fl.DeviceSampler}).
     */
    public static final int DEVICE_SELECTION = 5;
    /** Stream ids below this value are reserved for the library; caller-defined ids start here. */
    public static final int FIRST_USER_STREAM = 16;

    /** Number of elements per {@code (streamId, step)}: 2^35 (2^32 blocks of 8). Element indices are below it. */
    public static final long MAX_ELEMENTS = 1L << 35;

    /** Elements (normals or uniforms) per ChaCha20 block. */
    public static final int ELEMENTS_PER_BLOCK = 8;

    /**
     * The bulk arithmetic of this JVM: the Vector API kernel when {@link Vectorization#enabled()},
     * else the scalar one; the same values bit for bit either way.
     */
    static final NoiseKernel KERNEL = Vectorization.pick(NoiseKernel.class,
            "org.edp4j.dp.noise.VectorNoiseKernel", ScalarNoiseKernel::new);

    /** Whether the bulk kernel's speed is watched: the Vector API kernel's is. */
    private static final boolean WATCHED = !(KERNEL instanceof ScalarNoiseKernel);

    /** The speed check, made on the first large fill (null without thread CPU time). */
    private static final class Speed {
        static final KernelSpeedCheck CHECK = speedCheck();
    }

    /** Elements of one group of the kernel's blocks: whole groups go through the bulk path. */
    private static final int GROUP_ELEMENTS = ELEMENTS_PER_BLOCK * KERNEL.blocksPerGroup();

    /** The double nearest 2 pi; the GPU must use the same constant. */
    static final double TWO_PI = 2.0 * Math.PI;

    private final int[] key;
    private final boolean secure;

    private GaussianNoise(int[] key, boolean secure) {
        this.key = key;
        this.secure = secure;
    }

    /**
     * Creates a generator with a fresh 256-bit key from {@code new SecureRandom()}: 32 bytes read as 8
     * little-endian words. This is the generator to use for private training.
     *
     * @return a new secure generator; {@link #isSecure()} is true
     */
    public static GaussianNoise secure() {
        byte[] bytes = new byte[4 * ChaCha20.KEY_WORDS];
        new SecureRandom().nextBytes(bytes);
        int[] key = new int[ChaCha20.KEY_WORDS];
        for (int i = 0; i < key.length; i++) {
            key[i] = (bytes[4 * i] & 0xff) | (bytes[4 * i + 1] & 0xff) << 8
                    | (bytes[4 * i + 2] & 0xff) << 16 | (bytes[4 * i + 3] & 0xff) << 24;
            bytes[4 * i] = bytes[4 * i + 1] = bytes[4 * i + 2] = bytes[4 * i + 3] = 0;
        }
        return new GaussianNoise(key, true);
    }

    /**
     * <b>NOT SECURE.</b> Creates a generator whose key is derived from a 64-bit seed, for tests and
     * reproducible experiments only. Its noise gives <b>no privacy</b> against anyone who knows or can guess
     * the seed (64 bits, and often a small or default value): they can regenerate and subtract the noise.
     *
     * <p>Key derivation (exact, so other languages can reproduce it): four outputs {@code s0..s3} of
     * SplitMix64 seeded with {@code seed} (the values of {@code new java.util.SplittableRandom(seed).nextLong()}),
     * {@code key[2i] = (int) si}, {@code key[2i+1] = (int) (si >>> 32)}.
     *
     * @param seed any long
     * @return a new generator; {@link #isSecure()} is false
     */
    public static GaussianNoise insecureSeeded(long seed) {
        int[] key = new int[ChaCha20.KEY_WORDS];
        long state = seed;
        for (int i = 0; i < 4; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            key[2 * i] = (int) z;
            key[2 * i + 1] = (int) (z >>> 32);
        }
        return new GaussianNoise(key, false);
    }

    /**
     * Creates a generator from a 256-bit key, for restoring a checkpoint (see {@link #key()}). The caller
     * vouches that the key is secret and was drawn from a CSPRNG: the result reports {@link #isSecure()}
     * true. To restore an {@link #insecureSeeded(long)} generator, call {@code insecureSeeded} with its seed.
     *
     * @param key the key as 8 words, {@code key.length == 8}. Not modified (copied).
     * @return a new generator producing exactly the streams of the generator the key came from
     * @throws IllegalArgumentException if {@code key.length != 8}
     * @throws NullPointerException     if {@code key} is null
     */
    public static GaussianNoise fromKey(int[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != ChaCha20.KEY_WORDS) {
            throw new IllegalArgumentException("The 'key' must have 8 words, got " + key.length);
        }
        return new GaussianNoise(key.clone(), true);
    }

    /**
     * Returns a copy of the 256-bit key as 8 words. <b>The key is secret</b>: whoever holds it can regenerate
     * and subtract all the noise, voiding the privacy guarantee. Store it only where the model's training
     * data may be stored (e.g. an access-controlled checkpoint), never in logs or published artifacts.
     *
     * @return a new array of 8 words; modifying it does not affect this generator
     */
    public int[] key() {
        return key.clone();
    }

    /**
     * Whether the key came from {@link SecureRandom} ({@link #secure()}) or from a caller who vouches for it
     * ({@link #fromKey(int[])}); false for {@link #insecureSeeded(long)}.
     *
     * @return true unless the generator was created by {@link #insecureSeeded(long)}
     */
    public boolean isSecure() {
        return secure;
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return secure ? "GaussianNoise[secure]" : "GaussianNoise[INSECURE, seeded]";
    }

    // ----------------------------------------------------------------------------------------------------
    // Normals

    /**
     * Writes normal elements {@code firstElement .. firstElement + length - 1} of stream
     * {@code (streamId, step)}, scaled by {@code stddev}:
     * {@code dst[offset + i] = (float) (stddev * z(firstElement + i))} for {@code 0 <= i < length}, with
     * {@code z} as in the class javadoc. The values do not depend on how a range is split into calls:
     * {@code firstElement} need not be a multiple of 8.
     *
     * @param streamId     stream id, {@code >= 0}
     * @param step         training step (the nonce), {@code >= 0}
     * @param firstElement first element index, {@code 0 <= firstElement} and
     *                     {@code firstElement + length <= MAX_ELEMENTS}
     * @param dst          destination. Modified in {@code [offset, offset + length)} only.
     * @param offset       first index written in {@code dst}, {@code 0 <= offset <= dst.length - length}
     * @param length       number of values, {@code >= 0}
     * @param stddev       standard deviation, finite and {@code >= 0}
     * @throws IllegalArgumentException if an argument is outside its range (the message names it)
     * @throws NullPointerException     if {@code dst} is null
     */
    public void fillNormals(int streamId, long step, long firstElement, float[] dst, int offset, int length,
            float stddev) {
        Objects.requireNonNull(dst, "dst");
        checkStddev(stddev);
        checkRange(streamId, step, firstElement, dst.length, offset, length);
        final double s = stddev;
        final int[] w = new int[ChaCha20.BLOCK_WORDS];
        final double[] z = new double[ELEMENTS_PER_BLOCK];
        final int n1 = (int) step;
        final int n2 = (int) (step >>> 32);
        long e = firstElement;
        int i = offset;
        final int end = offset + length;
        while (i < end) {
            if ((e & 7) == 0 && end - i >= GROUP_ELEMENTS) {
                // Bulk: whole groups of blocks at once (SIMD across blocks), same values as one at a time.
                int groups = (end - i) / GROUP_ELEMENTS;
                int n = groups * GROUP_ELEMENTS;
                KernelSpeedCheck speed = WATCHED && n >= KernelSpeedCheck.TIMED_FILL ? Speed.CHECK : null;
                if (speed != null) {
                    long start = speed.now();
                    KERNEL.normals(key, (int) (e >>> 3), streamId, n1, n2, n / ELEMENTS_PER_BLOCK, s, dst, i);
                    String slow = speed.observe(n, start);
                    if (slow != null) {
                        Vectorization.report(slow);
                    }
                } else {
                    KERNEL.normals(key, (int) (e >>> 3), streamId, n1, n2, n / ELEMENTS_PER_BLOCK, s, dst, i);
                }
                i += n;
                e += n;
                continue;
            }
            ChaCha20.block(key, (int) (e >>> 3), streamId, n1, n2, w);
            int p = (int) (e & 7);
            int n = Math.min(ELEMENTS_PER_BLOCK - p, end - i);
            normals(w, z);
            for (int k = 0; k < n; k++) {
                dst[i + k] = (float) (s * z[p + k]);
            }
            i += n;
            e += n;
        }
    }

    /**
     * Writes normal elements {@code firstElement .. firstElement + length - 1} of stream
     * {@code (streamId, step)}, scaled by {@code stddev}, in double:
     * {@code dst[offset + i] = stddev * z(firstElement + i)} for {@code 0 <= i < length}. Same values as the
     * float variant before its final rounding; use it where the noise is added before rounding to float.
     *
     * @param streamId     stream id, {@code >= 0}
     * @param step         training step (the nonce), {@code >= 0}
     * @param firstElement first element index, {@code 0 <= firstElement} and
     *                     {@code firstElement + length <= MAX_ELEMENTS}
     * @param dst          destination. Modified in {@code [offset, offset + length)} only.
     * @param offset       first index written in {@code dst}, {@code 0 <= offset <= dst.length - length}
     * @param length       number of values, {@code >= 0}
     * @param stddev       standard deviation, finite and {@code >= 0}
     * @throws IllegalArgumentException if an argument is outside its range (the message names it)
     * @throws NullPointerException     if {@code dst} is null
     */
    public void fillNormals(int streamId, long step, long firstElement, double[] dst, int offset, int length,
            double stddev) {
        Objects.requireNonNull(dst, "dst");
        checkStddev(stddev);
        checkRange(streamId, step, firstElement, dst.length, offset, length);
        final int[] w = new int[ChaCha20.BLOCK_WORDS];
        final double[] z = new double[ELEMENTS_PER_BLOCK];
        final int n1 = (int) step;
        final int n2 = (int) (step >>> 32);
        long e = firstElement;
        int i = offset;
        final int end = offset + length;
        while (i < end) {
            ChaCha20.block(key, (int) (e >>> 3), streamId, n1, n2, w);
            int p = (int) (e & 7);
            int n = Math.min(ELEMENTS_PER_BLOCK - p, end - i);
            normals(w, z);
            for (int k = 0; k < n; k++) {
                dst[i + k] = stddev * z[p + k];
            }
            i += n;
            e += n;
        }
    }

    /**
     * Returns one standard normal element, {@code z(element)} of stream {@code (streamId, step)}; equal to
     * the value {@link #fillNormals(int, long, long, double[], int, int, double)} writes for it with
     * {@code stddev = 1}. Costs one ChaCha20 block; use the fill methods for ranges.
     *
     * @param streamId stream id, {@code >= 0}
     * @param step     training step (the nonce), {@code >= 0}
     * @param element  element index, {@code 0 <= element < MAX_ELEMENTS}
     * @return a standard normal variate, {@code |z| <= 8.57}
     * @throws IllegalArgumentException if an argument is outside its range (the message names it)
     */
    public double normal(int streamId, long step, long element) {
        checkElement(streamId, step, element);
        int[] w = new int[ChaCha20.BLOCK_WORDS];
        double[] z = new double[ELEMENTS_PER_BLOCK];
        ChaCha20.block(key, (int) (element >>> 3), streamId, (int) step, (int) (step >>> 32), w);
        normals(w, z);
        return z[(int) (element & 7)];
    }

    // ----------------------------------------------------------------------------------------------------
    // Uniforms

    /**
     * Returns uniform element {@code element} of stream {@code (streamId, step)}:
     * {@code U(x[element & 7])} of block {@code element >>> 3} (class javadoc), a value of
     * {@code (m + 0.5) / 2^52} for a uniformly random integer {@code m} in [0, 2^52).
     *
     * @param streamId stream id, {@code >= 0}
     * @param step     training step (the nonce), {@code >= 0}
     * @param element  element index, {@code 0 <= element < MAX_ELEMENTS}
     * @return a uniform variate in [2^-53, 1 - 2^-53], never 0 or 1
     * @throws IllegalArgumentException if an argument is outside its range (the message names it)
     */
    public double uniform(int streamId, long step, long element) {
        checkElement(streamId, step, element);
        int[] w = new int[ChaCha20.BLOCK_WORDS];
        ChaCha20.block(key, (int) (element >>> 3), streamId, (int) step, (int) (step >>> 32), w);
        int k = (int) (element & 7);
        return toUniform(word64(w, k));
    }

    /**
     * Writes uniform elements {@code firstElement .. firstElement + length - 1} of stream
     * {@code (streamId, step)}: {@code dst[offset + i] = uniform(streamId, step, firstElement + i)}.
     *
     * @param streamId     stream id, {@code >= 0}
     * @param step         training step (the nonce), {@code >= 0}
     * @param firstElement first element index, {@code 0 <= firstElement} and
     *                     {@code firstElement + length <= MAX_ELEMENTS}
     * @param dst          destination. Modified in {@code [offset, offset + length)} only.
     * @param offset       first index written in {@code dst}, {@code 0 <= offset <= dst.length - length}
     * @param length       number of values, {@code >= 0}
     * @throws IllegalArgumentException if an argument is outside its range (the message names it)
     * @throws NullPointerException     if {@code dst} is null
     */
    public void fillUniforms(int streamId, long step, long firstElement, double[] dst, int offset, int length) {
        Objects.requireNonNull(dst, "dst");
        checkRange(streamId, step, firstElement, dst.length, offset, length);
        final int[] w = new int[ChaCha20.BLOCK_WORDS];
        final int n1 = (int) step;
        final int n2 = (int) (step >>> 32);
        long e = firstElement;
        int i = offset;
        final int end = offset + length;
        while (i < end) {
            if ((e & 7) == 0 && end - i >= GROUP_ELEMENTS) {
                int n = (end - i) / GROUP_ELEMENTS * GROUP_ELEMENTS;
                KERNEL.uniforms(key, (int) (e >>> 3), streamId, n1, n2, n / ELEMENTS_PER_BLOCK, dst, i);
                i += n;
                e += n;
                continue;
            }
            ChaCha20.block(key, (int) (e >>> 3), streamId, n1, n2, w);
            int p = (int) (e & 7);
            int n = Math.min(ELEMENTS_PER_BLOCK - p, end - i);
            for (int k = 0; k < n; k++) {
                dst[i + k] = toUniform(word64(w, p + k));
            }
            i += n;
            e += n;
        }
    }

    // ----------------------------------------------------------------------------------------------------
    // The transform (package-private so tests and benchmarks can reach it)

    /** The k-th unsigned 64-bit value of a block: word 2k low, word 2k+1 high. */
    static long word64(int[] w, int k) {
        return (w[2 * k] & 0xFFFFFFFFL) | ((long) w[2 * k + 1] << 32);
    }

    /** {@code ((x >>> 12) + 0.5) * 2^-52}: exact, in [2^-53, 1 - 2^-53]. */
    static double toUniform(long x) {
        return ((double) (x >>> 12) + 0.5) * 0x1p-52;
    }

    /** Box–Muller on block {@code l} of {@link ChaCha20#blocks}'s word-major output: as {@link #normals(int[], double[])}. */
    static void normals(int[][] w, int l, double[] z) {
        for (int i = 0; i < 4; i++) {
            double u1 = toUniform((w[4 * i][l] & 0xFFFFFFFFL) | ((long) w[4 * i + 1][l] << 32));
            double u2 = toUniform((w[4 * i + 2][l] & 0xFFFFFFFFL) | ((long) w[4 * i + 3][l] << 32));
            double r = StrictMath.sqrt(-2.0 * FdLibm.log(u1));
            double t = TWO_PI * u2;
            FdLibm.cosSin(t, z, 2 * i); // z[2i] = cos t, z[2i+1] = sin t
            z[2 * i] = r * z[2 * i];
            z[2 * i + 1] = r * z[2 * i + 1];
        }
    }

    /** Box–Muller on the 8 64-bit values of one block: {@code z[0..7]}. */
    static void normals(int[] w, double[] z) {
        for (int i = 0; i < 4; i++) {
            double u1 = toUniform(word64(w, 2 * i));
            double u2 = toUniform(word64(w, 2 * i + 1));
            double r = StrictMath.sqrt(-2.0 * FdLibm.log(u1));
            double t = TWO_PI * u2;
            FdLibm.cosSin(t, z, 2 * i); // z[2i] = cos t, z[2i+1] = sin t
            z[2 * i] = r * z[2 * i];
            z[2 * i + 1] = r * z[2 * i + 1];
        }
    }

    // ----------------------------------------------------------------------------------------------------
    // Validation

    private static void checkStddev(double stddev) {
        if (!(stddev >= 0.0) || stddev == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("The 'stddev' must be finite and >= 0, got " + stddev);
        }
    }

    private static void checkElement(int streamId, long step, long element) {
        if (element < 0 || element >= MAX_ELEMENTS) {
            throw new IllegalArgumentException("The 'element' must satisfy 0 <= element < 2^35, got " + element);
        }
        checkRange(streamId, step, element, 1, 0, 1);
    }

    private static void checkRange(int streamId, long step, long firstElement, int dstLength, int offset,
            int length) {
        if (streamId < 0) {
            throw new IllegalArgumentException("The 'streamId' must be >= 0, got " + streamId);
        }
        if (step < 0) {
            throw new IllegalArgumentException("The 'step' must be >= 0, got " + step);
        }
        if (length < 0) {
            throw new IllegalArgumentException("The 'length' must be >= 0, got " + length);
        }
        if (offset < 0 || (long) offset + length > dstLength) {
            throw new IllegalArgumentException("The 'offset' must satisfy 0 <= offset <= dst.length - length = "
                    + ((long) dstLength - length) + ", got " + offset);
        }
        if (firstElement < 0 || firstElement > MAX_ELEMENTS - length) {
            throw new IllegalArgumentException("The 'firstElement' must satisfy 0 <= firstElement <= 2^35 - length = "
                    + (MAX_ELEMENTS - length) + ", got " + firstElement);
        }
    }

    /** The speed check on this thread's CPU time, or null where the JVM does not measure it. */
    private static KernelSpeedCheck speedCheck() {
        try {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            if (!mx.isCurrentThreadCpuTimeSupported()) {
                return null;
            }
            return new KernelSpeedCheck(mx::getCurrentThreadCpuTime);
        } catch (LinkageError | UnsupportedOperationException | SecurityException e) {
            return null; // a runtime without java.management: no check
        }
    }
}
