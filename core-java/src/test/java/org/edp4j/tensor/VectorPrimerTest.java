package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code VectorPrimer} runs every operation it names on this JVM's preferred shapes: an operation a
 * JDK or CPU does not support would throw here, not silently leave the priming short (in use,
 * {@link Vectorization} reports such a failure in one line).
 */
class VectorPrimerTest {

    @Test
    void everyOperationRunsOnThePreferredShapes() throws ReflectiveOperationException {
        assumeTrue(Vectorization.enabled(), "the Vector API does not run here");
        Runnable primer = (Runnable) Class.forName("org.edp4j.tensor.VectorPrimer").getDeclaredConstructor()
                .newInstance();
        assertDoesNotThrow(primer::run);
    }
}
