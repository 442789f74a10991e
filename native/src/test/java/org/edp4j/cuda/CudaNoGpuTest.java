package org.edp4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.BackendProvider;
import org.edp4j.tensor.Backends;
import org.junit.jupiter.api.Test;

/**
 * What must hold on every machine, GPU or not: the JNI library loads (static cudart), status names
 * work, the provider is registered; and without a device the probe says why and the CPU is chosen.
 */
class CudaNoGpuTest {

    private static boolean deviceVisible() {
        int[] count = new int[1];
        return CudaNative.edp4j_device_count(count) == 0 && count[0] > 0;
    }

    @Test
    void nativeLibraryLoads() {
        assertNull(CudaBackendProvider.loadLibrary(), "the JNI library must load even without a driver");
    }

    @Test
    void statusNames() {
        assertNull(CudaBackendProvider.loadLibrary());
        assertEquals("cudaSuccess", CudaNative.edp4j_error_name(0).getString());
        assertEquals("cudaErrorInsufficientDriver", CudaNative.edp4j_error_name(35).getString());
        assertEquals("cudaErrorMemoryAllocation", CudaNative.edp4j_error_name(2).getString());
        assertEquals("EDP4J_ERR_NO_CUBLAS", CudaNative.edp4j_error_name(CudaNative.ERR_NO_CUBLAS).getString());
        assertEquals("CUBLAS_STATUS_EXECUTION_FAILED", CudaNative.edp4j_error_name(10013).getString());
    }

    @Test
    void providerIsRegistered() {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            names.add(p.name());
        }
        assertTrue(names.contains("cuda"), "providers: " + names);
    }

    @Test
    void withoutDeviceTheProbeSaysWhyAndTheCpuIsChosen() {
        assumeTrue(!deviceVisible(), "a CUDA device is visible: the no-GPU fallback is not testable here");
        StringBuilder why = new StringBuilder();
        Optional<Backend> b = new CudaBackendProvider().probe(why);
        assertTrue(b.isEmpty());
        assertTrue(why.toString().startsWith("no CUDA device: "), "reason: " + why);
        System.out.println("[edp4j] cuda probe here: " + why);

        List<String> reports = new ArrayList<>();
        Backends.setReporter(reports::add);
        assertEquals("cpu", Backends.best().name());
        assertTrue(Backends.reason().contains("cuda: no CUDA device"), Backends.reason());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.byName("cuda"));
        assertTrue(e.getMessage().contains("no CUDA device"), e.getMessage());
    }

    @Test
    void withoutDeviceNoBackendCanStart() {
        assumeTrue(!deviceVisible(), "a CUDA device is visible");
        CudaException e = assertThrows(CudaException.class, () -> new CudaBackend(1 << 20));
        assertTrue(e.getMessage().contains("cudaError"), e.getMessage());
    }
}
