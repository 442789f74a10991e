package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The library with no JVM flag: runs only in the build's second surefire execution
 * ({@code scalar-fallback} in core-java's pom), whose JVM is started without
 * {@code --add-modules jdk.incubator.vector}. The scalar kernels run, and one line says why and
 * which flag enables the Vector API.
 */
class ScalarFallbackTest {

    @Test
    void withoutTheFlagTheScalarKernelsRunAndOneLineSaysWhy() throws ReflectiveOperationException {
        List<String> lines = new ArrayList<>();
        Vectorization.setReporter(lines::add);
        assertFalse(Vectorization.moduleReadable(), "this test is meant for a JVM without the Vector API module");
        Backend be = CpuBackend.instance();
        Tensor c = be.zeros(2, 2);
        be.gemm(false, false, 2, 2, 3, 1f, be.tensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                be.tensor(new float[] {1, 0, 0, 1, 1, 1}, 3, 2), 0f, c);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {4, 5, 10, 11}, c.toArray());
        assertFalse(Vectorization.enabled());
        assertEquals("ScalarGemm", CpuGemm.KERNEL.getClass().getSimpleName());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("pass '--add-modules jdk.incubator.vector' to the java command"), lines.get(0));
        assertTrue(Vectorization.description().startsWith("scalar kernels"), Vectorization.description());

        // The noise takes the scalar kernel too, and its bulk fill is the element-by-element definition.
        org.edp4j.dp.noise.GaussianNoise g = org.edp4j.dp.noise.GaussianNoise.insecureSeeded(3);
        java.lang.reflect.Field kernel = g.getClass().getDeclaredField("KERNEL");
        kernel.setAccessible(true);
        assertEquals("ScalarNoiseKernel", kernel.get(null).getClass().getSimpleName());
        float[] z = new float[4096];
        g.fillNormals(0, 9, 0, z, 0, z.length, 1f);
        for (int i = 0; i < z.length; i += 97) {
            assertEquals((float) g.normal(0, 9, i), z[i]);
        }
        assertEquals(1, lines.size(), lines.toString());
    }
}
