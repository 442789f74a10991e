package org.edp4j.privacy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registry of accountants by name, and restoring saved state.
 *
 * <pre>{@code
 * PrivacyAccountant acc = PrivacyAccountants.byName("rdp");   // or "prv"
 * String saved = acc.saveState();                              // into the checkpoint
 * PrivacyAccountant again = PrivacyAccountants.restore(saved); // same answers, bit for bit
 * }</pre>
 */
public final class PrivacyAccountants {

    /** The registered names, in order. */
    public static final List<String> NAMES = List.of(RdpAccountant.NAME, PrvAccountant.NAME);

    private PrivacyAccountants() {
    }

    /**
     * A fresh accountant with default parameters.
     *
     * @param name {@code "rdp"} or {@code "prv"} (case-insensitive)
     * @throws IllegalArgumentException naming the value when it is not a registered name
     */
    public static PrivacyAccountant byName(String name) {
        return factory(name).get();
    }

    /** A factory of fresh accountants for {@code name}; same names and errors as {@link #byName}. */
    public static Supplier<PrivacyAccountant> factory(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case RdpAccountant.NAME:
                return RdpAccountant::new;
            case PrvAccountant.NAME:
                return PrvAccountant::new;
            default:
                throw new IllegalArgumentException("accountant must be one of " + NAMES + ", got " + name);
        }
    }

    /**
     * Rebuilds an accountant from {@link PrivacyAccountant#saveState()}; its parameters, history
     * and every answer equal the saved one's exactly.
     *
     * @throws IllegalArgumentException if {@code state} is not a saved state
     */
    public static PrivacyAccountant restore(String state) {
        Map<String, String> m = StateCodec.parse(state);
        String name = m.get("");
        PrivacyAccountant acc;
        try {
            switch (name) {
                case RdpAccountant.NAME:
                    acc = new RdpAccountant(StateCodec.parseDoubles(StateCodec.require(m, "orders")));
                    break;
                case PrvAccountant.NAME:
                    acc = new PrvAccountant(
                            StateCodec.parseDbl(StateCodec.require(m, "epsError")),
                            StateCodec.parseDbl(StateCodec.require(m, "deltaErrorRatio")),
                            Integer.parseInt(StateCodec.require(m, "maxGridSize")),
                            StateCodec.parseDoubles(StateCodec.require(m, "orders")));
                    break;
                default:
                    throw new IllegalArgumentException("state must start with one of " + NAMES + ", got " + name);
            }
            for (MechanismRun r : StateCodec.parseRuns(StateCodec.require(m, "runs"))) {
                acc.step(r.noiseMultiplier(), r.sampleRate(), r.steps());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("state is malformed: " + e.getMessage(), e);
        }
        return acc;
    }
}
