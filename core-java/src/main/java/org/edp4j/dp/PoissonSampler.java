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
            if (uniforms[i] < q) {
                indices[count++] = i;
            }
        }
        return count;
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
