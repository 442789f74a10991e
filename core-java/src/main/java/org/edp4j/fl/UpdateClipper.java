package org.edp4j.fl;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.ClippingMode;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.CpuBackend;
import org.edp4j.tensor.Tensor;

/**
 * Bounds one device's update the way DP-SGD bounds one example's gradient, with the same rule:
 * the squared norms go through {@link Backend#clipFactors} (on the CPU backend, where the update
 * lives), so a device's factor is {@code min(1, C / (||u|| + 1e-6))} (FLAT),
 * {@code min(1, C_l / (||u_l|| + 1e-6))} per trainable layer with {@code C_l = C / sqrt(L)}
 * (PER_LAYER; total norm at most C) or {@code C / (||u|| + gamma)} (AUTOMATIC), exactly as
 * {@link org.edp4j.dp.PrivateOptimizer} computes it for an example. The sensitivity of the sum to one
 * device is then C. Not thread-safe: one per worker.
 */
final class UpdateClipper {
    private final Backend cpu = CpuBackend.instance();
    /** Parameter indices of each per-layer group. */
    private final int[][] layerGroups;
    private final int parameterCount;
    private final Tensor sq;
    private final Tensor ones;
    private final Tensor factors;
    private final float[] hostSq;
    private final float[] hostFactors;

    UpdateClipper(Sequential model) {
        List<Parameter> ps = model.parameters();
        this.parameterCount = ps.size();
        Map<Parameter, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < ps.size(); i++) {
            index.put(ps.get(i), i);
        }
        List<Layer> layers = model.trainableLayers();
        List<int[]> groups = new ArrayList<>();
        for (Layer l : layers) {
            List<Parameter> lp = l.parameters();
            int[] g = new int[lp.size()];
            for (int k = 0; k < g.length; k++) {
                g[k] = index.get(lp.get(k));
            }
            groups.add(g);
        }
        this.layerGroups = groups.toArray(new int[0][]);
        int n = Math.max(1, layerGroups.length);
        this.sq = cpu.zeros(n);
        this.ones = cpu.zeros(n);
        cpu.fill(ones, 1f);
        this.factors = cpu.zeros(n);
        this.hostSq = new float[n];
        this.hostFactors = new float[n];
    }

    /**
     * The check of a round without clipping (non-private): the update is left as it is.
     *
     * @return WITHIN_BOUND; null when its squared norm is not finite in float
     */
    DeviceOutcome checkFinite(ModelVector update) {
        double s = 0;
        for (int i = 0; i < parameterCount; i++) {
            s += update.squaredNorm(i);
        }
        return Float.isFinite((float) s) ? DeviceOutcome.WITHIN_BOUND : null;
    }

    /**
     * Scales {@code update} in place to the clip bound.
     *
     * @param clipping FLAT, PER_LAYER or AUTOMATIC (ADAPTIVE is FLAT at the round's bound)
     * @return WITHIN_BOUND or CLIPPED; null when a squared norm is not finite in float (nothing was scaled)
     */
    DeviceOutcome clip(ModelVector update, Clipping clipping, double clipNorm) {
        ClippingMode mode = clipping.mode();
        boolean perLayer = mode == ClippingMode.PER_LAYER && layerGroups.length > 0;
        int groups = perLayer ? layerGroups.length : 1;
        double total = 0;
        for (int g = 0; g < groups; g++) {
            double s = 0;
            if (perLayer) {
                for (int i : layerGroups[g]) {
                    s += update.squaredNorm(i);
                }
            } else {
                for (int i = 0; i < parameterCount; i++) {
                    s += update.squaredNorm(i);
                }
            }
            hostSq[g] = (float) s;
            if (!Float.isFinite(hostSq[g])) {
                // Beyond float, as PrivateOptimizer's norms: a non-finite update, not a factor of 0.
                return null;
            }
            total += s;
        }
        for (int g = groups; g < hostSq.length; g++) {
            hostSq[g] = 0f;
        }
        double bound = perLayer ? clipNorm / Math.sqrt(groups) : clipNorm;
        boolean automatic = mode == ClippingMode.AUTOMATIC;
        float stabilizer = (float) (automatic ? clipping.gamma() : Clipping.STABILIZER);
        sq.copyFrom(hostSq);
        cpu.clipFactors(hostSq.length, sq, ones, (float) bound, stabilizer, automatic, factors);
        factors.copyTo(hostFactors);
        for (int g = 0; g < groups; g++) {
            if (!Float.isFinite(hostFactors[g])) {
                return null;
            }
            if (hostFactors[g] == 1f) {
                continue;
            }
            if (perLayer) {
                for (int i : layerGroups[g]) {
                    update.scale(i, hostFactors[g]);
                }
            } else {
                for (int i = 0; i < parameterCount; i++) {
                    update.scale(i, hostFactors[g]);
                }
            }
        }
        return Math.sqrt(total) <= clipNorm ? DeviceOutcome.WITHIN_BOUND : DeviceOutcome.CLIPPED;
    }
}
