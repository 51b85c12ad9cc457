package kquant.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import kquant.fixed.Fixed;
import kquant.fixed.Storage;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.junit.jupiter.api.Test;

/** The statistics and the format rules against brute force on synthetic data of known distribution. */
class ActivationFormatsTest {

    /** Laplace(0, b) samples: heavy-tailed like the demo's rain feature, so the best format clips. */
    private static double[] laplace(int n, double b, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble() - 0.5;
            v[i] = -b * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
        }
        return v;
    }

    /** Mostly N(0, 0.5), with one value in a thousand an outlier of up to ±20 (like a rare storm). */
    private static double[] bulkWithOutliers(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() < 0.001 ? (r.nextDouble() * 2 - 1) * 20 : r.nextGaussian() * 0.5;
        }
        return v;
    }

    private static TensorStatistics stats(double[] values, int steps) {
        TensorStatistics s = new TensorStatistics();
        int per = values.length / steps;
        for (int t = 0; t < steps; t++) {
            s.add(t, Arrays.copyOfRange(values, t * per, (t + 1) * per));
        }
        return s;
    }

    /** The actual mean squared error of storing {@code values} in Q(f): round half up, saturate. */
    private static double bruteForceMse(double[] values, int f, Storage type) {
        double e = 0;
        for (double v : values) {
            double q = Fixed.dequantize(Fixed.quantize(v, f, type), f);
            e += (q - v) * (q - v);
        }
        return e / values.length;
    }

    @Test
    void mseChoiceMatchesABruteForceSearchOverEveryFormat() {
        for (Storage type : Storage.values()) {
            for (long seed = 1; seed <= 6; seed++) {
                double[] v = seed % 2 == 0 ? laplace(200_000, 0.7, seed) : bulkWithOutliers(200_000, seed);
                int chosen = ActivationFormats.choose(Method.MSE, stats(v, 4), type, 99.99, 0).fracBits();
                int best = Integer.MIN_VALUE;
                double bestMse = Double.POSITIVE_INFINITY;
                for (int f = -4; f <= 24; f++) {
                    double mse = bruteForceMse(v, f, type);
                    if (mse < bestMse) {
                        bestMse = mse;
                        best = f;
                    }
                }
                double chosenMse = bruteForceMse(v, chosen, type);
                // the histogram estimate may pick a neighbour only when the two are nearly tied
                assertTrue(chosen == best || chosenMse <= bestMse * 1.05,
                        type + " seed " + seed + ": chose Q" + chosen + " (mse " + chosenMse + "), best Q" + best + " (" + bestMse + ")");
                if (type == Storage.INT8 && seed % 2 == 1) {
                    int maxAbs = Fixed.fracBitsFor(Arrays.stream(v).map(Math::abs).max().orElseThrow(), type);
                    assertTrue(best > maxAbs, "with rare outliers the best int8 format clips: Q" + best + " vs max-abs Q" + maxAbs);
                }
            }
        }
    }

    @Test
    void percentilesAndMomentsAgreeWithCommonsMathOnTheRawValues() {
        double[] v = laplace(100_000, 1.3, 9);
        TensorStatistics s = stats(v, 5);
        DescriptiveStatistics oracle = new DescriptiveStatistics(v);
        assertEquals(oracle.getMean(), s.summary().getMean(), 1e-12);
        assertEquals(oracle.getStandardDeviation(), s.summary().getStandardDeviation(), 1e-9);
        assertEquals(oracle.getMin(), s.summary().getMin(), 0);
        assertEquals(oracle.getMax(), s.summary().getMax(), 0);
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9}) {
            double exact = oracle.getPercentile(p);
            double estimate = s.histogram().quantile(p / 100);
            // bins are 2^(1/16) wide: 4.4% of the magnitude
            assertEquals(exact, estimate, Math.abs(exact) * 0.045 + 1e-9, "percentile " + p);
        }
        DescriptiveStatistics step3 = new DescriptiveStatistics(Arrays.copyOfRange(v, 60_000, 80_000));
        assertEquals(step3.getMean(), s.summary(3).getMean(), 1e-12);
        assertEquals(step3.getMax(), s.range(3).max(), 0);
    }

    @Test
    void mergingInAnyGroupingGivesTheSameCountsAndRange() {
        double[] v = laplace(10_000, 1, 4);
        TensorStatistics whole = stats(v, 1);
        TensorStatistics merged = new TensorStatistics();
        for (int block = 0; block < 10; block++) {
            TensorStatistics part = new TensorStatistics();
            part.add(0, Arrays.copyOfRange(v, block * 1000, (block + 1) * 1000));
            merged.merge(part);
        }
        assertEquals(whole.summary().getN(), merged.summary().getN());
        assertEquals(whole.summary().getMean(), merged.summary().getMean(), 1e-12);
        assertEquals(whole.summary().getVariance(), merged.summary().getVariance(), 1e-9);
        assertEquals(whole.histogram().quantile(0.5), merged.histogram().quantile(0.5), 0);
    }

    @Test
    void percentileRuleHoldsThePercentileAndMaxAbsHoldsEverything() {
        double[] v = laplace(50_000, 1, 2);
        TensorStatistics s = stats(v, 1);
        double maxAbs = Arrays.stream(v).map(Math::abs).max().orElseThrow();
        int fMax = ActivationFormats.choose(Method.MAXABS, s, Storage.INT8, 99.99, 0).fracBits();
        assertEquals(Fixed.fracBitsFor(maxAbs, Storage.INT8), fMax);
        int fPct = ActivationFormats.choose(Method.PERCENTILE, s, Storage.INT8, 99, 0).fracBits();
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double p99 = Math.max(Math.abs(sorted[(int) (0.01 * v.length)]), Math.abs(sorted[(int) (0.99 * v.length)]));
        // holds the 99th percentile (within a bin), and is finer than max-abs on heavy tails
        assertTrue(Math.scalb(127.0, -fPct) >= p99 * 0.95, "Q" + fPct + " holds " + p99);
        assertTrue(fPct > fMax);
        assertEquals(fMax - 2, ActivationFormats.choose(Method.MAXABS, s, Storage.INT8, 99.99, 2).fracBits(), "headroom");
    }
}
