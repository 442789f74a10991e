package org.edp4j.cli;

/** Hand-written JSON numbers: full precision ({@link Double#toString}), {@code null} when not finite. */
public final class Json {

    private Json() {
    }

    public static String num(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    public static String str(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
