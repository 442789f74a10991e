package org.edp4j.tensor;

import java.util.Optional;

/**
 * A backend that may or may not be usable on this machine, found with {@link java.util.ServiceLoader}
 * (the CUDA backend in module {@code native} registers one).
 */
public interface BackendProvider {

    /** The backend's name ("cuda"). */
    String name();

    /**
     * Probes the machine once. Returns the backend when it is usable, or empty with the reason
     * written to {@code whyNot} (for example "no CUDA device: cudaErrorInsufficientDriver").
     * Never throws for a missing driver or device.
     */
    Optional<Backend> probe(StringBuilder whyNot);
}
