package kquant.data;

import java.util.concurrent.atomic.AtomicLongArray;
import kquant.model.RawUnits;

/**
 * Raw data as a folded model reads it: each value of input feature k becomes its raw code (the
 * physical value divided by the code's lsb, rounded half up and clipped to the code's width; or the
 * physical value itself without a code), then its folded value {@code (r − C) · 2^e}. Only powers of
 * two scale a whole code, so the folded values are exact in float32 and the integer engine quantizes
 * them to exactly what the exported C computes from the codes.
 *
 * <p>It remembers, per feature, the smallest and largest code the data asked for and how many values
 * were clipped to the code's width, so that callers can say when a code is too narrow for the data.
 */
public final class RawData implements SequenceSource {

    private final SequenceSource raw;
    private final RawUnits units;
    private final AtomicLongArray clipped;
    private final double[] lowest;
    private final double[] highest;

    private RawData(SequenceSource raw, RawUnits units) {
        this.raw = raw;
        this.units = units;
        int f = units.inputs().size();
        this.clipped = new AtomicLongArray(f);
        this.lowest = new double[f];
        this.highest = new double[f];
        java.util.Arrays.fill(lowest, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(highest, Double.NEGATIVE_INFINITY);
    }

    /** {@code raw} in the units of a folded model; the caller has checked that the feature counts agree. */
    public static RawData of(SequenceSource raw, RawUnits units) {
        return new RawData(raw, units);
    }

    @Override
    public String name() {
        return raw.name();
    }

    @Override
    public DataShape shape() {
        return raw.shape();
    }

    @Override
    public float[] read(int start, int n) {
        float[] v = raw.read(start, n);
        int f = features();
        double[] lo = new double[f];
        double[] hi = new double[f];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        long[] clips = new long[f];
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                continue; // left for DataFiles.checkFinite to name
            }
            int k = i % f;
            RawUnits.Channel c = units.inputs().get(k);
            double r = c.raw(v[i]);
            lo[k] = Math.min(lo[k], r);
            hi[k] = Math.max(hi[k], r);
            if (c.feature().code() != null) {
                double clippedCode = Math.max(c.feature().code().minCode(), Math.min(c.feature().code().maxCode(), r));
                clips[k] += clippedCode != r ? 1 : 0;
                r = clippedCode;
            }
            v[i] = (float) c.folded(r);
        }
        record(lo, hi, clips);
        return v;
    }

    private synchronized void record(double[] lo, double[] hi, long[] clips) {
        for (int k = 0; k < lo.length; k++) {
            lowest[k] = Math.min(lowest[k], lo[k]);
            highest[k] = Math.max(highest[k], hi[k]);
            clipped.addAndGet(k, clips[k]);
        }
    }

    /** Values of feature k read so far that did not fit the code's width and were clipped. */
    public long clipped(int k) {
        return clipped.get(k);
    }

    /** The smallest and largest raw value (code, before clipping) of feature k read so far. */
    public synchronized double[] range(int k) {
        return new double[] {lowest[k], highest[k]};
    }

    /**
     * One line per feature whose code was too narrow for the data, saying the range it needed, or
     * an empty list.
     */
    public java.util.List<String> narrowCodes() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int k = 0; k < features(); k++) {
            RawUnits.Channel c = units.inputs().get(k);
            if (clipped(k) > 0) {
                double[] r = range(k);
                out.add(String.format(java.util.Locale.ROOT,
                        "input %s: %d values do not fit %s codes of %s (%s to %s); the data needs codes %.0f to %.0f (%s to %s)",
                        c.feature().name(), clipped(k), c.feature().code().typeName(), lsb(c), physical(c, c.feature().code().minCode()),
                        physical(c, c.feature().code().maxCode()), r[0], r[1], physical(c, r[0]), physical(c, r[1])));
            }
        }
        return out;
    }

    private static String lsb(RawUnits.Channel c) {
        String unit = c.feature().unit();
        return kquant.Numbers.format(c.lsb(), 6) + (unit.isEmpty() ? "" : " " + unit);
    }

    private static String physical(RawUnits.Channel c, double code) {
        String unit = c.feature().unit();
        return kquant.Numbers.format(code * c.lsb(), 6) + (unit.isEmpty() ? "" : " " + unit);
    }

    @Override
    public void close() {
        raw.close();
    }
}
