package kquant.calibrate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kquant.Numbers;
import kquant.fixed.Fixed;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Storage;
import org.apache.commons.math3.stat.descriptive.StatisticalSummary;

/**
 * Turns one activation tensor's statistics into a format by the {@code maxabs},
 * {@code percentile} or {@code mse} rule, with the numbers that decided it.
 */
final class ActivationFormats {

    /** How much finer than max-abs the mse rule looks: each step clips twice as much range. */
    static final int MSE_CANDIDATES = 8;

    /** A chosen format, the reason in words, and the statistics behind it (for the calibration file). */
    record Decision(int fracBits, String reason, Map<String, Object> details) {
    }

    private ActivationFormats() {
        throw new AssertionError("No instances of ActivationFormats");
    }

    static Decision choose(Method method, TensorStatistics s, Storage type, double percentile, int headroom) {
        Histogram h = s.histogram();
        StatisticalSummary sum = s.summary();
        double maxAbs = Math.max(Math.abs(sum.getMin()), Math.abs(sum.getMax()));
        int fMaxAbs = clamp(Fixed.fracBitsFor(maxAbs, type));
        Map<String, Object> details = describe(s, type);
        int f;
        String why;
        switch (method) {
            case PERCENTILE: {
                double lo = h.quantile(1 - percentile / 100);
                double hi = h.quantile(percentile / 100);
                double clip = Math.max(Math.abs(lo), Math.abs(hi));
                f = clamp(Fixed.fracBitsFor(clip, type));
                details.put("percentile", Numbers.decimal(percentile, 6));
                details.put("percentile_magnitude", Numbers.decimal(clip, Numbers.FLOAT32_DIGITS));
                why = String.format(Locale.ROOT, "%s%% of |x| is within %.4g (max %.4g)", Numbers.decimal(percentile, 6), clip, maxAbs);
                break;
            }
            case MSE: {
                List<Object> candidates = new ArrayList<>();
                double best = Double.POSITIVE_INFINITY;
                f = fMaxAbs;
                for (int c = fMaxAbs; c <= clamp(fMaxAbs + MSE_CANDIDATES); c++) {
                    double err = expectedSquaredError(h, c, type);
                    Map<String, Object> cand = new LinkedHashMap<>();
                    cand.put("frac_bits", c);
                    cand.put("expected_rms_error", Numbers.decimal(Math.sqrt(err / Math.max(1, h.count())), 4));
                    candidates.add(cand);
                    if (err < best) {
                        best = err;
                        f = c;
                    }
                }
                details.put("candidates", candidates);
                why = String.format(Locale.ROOT, "smallest expected rounding + clipping error (rms %.3g) of Q%d..Q%d",
                        Math.sqrt(best / Math.max(1, h.count())), fMaxAbs, clamp(fMaxAbs + MSE_CANDIDATES));
                break;
            }
            default:
                f = fMaxAbs;
                why = String.format(Locale.ROOT, "max |x| = %.4g", maxAbs);
        }
        f -= headroom;
        details.put("clipped_share", Numbers.decimal(clippedShare(h, f, type), 4));
        String range = String.format(Locale.ROOT, "; Q%d holds ±%.4g%s", f, Math.scalb(1.0, type.bits() - 1 - f),
                headroom > 0 ? " (" + headroom + " bit headroom)" : "");
        return new Decision(f, why + range, details);
    }

    static double expectedSquaredError(Histogram h, int f, Storage type) {
        double delta = Math.scalb(1.0, -f);
        return h.squaredError(delta, type.maxMagnitude() * delta, type.maxCode() * delta);
    }

    /** The share of values outside the range of Q(f) (beyond half a step past the last code), from the histogram. */
    static double clippedShare(Histogram h, int f, Storage type) {
        double delta = Math.scalb(1.0, -f);
        return h.shareBeyond((type.maxMagnitude() + 0.5) * delta, (type.maxCode() + 0.5) * delta);
    }

    private static int clamp(int f) {
        return Math.max(QuantizedModel.MIN_FRAC_BITS, Math.min(QuantizedModel.MAX_FRAC_BITS, f));
    }

    /** The statistics a calibration file records for a tensor: overall and per timestep. */
    static Map<String, Object> describe(TensorStatistics s, Storage type) {
        Map<String, Object> d = new LinkedHashMap<>();
        StatisticalSummary sum = s.summary();
        d.put("mean", dec(sum.getMean()));
        d.put("std", dec(sum.getStandardDeviation()));
        Histogram h = s.histogram();
        Map<String, Object> p = new LinkedHashMap<>();
        for (double q : new double[] {0.01, 1, 50, 99, 99.99}) {
            p.put(Numbers.decimal(q, 4).toPlainString(), dec(h.quantile(q / 100)));
        }
        d.put("percentiles", p);
        List<Object> steps = new ArrayList<>();
        for (int t = 0; t < s.steps(); t++) {
            StatisticalSummary st = s.summary(t);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", t);
            m.put("min", dec(st.getMin()));
            m.put("max", dec(st.getMax()));
            m.put("mean", dec(st.getMean()));
            m.put("std", dec(st.getStandardDeviation()));
            steps.add(m);
        }
        d.put("per_step", steps);
        return d;
    }

    private static BigDecimal dec(double v) {
        return Numbers.decimal(Double.isFinite(v) ? v : 0, Numbers.FLOAT32_DIGITS);
    }
}
