package org.edp4j.cli.federated;

import java.util.Locale;
import org.edp4j.fl.Partition;
import org.edp4j.fl.Partitions;

/**
 * The value of {@code --partition}: {@code iid}, {@code dirichlet:A} (label skew, concentration A &gt; 0)
 * or {@code quantity:S} (log-normal device sizes, sigma S &gt;= 0).
 *
 * @param kind "iid", "dirichlet" or "quantity"
 * @param parameter A or S (0 for iid)
 */
record PartitionSpec(String kind, double parameter) {

    /** What {@code --partition} accepts, for messages. */
    static final String FORMS = "iid, dirichlet:A (A > 0) or quantity:S (S >= 0)";

    /**
     * @throws IllegalArgumentException naming {@code --partition} and the accepted forms
     */
    static PartitionSpec parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("iid")) {
            return new PartitionSpec("iid", 0);
        }
        int colon = s.indexOf(':');
        if (colon > 0) {
            String kind = s.substring(0, colon);
            double v;
            try {
                v = Double.parseDouble(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (kind.equals("dirichlet") && v > 0 && Double.isFinite(v)) {
                return new PartitionSpec(kind, v);
            }
            if (kind.equals("quantity") && v >= 0 && Double.isFinite(v)) {
                return new PartitionSpec(kind, v);
            }
        }
        throw new IllegalArgumentException("--partition must be " + FORMS + ", got '" + spec + "'");
    }

    /** Splits {@code labels.length} examples over {@code devices} devices. */
    Partition build(int[] labels, int classes, int devices, long seed) {
        return switch (kind) {
            case "dirichlet" -> Partitions.dirichlet(labels, classes, devices, parameter, seed);
            case "quantity" -> Partitions.quantitySkew(labels.length, devices, parameter, seed);
            default -> Partitions.iid(labels.length, devices, seed);
        };
    }

    @Override
    public String toString() {
        return kind.equals("iid") ? "iid" : kind + ":" + text(parameter);
    }

    /** {@code 1} rather than {@code 1.0}; other values as {@link Double#toString}. */
    private static String text(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
