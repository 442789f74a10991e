package org.edp4j.nn;

import org.edp4j.tensor.Tensor;

/** What the {@link Loss} implementations share: the output shape check and the host sum. */
final class LossBuffers {
    private LossBuffers() {
    }

    /** The output must be {@code [capacity, k]} for some k; returns k. */
    static int requireOutput(String loss, Tensor output, Batch batch) {
        int b = batch.capacity();
        if (output.shape().rank() != 2 || output.dim(0) != b) {
            throw new IllegalArgumentException(loss + ": the output must be [" + b + ", k] (the batch capacity), got "
                    + output.shape());
        }
        return output.dim(1);
    }

    /** Sum of the per-sample losses (padding rows hold 0), read back into {@code host}. */
    static double sum(Tensor loss, float[] host) {
        loss.copyTo(host);
        double sum = 0;
        for (float v : host) {
            sum += v;
        }
        return sum;
    }
}
