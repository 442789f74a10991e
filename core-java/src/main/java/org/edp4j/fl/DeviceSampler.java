package org.edp4j.fl;

import java.util.Objects;
import org.edp4j.dp.noise.GaussianNoise;

/**
 * Poisson device selection: in round t, device d joins when {@code u_d < p_d}, where {@code u_d} is
 * uniform d of the ChaCha20 stream {@link GaussianNoise#DEVICE_SELECTION} with nonce t. Each device
 * joins independently, the number of participants varies (mean {@code sum_d p_d}) and may be 0.
 *
 * <p>The coins are as unpredictable as the generator's key and reproducible from it: a distributed
 * engine computes device d's coin wherever device d lives ({@link #select}, over a range of devices)
 * and gets the same selection. With equal probabilities {@code q} this is
 * {@link org.edp4j.dp.PoissonSampler}'s rule on another stream.
 */
public final class DeviceSampler {
    /** Coins drawn per call of the generator in {@link #select}: a multiple of a ChaCha20 block's 8. */
    private static final int CHUNK = 1024;

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
            if (joins(uniforms[d], checked(d, p[d]))) {
                out[count++] = d;
            }
        }
        return count;
    }

    /**
     * The devices of the range {@code [firstDevice, firstDevice + count)} that round {@code round}
     * selects under {@code rule}: the same coins as {@link #sample} for every device of the range, so
     * an engine that splits the devices into ranges and selects each range where it lives selects
     * exactly the devices one machine would. O(count) time, no buffer of N.
     *
     * @param coins the generator of the coins; not null
     * @param round the round (the coins' nonce), {@code >= 0}
     * @param rule the round's inclusion rule
     * @param firstDevice the first device of the range, {@code >= 0}
     * @param heldCounts the examples each device of the range holds now: device
     *     {@code firstDevice + k} holds {@code heldCounts[k]}; not modified
     * @param count the number of devices in the range, {@code 0 <= count <= heldCounts.length}
     * @param out at least {@code count} long; receives the selected devices (global indices), ascending
     * @return the number selected
     * @throws IllegalArgumentException for a range outside the generator's stream or a count out of range
     */
    public static int select(GaussianNoise coins, long round, InclusionRule rule, long firstDevice, int[] heldCounts,
            int count, int[] out) {
        Objects.requireNonNull(rule, "rule");
        if (count < 0 || count > heldCounts.length) {
            throw new IllegalArgumentException("count must be in [0, " + heldCounts.length + "], got " + count);
        }
        double[] u = new double[Math.min(CHUNK, Math.max(1, count))];
        int selected = 0;
        for (int from = 0; from < count; from += u.length) {
            int n = Math.min(u.length, count - from);
            coins.fillUniforms(GaussianNoise.DEVICE_SELECTION, round, firstDevice + from, u, 0, n);
            for (int k = 0; k < n; k++) {
                if (joins(u[k], rule.probability(heldCounts[from + k]))) {
                    out[selected++] = (int) (firstDevice + from + k);
                }
            }
        }
        return selected;
    }

    /** The one rule of a coin: a device joins when its uniform is below its probability. */
    private static boolean joins(double uniform, double p) {
        return uniform < p;
    }

    private static double checked(int device, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("inclusion probability of device " + device + " must be in [0, 1], got "
                    + p);
        }
        return p;
    }

    /** @return N */
    public int deviceCount() {
        return uniforms.length;
    }
}
