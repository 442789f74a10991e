package org.edp4j.fl;

import java.util.Objects;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.ClippingMode;
import org.edp4j.dp.NonFinitePolicy;

/**
 * The device side of one round, as the server hands it to a {@link RoundExecutor}: which devices
 * train (a {@link RoundSelection}: the engine flips the coins where it likes), from which weights,
 * and how their updates are bounded.
 *
 * @param round the round, {@code >= 0}
 * @param clipping the clipping mode (FLAT, PER_LAYER or AUTOMATIC; ADAPTIVE devices clip flat at
 *     {@code clipNorm}), or null for a non-private round: the devices do not clip
 * @param clipNorm the bound C of this round, {@code > 0} and finite (ignored without clipping)
 * @param global the weights every device starts from; read-only during the round
 * @param selection who trains: the selected devices, ascending, are the order their updates are summed in
 * @param nonFinitePolicy what a device with a non-finite update does
 */
public record RoundTask(long round, Clipping clipping, double clipNorm, ModelVector global, RoundSelection selection,
        NonFinitePolicy nonFinitePolicy) {

    /** Checks the fields. */
    public RoundTask {
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(nonFinitePolicy, "nonFinitePolicy");
        if (clipping != null && (!(clipNorm > 0) || Double.isInfinite(clipNorm))) {
            throw new IllegalArgumentException("clip norm must be > 0 and finite, got " + clipNorm);
        }
    }

    /**
     * A task for exactly these devices ({@link RoundSelection#of}).
     *
     * @param devices distinct and ascending; copied
     */
    public RoundTask(long round, Clipping clipping, double clipNorm, ModelVector global, int[] devices,
            NonFinitePolicy nonFinitePolicy) {
        this(round, clipping, clipNorm, global, RoundSelection.of(devices), nonFinitePolicy);
    }

    /** @return the selected devices, ascending, every coin flipped on this machine ({@link RoundSelection#devices}) */
    public int[] devices() {
        return selection.devices(round);
    }

    /** The clipping rule the devices apply: ADAPTIVE becomes flat at this round's bound; null: none. */
    Clipping deviceClipping() {
        if (clipping == null) {
            return null;
        }
        return clipping.mode() == ClippingMode.ADAPTIVE ? Clipping.flat(clipNorm) : clipping;
    }
}
