package kquant.calibrate;

import java.util.ArrayList;
import java.util.List;

/**
 * What the float engine showed of one activation tensor over a data set, at each timestep (a
 * recurrent state drifts over time, so the last steps may need more range than the first) and
 * overall. Mutable while gathering, one per thread, then merged in a fixed order.
 */
public final class TensorStatistics {

    private double[] min = new double[0];
    private double[] max = new double[0];
    private long[] count = new long[0];

    private void grow(int steps) {
        if (min.length < steps) {
            int old = min.length;
            min = java.util.Arrays.copyOf(min, steps);
            max = java.util.Arrays.copyOf(max, steps);
            count = java.util.Arrays.copyOf(count, steps);
            for (int t = old; t < steps; t++) {
                min[t] = Double.POSITIVE_INFINITY;
                max[t] = Double.NEGATIVE_INFINITY;
            }
        }
    }

    /** Adds the values of one timestep. */
    public void add(int step, double[] values) {
        grow(step + 1);
        double lo = min[step];
        double hi = max[step];
        for (double v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        min[step] = lo;
        max[step] = hi;
        count[step] += values.length;
    }

    /** Adds everything {@code other} saw. */
    public void merge(TensorStatistics other) {
        grow(other.min.length);
        for (int t = 0; t < other.min.length; t++) {
            min[t] = Math.min(min[t], other.min[t]);
            max[t] = Math.max(max[t], other.max[t]);
            count[t] += other.count[t];
        }
    }

    public int steps() {
        return min.length;
    }

    public Range step(int t) {
        return new Range(min[t], max[t], count[t]);
    }

    public Range overall() {
        Range r = Range.EMPTY;
        for (int t = 0; t < min.length; t++) {
            r = r.merge(step(t));
        }
        return r;
    }

    public List<Range> perStep() {
        List<Range> out = new ArrayList<>();
        for (int t = 0; t < min.length; t++) {
            out.add(step(t));
        }
        return out;
    }
}
