package org.edp4j.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text form of accountant state: {@code name;key=value;...}. Doubles are the hex of their raw
 * IEEE-754 bits so that a round trip is exact; runs are {@code sigmaHex:qHex:count} joined by
 * commas.
 */
final class StateCodec {

    private StateCodec() {
    }

    static String dbl(double x) {
        return Long.toHexString(Double.doubleToRawLongBits(x));
    }

    static double parseDbl(String s) {
        return Double.longBitsToDouble(Long.parseUnsignedLong(s, 16));
    }

    static String doubles(double[] xs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(dbl(xs[i]));
        }
        return sb.toString();
    }

    static double[] parseDoubles(String s) {
        if (s.isEmpty()) {
            return new double[0];
        }
        String[] parts = s.split(",");
        double[] xs = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            xs[i] = parseDbl(parts[i]);
        }
        return xs;
    }

    static String runs(List<MechanismRun> runs) {
        StringBuilder sb = new StringBuilder();
        for (MechanismRun r : runs) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(dbl(r.noiseMultiplier())).append(':').append(dbl(r.sampleRate())).append(':').append(r.steps());
        }
        return sb.toString();
    }

    static List<MechanismRun> parseRuns(String s) {
        List<MechanismRun> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String part : s.split(",")) {
            String[] f = part.split(":");
            if (f.length != 3) {
                throw new IllegalArgumentException("state run must be sigmaHex:qHex:count, got " + part);
            }
            out.add(new MechanismRun(parseDbl(f[0]), parseDbl(f[1]), Long.parseLong(f[2])));
        }
        return out;
    }

    /** Splits {@code name;k=v;k=v} into a map with the name under key {@code ""}. */
    static Map<String, String> parse(String state) {
        if (state == null || state.isEmpty()) {
            throw new IllegalArgumentException("state must be a string saved by saveState(), got " + state);
        }
        String[] parts = state.trim().split(";", -1);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("", parts[0]);
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("state field must be key=value, got " + parts[i]);
            }
            m.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return m;
    }

    static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("state lacks the field " + key);
        }
        return v;
    }
}
