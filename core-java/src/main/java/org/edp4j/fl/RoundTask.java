package org.edp4j.fl;

import java.util.Objects;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.ClippingMode;
import org.edp4j.dp.NonFinitePolicy;

/**
 * The device side of one round, as the server hands it to a {@link RoundExecutor}: which devices
 * train, from which weights, and how their updates are bounded.
 *
 * @param round the round, {@code >= 0}
 * @param clipping the clipping mode (FLAT, PER_LAYER or AUTOMATIC; ADAPTIVE devices clip flat at
 *     {@code clipNorm}), or null for a non-private round: the devices do not clip
 * @param clipNorm the bound C of this round, {@code > 0} and finite (ignored without clipping)
 * @param global the weights every device starts from; read-only during the round
 * @param devices the selected devices, ascending: the order their updates are summed in
 * @param nonFinitePolicy what a device with a non-finite update does
 */
public record RoundTask(long round, Clipping clipping, double clipNorm, ModelVector global, int[] devices,
        NonFinitePolicy nonFinitePolicy) {

    /** Checks the fields; the array of devices is copied. */
    public RoundTask {
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(nonFinitePolicy, "nonFinitePolicy");
        if (clipping != null && (!(clipNorm > 0) || Double.isInfinite(clipNorm))) {
            throw new IllegalArgumentException("clip norm must be > 0 and finite, got " + clipNorm);
        }
        devices = devices.clone();
        for (int k = 1; k < devices.length; k++) {
            if (devices[k] <= devices[k - 1]) {
                throw new IllegalArgumentException("devices must be distinct and ascending, got " + devices[k - 1]
                        + " before " + devices[k]);
            }
        }
    }

    /** @return a copy of the selected devices, ascending */
    @Override
    public int[] devices() {
        return devices.clone();
    }

    /** The clipping rule the devices apply: ADAPTIVE becomes flat at this round's bound; null: none. */
    Clipping deviceClipping() {
        if (clipping == null) {
            return null;
        }
        return clipping.mode() == ClippingMode.ADAPTIVE ? Clipping.flat(clipNorm) : clipping;
    }
}
