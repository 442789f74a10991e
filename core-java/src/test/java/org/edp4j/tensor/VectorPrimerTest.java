package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code VectorPrimer} runs every operation it names on this JVM's preferred shapes (an operation a
 * JDK or CPU does not support would throw here, not silently leave the priming short; in use,
 * {@link Vectorization} reports such a failure in one line), and it names every Vector API operation
 * the kernels use: a kernel that adds an operation the primer skips could bring back the JIT slow
 * path the primer exists for (docs/design-notes.md), so this test fails until the primer runs it too.
 */
class VectorPrimerTest {
    private static final Path SOURCES = Path.of("src/main/java-vector");
    private static final Path PRIMER = SOURCES.resolve("org/edp4j/tensor/VectorPrimer.java");
    private static final Pattern OPERATOR =
            Pattern.compile("import static jdk\\.incubator\\.vector\\.VectorOperators\\.(\\w+);");
    /** Method calls, not Math's or StrictMath's (sqrt, min, max, abs share the Vector API's names). */
    private static final Pattern CALL = Pattern.compile("(?<!Math)\\.(\\w+)\\(");
    /** Names that are Vector API methods but not Vector API calls in the kernels. */
    private static final Set<String> NOT_OPERATIONS = Set.of(
            "toArray", // IntStream's, for the noise kernel's lane indices
            "vectorBitSize"); // a species' constant, in VectorBits: no operation
    private static final Pattern VECTOR_TYPE = Pattern.compile("\\b(Byte|Short|Int|Long|Float|Double)Vector\\b");

    @Test
    void everyOperationRunsOnThePreferredShapes() throws ReflectiveOperationException {
        assumeTrue(Vectorization.enabled(), "the Vector API does not run here");
        Runnable primer = (Runnable) Class.forName("org.edp4j.tensor.VectorPrimer").getDeclaredConstructor()
                .newInstance();
        assertDoesNotThrow(primer::run);
    }

    @Test
    void thePrimerRunsEveryOperatorMethodAndElementTypeTheKernelsUse() throws IOException, ClassNotFoundException {
        assumeTrue(Files.isRegularFile(PRIMER), "run from the core-java module directory (the build does)");
        assumeTrue(Vectorization.moduleReadable(), "the Vector API's method names need the module");
        String primer = Files.readString(PRIMER);
        Set<String> apiMethods = vectorApiMethodNames();
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java") && !f.equals(PRIMER)).toList()) {
                String kernel = Files.readString(p);
                for (String op : matches(OPERATOR, kernel)) {
                    if (!matches(OPERATOR, primer).contains(op)) {
                        missing.add(p.getFileName() + ": operator " + op);
                    }
                }
                for (String call : matches(CALL, kernel)) {
                    if (apiMethods.contains(call) && !NOT_OPERATIONS.contains(call)
                            && !matches(CALL, primer).contains(call)) {
                        missing.add(p.getFileName() + ": method " + call);
                    }
                }
                for (String type : matches(VECTOR_TYPE, kernel)) {
                    if (!matches(VECTOR_TYPE, primer).contains(type)) {
                        missing.add(p.getFileName() + ": element type " + type);
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "VectorPrimer does not run: " + missing);
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Public method names of the vector, mask and species types (e.g. add, fma, compare, anyTrue). */
    private static Set<String> vectorApiMethodNames() throws ClassNotFoundException {
        Set<String> names = new TreeSet<>();
        for (String type : new String[] {"IntVector", "LongVector", "FloatVector", "DoubleVector", "VectorMask",
                "VectorSpecies"}) {
            for (Method m : Class.forName("jdk.incubator.vector." + type).getMethods()) {
                if (m.getDeclaringClass() != Object.class) {
                    names.add(m.getName());
                }
            }
        }
        return names.stream().collect(Collectors.toCollection(TreeSet::new));
    }
}
