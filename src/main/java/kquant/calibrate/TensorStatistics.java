package kquant.calibrate;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.AggregateSummaryStatistics;
import org.apache.commons.math3.stat.descriptive.StatisticalSummary;
import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;

/**
 * What the float engine showed of one activation tensor over a data set, at each timestep (a
 * recurrent state drifts over time, so later steps may need more range than the first) and
 * overall: count, min, max, mean, standard deviation, and a {@link Histogram} for percentiles and
 * error estimates.
 *
 * <p>Gathered per block of samples (mean and variance by Welford's update), then blocks merge in
 * a fixed order with commons-math's {@link AggregateSummaryStatistics} (Chan et al.'s pairwise
 * formula), so the result does not depend on the number of cores.
 */
public final class TensorStatistics {

    /** One timestep: a running summary and a histogram. */
    private static final class Step {
        long n;
        double mean;
        double m2;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        StatisticalSummary merged;
        final Histogram histogram = new Histogram();

        void add(double v) {
            n++;
            double d = v - mean;
            mean += d / n;
            m2 += d * (v - mean);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            histogram.add(v);
        }

        /** The summary of everything added so far, merged with earlier blocks. */
        StatisticalSummary summary() {
            StatisticalSummary own = n == 0 ? null : new StatisticalSummaryValues(mean, n > 1 ? m2 / (n - 1) : 0, n, max, min, sum);
            if (merged == null) {
                return own;
            }
            return own == null ? merged : AggregateSummaryStatistics.aggregate(List.of(merged, own));
        }

        void merge(Step o) {
            StatisticalSummary mine = summary();
            StatisticalSummary theirs = o.summary();
            merged = mine == null ? theirs : theirs == null ? mine : AggregateSummaryStatistics.aggregate(List.of(mine, theirs));
            n = 0;
            mean = 0;
            m2 = 0;
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            sum = 0;
            histogram.merge(o.histogram);
        }
    }

    private final List<Step> steps = new ArrayList<>();

    private Step step(int t) {
        while (steps.size() <= t) {
            steps.add(new Step());
        }
        return steps.get(t);
    }

    /** Adds the values of one timestep. */
    public void add(int t, double[] values) {
        Step s = step(t);
        for (double v : values) {
            s.add(v);
        }
    }

    /** Adds the values of one timestep of a block, sample by sample: {@code rows[row0 + j][s]}. */
    public void add(int t, float[][] rows, int row0, int units, int count) {
        Step st = step(t);
        for (int s = 0; s < count; s++) {
            for (int j = 0; j < units; j++) {
                st.add(rows[row0 + j][s]);
            }
        }
    }

    /** Adds everything {@code other} saw, after what this one saw. */
    public void merge(TensorStatistics other) {
        for (int t = 0; t < other.steps.size(); t++) {
            step(t).merge(other.steps.get(t));
        }
    }

    public int steps() {
        return steps.size();
    }

    /** Count, min, max, mean, variance and sum at step t. */
    public StatisticalSummary summary(int t) {
        return steps.get(t).summary();
    }

    /** The same over all steps. */
    public StatisticalSummary summary() {
        List<StatisticalSummary> all = new ArrayList<>();
        for (Step s : steps) {
            StatisticalSummary sum = s.summary();
            if (sum != null) {
                all.add(sum);
            }
        }
        return AggregateSummaryStatistics.aggregate(all);
    }

    public Histogram histogram(int t) {
        return steps.get(t).histogram;
    }

    /** All steps' histograms merged. */
    public Histogram histogram() {
        Histogram h = new Histogram();
        for (Step s : steps) {
            h.merge(s.histogram);
        }
        return h;
    }

    /** The range at step t. */
    public Range range(int t) {
        StatisticalSummary s = summary(t);
        return new Range(s.getMin(), s.getMax(), s.getN());
    }

    public Range overall() {
        StatisticalSummary s = summary();
        return new Range(s.getMin(), s.getMax(), s.getN());
    }
}
