package org.edp4j.tensor;

/**
 * The Gaussian noise a fused optimizer update adds to one parameter's summed gradient.
 *
 * <p>Element {@code j} of the parameter gets {@code stddev * z_j}, where {@code z_j} is the
 * standard normal number {@code firstElement + j} of the ChaCha20 stream ({@code key},
 * {@code streamId}, nonce {@code step}) of {@link org.edp4j.dp.noise.GaussianNoise}. The CPU
 * backend reads {@code z_j} from {@code normals[offset + j]}, filled ahead of time off the
 * critical path; a device backend draws the same numbers in its kernel from the key. Both
 * describe the same stream, so CPU and GPU updates agree.
 *
 * @param stddev the noise standard deviation; 0 means no noise (the non-private step)
 * @param normals prefetched standard normals, or null when the backend draws them itself
 * @param offset where this parameter's normals start in {@code normals}
 * @param key the 256-bit ChaCha20 key (8 words), or null when {@code stddev == 0}
 * @param streamId the stream of the key
 * @param step the nonce: the training step
 * @param firstElement the stream index of this parameter's element 0
 */
public record UpdateNoise(float stddev, float[] normals, int offset, int[] key, int streamId, long step,
        long firstElement) {

    /** No noise: the non-private update. */
    public static final UpdateNoise NONE = new UpdateNoise(0f, null, 0, null, 0, 0, 0);

    public UpdateNoise {
        if (!(stddev >= 0) || Float.isInfinite(stddev)) {
            throw new IllegalArgumentException("noise stddev must be finite and >= 0, got " + stddev);
        }
        if (stddev > 0 && normals == null && key == null) {
            throw new IllegalArgumentException("noise with stddev > 0 needs prefetched normals or a key");
        }
    }

    public boolean isNone() {
        return stddev == 0f;
    }
}
