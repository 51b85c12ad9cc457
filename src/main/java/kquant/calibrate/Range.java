package kquant.calibrate;

/**
 * The observed range of one tensor: smallest, largest and largest magnitude, over the values
 * seen. Immutable; {@link #merge} combines two.
 */
public record Range(double min, double max, long count) {

    public static final Range EMPTY = new Range(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0);

    public double maxAbs() {
        return count == 0 ? 0 : Math.max(Math.abs(min), Math.abs(max));
    }

    public Range merge(Range o) {
        return new Range(Math.min(min, o.min), Math.max(max, o.max), count + o.count);
    }

    public Range with(double v) {
        return new Range(Math.min(min, v), Math.max(max, v), count + 1);
    }

    /** The range of a weight tensor's values. */
    public static Range of(float[] values) {
        Range r = EMPTY;
        for (float v : values) {
            r = r.with(v);
        }
        return r;
    }
}
