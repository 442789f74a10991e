package org.edp4j.cuda;

import java.util.Optional;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.BackendProvider;

/**
 * Finds the CUDA backend for {@link org.edp4j.tensor.Backends}: loads the JNI library (static
 * cudart, so this works without a driver), asks {@code cudaGetDeviceCount}, and starts one
 * {@link CudaBackend} on device 0. Probes once per JVM and remembers the answer and its reason;
 * never throws for a missing library, driver, device or cuBLAS.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static Optional<Backend> result;
    private static String reason;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Optional<Backend> probe(StringBuilder whyNot) {
        Optional<Backend> r = probeOnce();
        if (r.isEmpty()) {
            whyNot.append(reason);
        }
        return r;
    }

    /** Why the last probe found no usable backend, or "cuda device usable". */
    public static synchronized String reason() {
        probeOnce();
        return reason;
    }

    private static synchronized Optional<Backend> probeOnce() {
        if (result != null) {
            return result;
        }
        result = Optional.empty();
        String load = loadLibrary();
        if (load != null) {
            reason = "cannot load the CUDA JNI library: " + load;
            return result;
        }
        int[] count = new int[1];
        int s = CudaNative.edp4j_device_count(count);
        if (s != 0) {
            reason = "no CUDA device: " + CudaNative.edp4j_error_name(s).getString();
            return result;
        }
        if (count[0] == 0) {
            reason = "no CUDA device: cudaGetDeviceCount found 0";
            return result;
        }
        try {
            result = Optional.of(new CudaBackend());
            reason = "cuda device usable";
        } catch (CudaException | IllegalArgumentException e) {
            reason = "a CUDA device was found but the backend could not start: " + e.getMessage();
        }
        return result;
    }

    /** Loads the JNI library; null on success, else the first failure, described. */
    static String loadLibrary() {
        try {
            Class.forName("org.edp4j.cuda.CudaNative", true, CudaBackendProvider.class.getClassLoader());
            return null;
        } catch (ExceptionInInitializerError e) {
            return String.valueOf(e.getCause());
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return e.toString();
        }
    }
}
