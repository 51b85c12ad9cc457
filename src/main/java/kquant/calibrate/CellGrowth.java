package kquant.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kquant.fixed.Format;
import kquant.fixed.Scheme;

/**
 * How an LSTM cell state's range grows with the timestep on the calibration data, and the sequence
 * length at which that growth would carry it out of its format. A cell sums over time (c_t = f·c +
 * i·g), so on sequences longer than the calibration windows it can leave a format the windows fit.
 *
 * @param maxAbs       the largest |c| seen at each timestep
 * @param perStep      the growth per step over the later half of the windows (0 when it does not grow)
 * @param formatMax    the largest magnitude the cell's format holds
 * @param leavesAfter  the sequence length at which the growth reaches {@code formatMax}, or -1 if never
 */
public record CellGrowth(String tensor, double[] maxAbs, double perStep, double formatMax, int leavesAfter) {

    /** The growth of every LSTM cell of a calibration, from the per-step ranges it recorded. */
    public static List<CellGrowth> of(Calibration c) {
        List<CellGrowth> out = new ArrayList<>();
        for (Calibration.Choice t : c.tensors().values()) {
            if (t.weight() || !t.name().endsWith("/cell") || !(t.details().get("per_step") instanceof List<?> steps) || steps.isEmpty()) {
                continue;
            }
            double[] maxAbs = new double[steps.size()];
            for (int s = 0; s < maxAbs.length; s++) {
                Map<?, ?> m = (Map<?, ?>) steps.get(s);
                maxAbs[s] = Math.max(Math.abs(number(m.get("min"))), Math.abs(number(m.get("max"))));
            }
            out.add(of(t.name(), maxAbs, t.format(), c.scheme()));
        }
        return out;
    }

    static CellGrowth of(String tensor, double[] maxAbs, Format format, Scheme scheme) {
        double formatMax = Math.scalb((double) scheme.cells().maxCode(), -format.bits());
        int last = maxAbs.length - 1;
        int from = last / 2;
        double perStep = last > from ? Math.max(0, (maxAbs[last] - maxAbs[from]) / (last - from)) : 0;
        int leaves = perStep > 0 ? (int) Math.floor(maxAbs.length + (formatMax - maxAbs[last]) / perStep) : -1;
        return new CellGrowth(tensor, maxAbs, perStep, formatMax, leaves);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(o));
    }

    /** One line for people: the range per step, and where longer sequences would take it. */
    public String describe() {
        StringBuilder sb = new StringBuilder(tensor + ": max |c| per timestep");
        for (double v : maxAbs) {
            sb.append(String.format(Locale.ROOT, " %.3g", v));
        }
        sb.append(String.format(Locale.ROOT, "; its format holds ±%.4g", formatMax));
        if (leavesAfter < 0) {
            return sb.append("; it does not grow over the windows").toString();
        }
        return sb.append(String.format(Locale.ROOT, "; growing %.3g per step, sequences longer than about %d steps would leave it "
                + "(calibrated on %d)", perStep, leavesAfter, maxAbs.length)).toString();
    }

    /** A warning for data of {@code timesteps} steps, or null when it stays within what the calibration saw or allows. */
    public String warningFor(int timesteps) {
        if (timesteps <= maxAbs.length || leavesAfter < 0 || timesteps <= leavesAfter) {
            return null;
        }
        return String.format(Locale.ROOT, "warning: the data has %d timesteps, the calibration saw %d: %s grows %.3g per step and "
                + "would leave its format (±%.4g) after about %d steps; recalibrate on sequences this long", timesteps, maxAbs.length,
                tensor, perStep, formatMax, leavesAfter);
    }
}
