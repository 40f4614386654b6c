package laai.eval;

import java.util.Locale;

/** A confidence interval [low, high]; both NaN where the metric does not apply. */
public record Interval(double low, double high) implements java.io.Serializable {

    public static final Interval NONE = new Interval(Double.NaN, Double.NaN);

    public boolean isNone() {
        return Double.isNaN(low) || Double.isNaN(high);
    }

    public boolean contains(double value) {
        return low <= value && value <= high;
    }

    /** Whether the two intervals share a point: then the data do not tell the two values apart. */
    public boolean overlaps(Interval other) {
        return !isNone() && !other.isNone() && low <= other.high && other.low <= high;
    }

    /** {@code 0.84 [0.74, 0.92]} with {@code digits} decimals; "-" for a value that does not apply. */
    public static String format(double value, Interval interval, int digits) {
        if (Double.isNaN(value)) return "-";
        String f = "%." + digits + "f";
        String point = String.format(Locale.ROOT, f, value);
        if (interval.isNone()) return point;
        return point + String.format(Locale.ROOT, " [" + f + ", " + f + "]", interval.low, interval.high);
    }
}
