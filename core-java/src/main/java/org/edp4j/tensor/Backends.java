package org.edp4j.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Picks a backend: a device backend when one is on the class path and usable, else the CPU.
 *
 * <p>Probing happens once per JVM; the reason for the choice is reported once (to standard error
 * by default) and stays available from {@link #reason()}.
 */
public final class Backends {
    private static volatile Choice choice;
    private static volatile Consumer<String> reporter = msg -> System.err.println("[edp4j] " + msg);

    private record Choice(Backend backend, String reason) {
    }

    private Backends() {
    }

    /** The best usable backend: CUDA when a device is usable, else {@link CpuBackend}. */
    public static Backend best() {
        return choose().backend;
    }

    /** Why {@link #best()} chose what it chose. */
    public static String reason() {
        return choose().reason;
    }

    /** Device backends edp4j has (each in its own module, found through {@link BackendProvider}). */
    public static final List<String> DEVICE_BACKENDS = List.of("cuda");

    /**
     * The backend of the given name: "auto" (as {@link #best()}), "cpu", or a provider's name.
     *
     * @throws IllegalArgumentException for a name other than auto, cpu and {@link #DEVICE_BACKENDS}
     * @throws IllegalStateException when the named backend is not usable here, with the reason: its
     *     module is not on the class path, or its probe found no usable device
     */
    public static Backend byName(String name) {
        switch (name) {
            case "auto":
                return best();
            case "cpu":
                return CpuBackend.instance();
            default:
                for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
                    if (p.name().equals(name)) {
                        StringBuilder why = new StringBuilder();
                        return probe(p, why).orElseThrow(() -> new IllegalStateException(
                                "backend '" + name + "' is not usable here: " + why));
                    }
                }
                if (DEVICE_BACKENDS.contains(name)) {
                    throw new IllegalStateException("backend '" + name + "' is not usable here: it is not on the "
                            + "class path (the edp4j-" + name + " module is built only where its compiler is found, "
                            + "and this program does not include it)");
                }
                throw new IllegalArgumentException("unknown backend '" + name + "', expected auto, cpu or "
                        + String.join(", ", DEVICE_BACKENDS));
        }
    }

    /** Where the one-time report of the choice goes (default: standard error). */
    public static void setReporter(Consumer<String> r) {
        reporter = r;
    }

    private static Choice choose() {
        Choice c = choice;
        if (c != null) {
            return c;
        }
        synchronized (Backends.class) {
            if (choice == null) {
                choice = probeAll();
                reporter.accept("backend: " + choice.backend.name() + " (" + choice.reason + ")");
            }
            return choice;
        }
    }

    /** The provider's backend, or empty with the reason in {@code why} (also when the probe throws). */
    private static Optional<Backend> probe(BackendProvider p, StringBuilder why) {
        try {
            return p.probe(why);
        } catch (RuntimeException | LinkageError e) {
            why.append(e);
            return Optional.empty();
        }
    }

    private static Choice probeAll() {
        List<String> reasons = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            StringBuilder why = new StringBuilder();
            Optional<Backend> b = probe(p, why);
            if (b.isPresent()) {
                return new Choice(b.get(), p.name() + " device usable");
            }
            reasons.add(p.name() + ": " + why);
        }
        if (reasons.isEmpty()) {
            return new Choice(CpuBackend.instance(), "no device backend on the class path");
        }
        return new Choice(CpuBackend.instance(), String.join("; ", reasons));
    }
}
