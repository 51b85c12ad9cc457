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

        /**
         * Adds a batch whose count, sum, extremes and sum of squared deviations from its own mean
         * are given (Chan, Golub and LeVeque's pairwise update): no division per value, and a
         * two-pass deviation within the batch, which is more accurate than one running mean.
         */
        void addBatch(long m, double batchSum, double batchM2, double batchMin, double batchMax) {
            if (m == 0) {
                return;
            }
            double batchMean = batchSum / m;
            long total = n + m;
            double delta = batchMean - mean;
            mean += delta * m / total;
            m2 += batchM2 + delta * delta * ((double) n * m / total);
            n = total;
            min = Math.min(min, batchMin);
            max = Math.max(max, batchMax);
            sum += batchSum;
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
        Step st = step(t);
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            st.histogram.add(v);
        }
        double mean = values.length == 0 ? 0 : sum / values.length;
        double m2 = 0;
        for (double v : values) {
            m2 += (v - mean) * (v - mean);
        }
        st.addBatch(values.length, sum, m2, min, max);
    }

    /**
     * Adds the values of one timestep of a block, {@code rows[row0 + j][s]}, unit by unit along
     * each contiguous row. The block's size is the caller's, never the machine's, so the sums are
     * the same on every machine.
     */
    public void add(int t, float[][] rows, int row0, int units, int count) {
        Step st = step(t);
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < units; j++) {
            float[] row = rows[row0 + j];
            for (int s = 0; s < count; s++) {
                double v = row[s];
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                st.histogram.add(v);
            }
        }
        long m = (long) count * units;
        double mean = m == 0 ? 0 : sum / m;
        double m2 = 0;
        for (int j = 0; j < units; j++) {
            float[] row = rows[row0 + j];
            for (int s = 0; s < count; s++) {
                double d = row[s] - mean;
                m2 += d * d;
            }
        }
        st.addBatch(m, sum, m2, min, max);
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
