package org.edp4j.dp;

import java.util.List;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.dp.noise.NoisePrefetcher;
import org.edp4j.nn.Parameter;
import org.edp4j.tensor.UpdateNoise;

/**
 * Where each step's Gaussian noise comes from, for one list of parameters: the noise of parameter
 * p's element j at step t is element {@code offset_p + j} of the generator's stream
 * {@code (streamId, t)}, {@code offset_p} the number of scalars of the parameters before p, so every
 * coordinate of every step has its own stream position, never reused. On a backend that does not
 * draw noise itself the step's normals are prefetched on a worker thread ({@link NoisePrefetcher}).
 *
 * <p>The one layout of the stream for the private step ({@link PrivateStep}) and the federated
 * server ({@link NoisyUpdate}), which is why a round with one example per device can equal a
 * DP-SGD step noise for noise. Not thread-safe.
 */
final class StepNoise implements AutoCloseable {
    private final long[] offsets;
    private final int[] key;
    private final int streamId;
    private final NoisePrefetcher prefetcher;

    private long step;
    private float stddev;
    private float[] normals;

    /**
     * @param parameters the parameters, in the order of their stream offsets; at most 2^31 - 1 scalars
     * @param noise the generator (its key is read once), or null when no step will be noised
     * @param streamId the stream id, {@code >= 0}
     * @param prefetch whether to prefetch normals on a worker (false on a backend that draws its own
     *     noise, or when no step will be noised; then no worker is started)
     * @throws IllegalArgumentException when the parameters hold more than 2^31 - 1 scalars, or for a
     *     negative stream id
     */
    StepNoise(List<Parameter> parameters, GaussianNoise noise, int streamId, boolean prefetch) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be >= 0, got " + streamId);
        }
        this.offsets = new long[parameters.size()];
        long off = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = off;
            off += parameters.get(i).size();
        }
        if (off > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("models above 2^31-1 parameters are not supported, got " + off);
        }
        this.key = noise == null ? null : noise.key();
        this.streamId = streamId;
        this.prefetcher = prefetch ? new NoisePrefetcher(noise, streamId, (int) off) : null;
    }

    /** Starts step {@code step} at noise standard deviation {@code stddev} ({@code >= 0}; 0: no noise). */
    void begin(long step, double stddev) {
        this.step = step;
        this.stddev = (float) stddev;
        this.normals = stddev != 0 && prefetcher != null ? prefetcher.take(step) : null;
    }

    /** The noise of parameter i in the step {@link #begin} started ({@link UpdateNoise#NONE} at stddev 0). */
    UpdateNoise of(int i) {
        return stddev == 0 ? UpdateNoise.NONE
                : new UpdateNoise(stddev, normals, (int) offsets[i], key, streamId, step, offsets[i]);
    }

    /** The stream offset of parameter i. */
    long offset(int i) {
        return offsets[i];
    }

    /** Stops the prefetch worker, if any. */
    @Override
    public void close() {
        if (prefetcher != null) {
            prefetcher.close();
        }
    }
}
