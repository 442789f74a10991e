package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VectorizationTest {

    @Test
    void theRuleOnEachCase() {
        Vectorization.Decision ok = Vectorization.probe("true", true, () -> 512);
        assertTrue(ok.enabled());
        assertEquals("512-bit SIMD", ok.reason());
        assertTrue(Vectorization.probe("TRUE", true, () -> 256).enabled());

        Vectorization.Decision missing = Vectorization.probe("true", false, () -> 512);
        assertFalse(missing.enabled());
        assertTrue(missing.reason().contains("pass '--add-modules jdk.incubator.vector' to the java command"),
                missing.reason());

        Vectorization.Decision off = Vectorization.probe(" false ", true, () -> 512);
        assertFalse(off.enabled());
        assertEquals("-Dedp4j.vectorization=false", off.reason());

        Vectorization.Decision narrow = Vectorization.probe("true", true, () -> 128);
        assertFalse(narrow.enabled());
        assertTrue(narrow.reason().contains("128 bits"), narrow.reason());
        assertFalse(Vectorization.probe("true", true, () -> -1).enabled());
    }

    /**
     * The build runs the tests with {@code --add-modules jdk.incubator.vector} and sets
     * {@code edp4j.test.vectorApi=required}: then the Vector API kernels must be the ones picked, so
     * that every kernel test really runs both implementations.
     */
    @Test
    void theBuildRunsTheVectorApiKernels() {
        if (!"required".equals(System.getProperty("edp4j.test.vectorApi"))) {
            return; // run outside the build (an IDE without the flag): nothing to require
        }
        assertTrue(Vectorization.moduleReadable(), "the surefire argLine must add jdk.incubator.vector");
        assertTrue(Vectorization.enabled(), Vectorization.description());
        assertTrue(Vectorization.description().startsWith("Vector API kernels"), Vectorization.description());
    }
}
