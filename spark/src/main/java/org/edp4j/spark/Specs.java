package org.edp4j.spark;

import java.io.Serializable;
import org.edp4j.dp.Clipping;
import org.edp4j.dp.ClippingMode;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.fl.DeviceCensus;
import org.edp4j.fl.InclusionRule;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.RoundSelection;

/**
 * The serializable forms of the core's configuration records, for the trip to the executors.
 * The noise generator has none on purpose: the noise key never leaves the driver.
 */
final class Specs {
    private Specs() {
    }

    /** A {@link Clipping}, field by field. */
    record ClippingSpec(ClippingMode mode, double clipNorm, double gamma, double targetQuantile,
            double quantileLearningRate, double countNoiseStddev) implements Serializable {
        private static final long serialVersionUID = 1L;

        static ClippingSpec of(Clipping c) {
            return c == null ? null : new ClippingSpec(c.mode(), c.clipNorm(), c.gamma(), c.targetQuantile(),
                    c.quantileLearningRate(), c.countNoiseStddev());
        }

        Clipping clipping() {
            return new Clipping(mode, clipNorm, gamma, targetQuantile, quantileLearningRate, countNoiseStddev);
        }
    }

    /** A {@link LocalTraining}. */
    record LocalSpec(int epochs, int batchSize, double lr, long shuffleSeed) implements Serializable {
        private static final long serialVersionUID = 1L;

        static LocalSpec of(LocalTraining l) {
            return new LocalSpec(l.epochs(), l.batchSize(), l.lr(), l.shuffleSeed());
        }

        LocalTraining local() {
            return new LocalTraining(epochs, batchSize, lr, shuffleSeed);
        }
    }

    /**
     * A {@link RoundSelection}: the rule and the sampling key (the coins' generator's key, which the
     * executors need to flip the devices' coins), or a fixed list.
     */
    record SelectionSpec(InclusionRule rule, int[] coinsKey, int[] fixed) implements Serializable {
        private static final long serialVersionUID = 1L;

        static SelectionSpec of(RoundSelection s) {
            if (!s.isPoisson()) {
                return new SelectionSpec(null, null, s.fixedDevices());
            }
            return new SelectionSpec(s.rule(), s.coins().key(), null);
        }

        /** The selection on an executor; {@code census} (not null) answers only {@link RoundSelection#devices}, not called there. */
        RoundSelection selection(DeviceCensus census) {
            return fixed != null ? RoundSelection.of(fixed) : RoundSelection.poisson(rule, GaussianNoise.fromKey(coinsKey),
                    census);
        }
    }
}
