package org.edp4j.spark;

import org.edp4j.dp.NonFiniteGradientException;

/**
 * Turns a failed Spark job back into the exception its task threw, so that callers see the same
 * exceptions as on one machine: a {@link NonFiniteGradientException} naming the device or example,
 * or an {@link IllegalArgumentException} about bad data.
 */
final class SparkFailures {
    private SparkFailures() {
    }

    /**
     * @param e what the job threw (Spark's own {@code SparkException} is a checked exception thrown unchecked)
     * @param what the job, for the message of an unknown failure
     * @return the task's own exception when the cause chain holds one, else an
     *     {@link IllegalStateException} naming the job
     */
    static RuntimeException unwrap(Exception e, String what) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof NonFiniteGradientException || c instanceof IllegalArgumentException) {
                return (RuntimeException) c;
            }
        }
        return new IllegalStateException("Spark job of the " + what + " failed: " + e.getMessage(), e);
    }
}
