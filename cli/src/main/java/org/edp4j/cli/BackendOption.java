package org.edp4j.cli;

import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Backends;

/** The {@code --backend} option of the commands that train: auto, cpu or a device backend. */
public final class BackendOption {

    private BackendOption() {
    }

    /**
     * The backend {@code --backend name} asks for.
     *
     * @throws IllegalArgumentException (a bad option, exit code 2) for a name other than auto, cpu
     *     and {@link Backends#DEVICE_BACKENDS}, e.g. {@code --backend must be auto, cpu or cuda, got 'tpu'}
     * @throws IllegalStateException (a run-time failure, exit code 1) when the backend exists but is
     *     not usable here, with the reason {@link Backends} found
     */
    public static Backend resolve(String name) {
        try {
            return Backends.byName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backend must be auto, cpu or "
                    + String.join(", ", Backends.DEVICE_BACKENDS) + ", got '" + name + "'");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("--backend " + name + ": " + e.getMessage(), e);
        }
    }
}
