package org.edp4j.fl;

import java.util.Objects;
import org.edp4j.dp.noise.GaussianNoise;

/**
 * Poisson device selection: in round t, device d joins when {@code u_d < p_d}, where {@code u_d} is
 * uniform d of the ChaCha20 stream {@link GaussianNoise#DEVICE_SELECTION} with nonce t. Each device
 * joins independently, the number of participants varies (mean {@code sum_d p_d}) and may be 0.
 *
 * <p>The coins are as unpredictable as the generator's key and reproducible from it: a distributed
 * engine can compute device d's coin wherever device d lives and get the same selection. With
 * equal probabilities {@code q} this is {@link org.edp4j.dp.PoissonSampler}'s rule on another stream.
 */
public final class DeviceSampler {
    private final GaussianNoise coins;
    private final double[] uniforms;

    /**
     * @param coins the generator of the coins (a secure one for a private run); not null
     * @param devices N, {@code >= 1}
     * @throws IllegalArgumentException when devices is below 1
     */
    public DeviceSampler(GaussianNoise coins, int devices) {
        this.coins = Objects.requireNonNull(coins, "coins");
        if (devices < 1) {
            throw new IllegalArgumentException("number of devices must be >= 1, got " + devices);
        }
        this.uniforms = new double[devices];
    }

    /**
     * The devices selected in round {@code round}: their indices, ascending, in {@code out[0..count)}.
     *
     * @param round the round (the coins' nonce), {@code >= 0}
     * @param p inclusion probabilities, one per device, each in {@code [0, 1]}; not modified
     * @param out at least N long; modified in {@code [0, count)}
     * @return count, the number of devices selected ({@code 0} is possible)
     * @throws IllegalArgumentException when a probability is outside {@code [0, 1]}
     */
    public int sample(long round, double[] p, int[] out) {
        int n = uniforms.length;
        coins.fillUniforms(GaussianNoise.DEVICE_SELECTION, round, 0, uniforms, 0, n);
        int count = 0;
        for (int d = 0; d < n; d++) {
            if (!(p[d] >= 0 && p[d] <= 1)) {
                throw new IllegalArgumentException("inclusion probability of device " + d + " must be in [0, 1], got "
                        + p[d]);
            }
            if (uniforms[d] < p[d]) {
                out[count++] = d;
            }
        }
        return count;
    }

    /** @return N */
    public int deviceCount() {
        return uniforms.length;
    }
}
