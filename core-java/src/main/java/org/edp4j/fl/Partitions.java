package org.edp4j.fl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.edp4j.audit.Permutation;

/**
 * Splits a dataset of {@code n} examples over devices, the ways federated experiments do (FedNLP,
 * Lin et al. 2022): IID, label skew by a Dirichlet distribution, quantity skew by log-normal device
 * sizes, or by a device id the data carries. Every builder puts each example on exactly one device
 * and is deterministic for its seed (a partition is the set-up of a simulation, not a secret).
 *
 * <pre>{@code
 * int[] y = train.labels();
 * Partition iid = Partitions.iid(y.length, 100, 7);                  // equal sizes, random examples
 * Partition skew = Partitions.dirichlet(y, 2, 100, 0.1, 7);          // each device mostly one class
 * Partition busy = Partitions.quantitySkew(y.length, 100, 1.0, 7);   // sizes ~ log-normal(0, 1^2)
 * Partition own = Partitions.byDeviceId(deviceColumn);               // the file's own devices
 * }</pre>
 */
public final class Partitions {
    private Partitions() {
    }

    /**
     * IID: the examples in a random order, cut into {@code devices} consecutive runs whose sizes
     * differ by at most one (device d gets positions {@code [d n / D, (d+1) n / D)}).
     *
     * @param n examples, {@code >= 0}
     * @param devices {@code >= 1}
     * @throws IllegalArgumentException for n or devices out of range
     */
    public static Partition iid(int n, int devices, long seed) {
        check(n, devices);
        int[] order = Permutation.of(n, new SplittableRandom(seed));
        int[][] out = new int[devices][];
        for (int d = 0; d < devices; d++) {
            int from = (int) ((long) d * n / devices);
            int to = (int) ((long) (d + 1) * n / devices);
            out[d] = Arrays.copyOfRange(order, from, to);
        }
        return Partition.wrap(out);
    }

    /**
     * Label skew (Hsu, Qi and Brown 2019; the FedNLP "label-skew" split): for each class c, device
     * shares {@code p ~ Dir(alpha, ..., alpha)} over the {@code devices}; class c's examples, in a
     * random order, go to the devices in runs of {@code n_c p_d} (rounded by largest remainder, so
     * every example is placed). Small {@code alpha} puts each class on a few devices (0.01: nearly
     * all on one); large {@code alpha} gives every device about {@code n_c / devices} of each class.
     * Each device's examples are then shuffled, so a continual stream does not arrive sorted by class.
     * Device sizes vary.
     *
     * @param labels the label of every example, each in {@code [0, classes)}; not modified
     * @param classes {@code >= 1}
     * @param devices {@code >= 1}
     * @param alpha concentration, {@code > 0} and finite
     * @throws IllegalArgumentException for an argument out of range or a label outside {@code [0, classes)}
     */
    public static Partition dirichlet(int[] labels, int classes, int devices, double alpha, long seed) {
        Objects.requireNonNull(labels, "labels");
        check(labels.length, devices);
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("Dirichlet alpha must be > 0 and finite, got " + alpha);
        }
        int[] perClass = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " of example " + i + " is outside [0, " + classes + ")");
            }
            perClass[y]++;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Integer>> held = new ArrayList<>(devices);
        for (int d = 0; d < devices; d++) {
            held.add(new ArrayList<>());
        }
        for (int c = 0; c < classes; c++) {
            int[] members = new int[perClass[c]];
            int k = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members[k++] = i;
                }
            }
            members = permuted(members, rng);
            int[] counts = apportion(members.length, Dirichlet.sample(rng, alpha, devices));
            int from = 0;
            for (int d = 0; d < devices; d++) {
                for (int j = 0; j < counts[d]; j++) {
                    held.get(d).add(members[from + j]);
                }
                from += counts[d];
            }
        }
        int[][] out = new int[devices][];
        for (int d = 0; d < devices; d++) {
            out[d] = held.get(d).stream().mapToInt(Integer::intValue).toArray();
            out[d] = permuted(out[d], rng);
        }
        return Partition.wrap(out);
    }

    /**
     * Quantity skew: device sizes proportional to {@code w_d = exp(sigma z_d)}, {@code z_d ~ N(0, 1)}
     * (log-normal: a few busy devices and many quiet ones, as on real phones; sigma 0 gives equal
     * sizes), the examples IID over the devices. When {@code n >= devices} every device holds at
     * least one example and the other {@code n - devices} are shared by largest remainder of the
     * weights; otherwise all n are shared that way and some devices are empty.
     *
     * @param n examples, {@code >= 0}
     * @param devices {@code >= 1}
     * @param sigma the standard deviation of the log sizes, {@code >= 0} and finite
     * @throws IllegalArgumentException for an argument out of range
     */
    public static Partition quantitySkew(int n, int devices, double sigma, long seed) {
        check(n, devices);
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("quantity-skew sigma must be >= 0 and finite, got " + sigma);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = new double[devices];
        for (int d = 0; d < devices; d++) {
            w[d] = Math.exp(sigma * rng.nextGaussian());
        }
        int floor = n >= devices ? 1 : 0;
        int[] sizes = apportion(n - floor * devices, w);
        int[] order = Permutation.of(n, rng);
        int[][] out = new int[devices][];
        int from = 0;
        for (int d = 0; d < devices; d++) {
            int s = sizes[d] + floor;
            out[d] = Arrays.copyOfRange(order, from, from + s);
            from += s;
        }
        return Partition.wrap(out);
    }

    /**
     * The devices a dataset names itself: example i belongs to the device {@code deviceIds.get(i)}.
     * Devices are numbered in order of first appearance; each device's examples keep the dataset's
     * order (its arrival order in the continual setting).
     *
     * @param deviceIds one id per example, none null; not modified
     * @throws IllegalArgumentException when there is no example or an id is null (the message names the example)
     */
    public static Partition byDeviceId(List<String> deviceIds) {
        Objects.requireNonNull(deviceIds, "deviceIds");
        if (deviceIds.isEmpty()) {
            throw new IllegalArgumentException("device ids: need at least one example, got 0");
        }
        Map<String, List<Integer>> devices = new LinkedHashMap<>();
        for (int i = 0; i < deviceIds.size(); i++) {
            String id = deviceIds.get(i);
            if (id == null) {
                throw new IllegalArgumentException("example " + i + " has no device id (null)");
            }
            devices.computeIfAbsent(id, k -> new ArrayList<>()).add(i);
        }
        int[][] out = new int[devices.size()][];
        int d = 0;
        for (List<Integer> l : devices.values()) {
            out[d++] = l.stream().mapToInt(Integer::intValue).toArray();
        }
        return Partition.wrap(out);
    }

    /**
     * Splits {@code total} into integer parts proportional to {@code weights} by the largest-remainder
     * method: {@code floor(total w_d / W)}, then one more to the largest remainders (ties to the lower
     * index) until the parts sum to {@code total} exactly.
     */
    static int[] apportion(int total, double[] weights) {
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be >= 0 and finite, got " + w);
            }
            sum += w;
        }
        int[] parts = new int[weights.length];
        if (total == 0) {
            return parts;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("weights must not all be 0 when there is something to share");
        }
        double[] rem = new double[weights.length];
        long given = 0;
        for (int d = 0; d < weights.length; d++) {
            double exact = total * (weights[d] / sum);
            parts[d] = (int) Math.floor(exact);
            rem[d] = exact - parts[d];
            given += parts[d];
        }
        Integer[] byRemainder = new Integer[weights.length];
        for (int d = 0; d < byRemainder.length; d++) {
            byRemainder[d] = d;
        }
        Arrays.sort(byRemainder, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
        // Rounding can leave the floors a little above or below the total: correct both ways.
        for (int k = 0; given < total; k = (k + 1) % byRemainder.length) {
            parts[byRemainder[k]]++;
            given++;
        }
        for (int k = byRemainder.length - 1; given > total; k = (k - 1 + byRemainder.length) % byRemainder.length) {
            if (parts[byRemainder[k]] > 0) {
                parts[byRemainder[k]]--;
                given--;
            }
        }
        return parts;
    }

    private static void check(int n, int devices) {
        if (n < 0) {
            throw new IllegalArgumentException("number of examples must be >= 0, got " + n);
        }
        if (devices < 1) {
            throw new IllegalArgumentException("number of devices must be >= 1, got " + devices);
        }
    }

    /** The elements of {@code a} in a random order ({@link Permutation}); a new array. */
    static int[] permuted(int[] a, SplittableRandom rng) {
        int[] p = Permutation.of(a.length, rng);
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[p[i]];
        }
        return out;
    }
}
