package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.edp4j.dp.NonFiniteGradientException;
import org.junit.jupiter.api.Test;

class SparkFailuresTest {

    @Test
    void theTasksOwnExceptionComesBack() {
        NonFiniteGradientException nf = new NonFiniteGradientException(7, "example 7");
        assertSame(nf, SparkFailures.unwrap(new RuntimeException("job aborted", new RuntimeException("task", nf)), "x"));
        IllegalArgumentException bad = new IllegalArgumentException("token id 99");
        assertSame(bad, SparkFailures.unwrap(new Exception("job aborted", bad), "x"));
        RuntimeException other = SparkFailures.unwrap(new Exception("executor lost"), "DP-SGD step 3");
        assertTrue(other instanceof IllegalStateException);
        assertEquals("Spark job of the DP-SGD step 3 failed: executor lost", other.getMessage());
    }
}
