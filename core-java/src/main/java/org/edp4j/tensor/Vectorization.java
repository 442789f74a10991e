package org.edp4j.tensor;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Which CPU kernels this JVM runs: the ones written with Java's Vector API
 * ({@code jdk.incubator.vector}: the GEMM of {@link CpuBackend}, the Gaussian noise of
 * {@code org.edp4j.dp.noise}), or their scalar fallbacks. Decided once per JVM, the way Apache Lucene
 * picks its vectorization provider: the Vector API is used when the module is readable (the JVM was
 * started with {@code --add-modules jdk.incubator.vector}), the CPU has SIMD registers of at least
 * 256 bits, and the system property {@value #PROPERTY} is not {@code false}. Otherwise the scalar
 * kernels run, and the reason is reported once, with the flag that enables the fast path. When the
 * Vector API is picked, {@code VectorPrimer} first runs every operation the kernels use, once per JVM
 * (0.3-0.4 s): on JDK 17 it keeps C2 from compiling a kernel with boxed vectors later
 * (docs/design-notes.md, "The Vector API noise kernel's slow path").
 *
 * <p>Both kernel families compute the same results bit for bit (the GEMM: one fused multiply-add per
 * term of the shared dimension in increasing order; the noise: the same ChaCha20 words and the same
 * fdlibm arithmetic), so the choice changes speed only: callers never need to know which they got.
 *
 * <p>The report goes to standard error as one line starting with {@code [edp4j]} (as
 * {@link Backends}'s), the first time a kernel is picked; {@link #setReporter} redirects it.
 */
public final class Vectorization {
    /** System property: {@code false} forces the scalar kernels even when the Vector API is readable. */
    public static final String PROPERTY = "edp4j.vectorization";
    /** The JVM option that makes the Vector API readable. */
    public static final String FLAG = "--add-modules jdk.incubator.vector";

    private static final String MODULE = "jdk.incubator.vector";
    private static volatile Consumer<String> reporter = msg -> System.err.println("[edp4j] " + msg);
    private static volatile Decision decision;

    record Decision(boolean enabled, String reason) {
    }

    private Vectorization() {
    }

    /** Whether the Vector API kernels run in this JVM (decided on the first call, then fixed). */
    public static boolean enabled() {
        return decide().enabled;
    }

    /** One line on the choice: what runs, and why (with the flag to add when it is the fallback). */
    public static String description() {
        Decision d = decide();
        return d.enabled ? "Vector API kernels (" + d.reason + ")" : "scalar kernels (" + d.reason + ")";
    }

    /** Where the one-time report of a fallback goes (default: standard error). */
    public static void setReporter(Consumer<String> r) {
        reporter = r;
    }

    /**
     * For edp4j's own packages: one line about the kernels to the reporter ({@link #setReporter}),
     * e.g. that a Vector API kernel runs far below its speed.
     */
    public static void report(String message) {
        reporter.accept(message);
    }

    /**
     * For edp4j's own packages: an instance of {@code vectorClass} (a class of the caller's package
     * compiled against the Vector API, with a public no-argument constructor) when {@link #enabled()},
     * else the scalar kernel from {@code scalar}. Never throws: a vector class that cannot be loaded
     * or built also falls back, and says why.
     *
     * @param type        the kernel interface
     * @param vectorClass binary name of the Vector API implementation
     * @param scalar      the fallback
     * @return the kernel to use
     */
    public static <T> T pick(Class<T> type, String vectorClass, Supplier<? extends T> scalar) {
        if (!enabled()) {
            return scalar.get();
        }
        try {
            return type.cast(Class.forName(vectorClass, true, type.getClassLoader())
                    .getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            reporter.accept("Vector API kernel " + vectorClass + " could not be loaded (" + e
                    + "); the scalar kernel runs instead");
            return scalar.get();
        }
    }

    /**
     * For tests that run both kernels: an instance of {@code vectorClass} whenever the Vector API can
     * run here (whatever {@value #PROPERTY} says), else empty.
     *
     * @throws IllegalStateException if the Vector API is readable but the class cannot be built
     */
    public static <T> java.util.Optional<T> vectorKernel(Class<T> type, String vectorClass) {
        if (!probe(false).enabled) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(type.cast(Class.forName(vectorClass, true, type.getClassLoader())
                    .getDeclaredConstructor().newInstance()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Vector API is readable but " + vectorClass + " is missing", e);
        }
    }

    /** Whether {@code jdk.incubator.vector} is in the boot layer (readable by the class path). */
    static boolean moduleReadable() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    private static Decision decide() {
        Decision d = decision;
        if (d != null) {
            return d;
        }
        synchronized (Vectorization.class) {
            if (decision == null) {
                Decision probed = probe(true);
                if (!probed.enabled) {
                    reporter.accept("CPU kernels: scalar fallback (" + probed.reason + ")");
                } else {
                    primeProfiles();
                }
                decision = probed;
            }
            return decision;
        }
    }

    private static Decision probe(boolean honorProperty) {
        return probe(honorProperty ? System.getProperty(PROPERTY, "true") : "true", moduleReadable(),
                Vectorization::preferredBits);
    }

    /** The rule, on its inputs (tests call it with each case). */
    static Decision probe(String property, boolean readable, java.util.function.IntSupplier preferredBits) {
        if (property.trim().toLowerCase(Locale.ROOT).equals("false")) {
            return new Decision(false, "-D" + PROPERTY + "=false");
        }
        if (!readable) {
            return new Decision(false, "Java's Vector API is not enabled; pass '" + FLAG
                    + "' to the java command for the fast GEMM and noise");
        }
        int bits = preferredBits.getAsInt();
        if (bits < 0) {
            return new Decision(false, "the Vector API is readable but could not be queried");
        }
        if (bits < 256) {
            return new Decision(false, "the CPU's preferred SIMD width is " + bits
                    + " bits; the Vector API kernels need at least 256");
        }
        return new Decision(true, bits + "-bit SIMD");
    }

    /**
     * Runs {@code VectorPrimer} once, before the first Vector API kernel is built: it gives the JDK's
     * shared Vector API entry points polymorphic profiles, which keeps C2 on JDK 17 from boxing a large
     * kernel's vectors later (that class explains how).
     */
    private static void primeProfiles() {
        try {
            ((Runnable) Class.forName("org.edp4j.tensor.VectorPrimer").getDeclaredConstructor().newInstance()).run();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            reporter.accept("could not prime the Vector API's profiles (" + e + "); the kernels may run slower");
        }
    }

    /** The Vector API's preferred vector size in bits (the module must be readable), or -1. */
    private static int preferredBits() {
        try {
            return ((java.util.function.IntSupplier) Class.forName("org.edp4j.tensor.VectorBits")
                    .getDeclaredConstructor().newInstance()).getAsInt();
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }
}
