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

    /**
     * The backend of the given name: "auto" (as {@link #best()}), "cpu", or a provider's name.
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws IllegalStateException when the named backend exists but is not usable here (with the reason)
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
                        Optional<Backend> b = p.probe(why);
                        return b.orElseThrow(() -> new IllegalStateException(
                                "backend '" + name + "' is not usable here: " + why));
                    }
                }
                throw new IllegalArgumentException("unknown backend '" + name + "', expected auto, cpu or cuda");
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

    private static Choice probeAll() {
        List<String> reasons = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            StringBuilder why = new StringBuilder();
            Optional<Backend> b;
            try {
                b = p.probe(why);
            } catch (RuntimeException | LinkageError e) {
                b = Optional.empty();
                why.append(e);
            }
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
