package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

/** The kernels a kernel test runs: the scalar one, and its Vector API twin whenever that module is readable. */
final class KernelPair {
    private KernelPair() {
    }

    /**
     * The scalar kernel always, the vector one when {@code jdk.incubator.vector} is readable (the
     * build's surefire argLine adds it, so both run there; the count guard fails if it went missing).
     */
    static <T> List<T> of(Class<T> type, T scalar, String vectorClass) {
        List<T> list = new ArrayList<>();
        list.add(scalar);
        Vectorization.vectorKernel(type, vectorClass).ifPresent(list::add);
        if (Vectorization.moduleReadable()) {
            assertEquals(2, list.size(), "jdk.incubator.vector is readable but " + vectorClass + " did not load");
        }
        return list;
    }
}
