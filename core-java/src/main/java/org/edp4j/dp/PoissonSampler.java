package org.edp4j.dp;

import org.edp4j.dp.noise.GaussianNoise;

/**
 * Poisson sampling, the sampling the subsampled-Gaussian privacy analysis assumes: at every step
 * each of the {@code n} examples joins the batch independently with probability {@code q}.
 *
 * <p>The coin of example i at step t is uniform i of the ChaCha20 stream
 * {@link GaussianNoise#SAMPLING} with nonce t: as unpredictable as the noise key, and
 * reproducible from the key and the step (a resumed run draws the batches it would have drawn).
 *
 * <p>The batch size varies (binomial, mean {@code qn}) and may be 0: an empty batch is legal and
 * the step still adds noise. Batches are handed to the model in fixed-capacity physical batches
 * ({@link org.edp4j.nn.Batch}); a logical batch larger than the capacity is split into several
 * physical batches whose clipped sums accumulate, so sampling stays exactly Poisson: never
 * truncated, never resampled. {@link #suggestedCapacity} makes a split rare.
 */
public final class PoissonSampler {
    private final GaussianNoise coins;
    private final int n;
    private final double q;
    private final double[] uniforms;
    private final int[] indices;

    /**
     * @param coins the generator of the sampling coins (use the training run's secure generator)
     * @param n dataset size, &gt; 0
     * @param q sampling rate, in (0, 1]
     */
    public PoissonSampler(GaussianNoise coins, int n, double q) {
        if (n <= 0) {
            throw new IllegalArgumentException("dataset size must be > 0, got " + n);
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("sampling rate q must be in (0, 1], got " + q);
        }
        this.coins = coins;
        this.n = n;
        this.q = q;
        this.uniforms = new double[n];
        this.indices = new int[n];
    }

    /**
     * The examples of step {@code step}: their indices, ascending, in {@code indices()[0..count)}.
     * Overwrites the previous step's indices.
     *
     * @return the number of examples sampled (0 is possible)
     */
    public int sample(long step) {
        coins.fillUniforms(GaussianNoise.SAMPLING, step, 0, uniforms, 0, n);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (joins(uniforms[i], q)) {
                indices[count++] = i;
            }
        }
        return count;
    }

    /**
     * The examples of the range {@code [first, first + count)} that step {@code step} samples: the
     * same coins as {@link #sample} for each example of the range, so a data-parallel engine whose
     * workers each hold a range of example ids samples exactly the batch one machine would.
     *
     * @param coins the generator of the sampling coins; not null
     * @param step the step (the coins' nonce), {@code >= 0}
     * @param q the sampling rate, in (0, 1]
     * @param first the range's first example id, {@code >= 0}
     * @param count the examples in the range, {@code >= 0}
     * @param out at least {@code count} long; receives the sampled ids (global), ascending
     * @return the number sampled
     * @throws IllegalArgumentException for q outside (0, 1], or a range outside the generator's stream
     */
    public static int sampleRange(GaussianNoise coins, long step, double q, long first, int count, int[] out) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("sampling rate q must be in (0, 1], got " + q);
        }
        double[] u = new double[Math.max(1, Math.min(RANGE_CHUNK, count))];
        int sampled = 0;
        for (int from = 0; from < count; from += u.length) {
            int len = Math.min(u.length, count - from);
            coins.fillUniforms(GaussianNoise.SAMPLING, step, first + from, u, 0, len);
            for (int k = 0; k < len; k++) {
                if (joins(u[k], q)) {
                    out[sampled++] = (int) (first + from + k);
                }
            }
        }
        return sampled;
    }

    /** Coins per generator call in {@link #sampleRange}: a multiple of a ChaCha20 block's 8. */
    private static final int RANGE_CHUNK = 1024;

    /** The one rule of a coin: an example joins when its uniform is below q. */
    private static boolean joins(double uniform, double q) {
        return uniform < q;
    }

    /** The indices of the last {@link #sample}; valid up to its count. Not a copy: do not modify. */
    public int[] indices() {
        return indices;
    }

    public int datasetSize() {
        return n;
    }

    public double sampleRate() {
        return q;
    }

    /** Expected batch size {@code q n}. */
    public double expectedBatchSize() {
        return q * n;
    }

    /**
     * A physical batch capacity that a Poisson batch exceeds rarely: mean plus six standard
     * deviations, {@code ceil(qn + 6 sqrt(qn(1-q)))}, at most n. Overflow is still handled (split).
     */
    public static int suggestedCapacity(int n, double q) {
        double mean = q * n;
        double sd = Math.sqrt(mean * (1 - q));
        return (int) Math.max(1, Math.min(n, Math.ceil(mean + 6 * sd)));
    }
}
