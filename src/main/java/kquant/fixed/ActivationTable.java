package kquant.fixed;

import kquant.model.Activation;

/**
 * A lookup table with linear interpolation over a range of input codes (SPEC.md, section 7,
 * "Tables").
 *
 * <p>Entry {@code i} holds the activation at input code {@code start + i · 2^k}, correctly rounded
 * with {@code x} more fractional bits than the output (the extra bits the storage type has room
 * for), so that interpolation rounds only once. Inputs outside {@code [start, end]} are clamped:
 * the table covers only the codes where the rounded output still changes, since beyond them the
 * activation is flat. With a mirror the table covers only {@code z <= 0}: an odd activation
 * (tanh, softsign) gives {@code -f(-z)}, sigmoid gives {@code 1 - f(-z)}.
 */
public final class ActivationTable {

    /** How the table extends to {@code z > 0}. */
    public enum Mirror { NONE, ODD, COMPLEMENT }

    private final int start;
    private final int step;
    private final int extra;
    private final int[] entries;
    private final Mirror mirror;
    private final int one;

    private ActivationTable(int start, int step, int extra, int[] entries, Mirror mirror, int one) {
        this.start = start;
        this.step = step;
        this.extra = extra;
        this.entries = entries;
        this.mirror = mirror;
        this.one = one;
    }

    /** The mirror an activation has: odd, complement to one, or none. */
    static Mirror mirrorOf(Activation a) {
        switch (a) {
            case TANH:
            case SOFTSIGN:
                return Mirror.ODD;
            case SIGMOID:
                return Mirror.COMPLEMENT;
            default:
                return Mirror.NONE;
        }
    }

    /**
     * The table with entries every {@code 2^k} codes over the codes where the output changes, or
     * null when its interpolation could leave 32 bits (then a finer step is needed).
     *
     * @param exact  the exact activation of every input code of {@code inType}, in output LSB
     * @param upTo   the last input code the table must cover: 0 for a mirrored or negative-half
     *               table, the type's largest code otherwise
     */
    static ActivationTable build(Activation a, Storage inType, Storage outType, int fIn, int fOut, int k, Mirror mirror, int upTo,
            double[] exact) {
        int lo = inType.minCode();
        int first = lo;
        long flat = rounded(exact[0], outType);
        while (first < upTo && rounded(exact[first + 1 - lo], outType) == flat) {
            first++;
        }
        int last = upTo;
        if (upTo == inType.maxCode()) {
            long top = rounded(exact[upTo - lo], outType);
            while (last > first && rounded(exact[last - 1 - lo], outType) == top) {
                last--;
            }
        }
        int grid = 1 << k;
        int start = Math.floorDiv(first, grid) * grid;
        int n = (int) ((Math.max(last, start) - (long) start + grid - 1) / grid) + 1;
        int x = k == 0 ? 0 : extraBits(a, fIn, fOut, start, k, n, outType);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = Fixed.quantize(a.apply(Fixed.dequantize(start + (long) i * grid, fIn)), fOut + x, outType);
        }
        for (int i = 0; i + 1 < n; i++) {
            if (Math.abs((long) t[i]) * grid + Math.abs((long) t[i + 1] - t[i]) * (grid - 1) > Integer.MAX_VALUE) {
                return null;
            }
        }
        return new ActivationTable(start, k, x, t, mirror, mirror == Mirror.COMPLEMENT ? 1 << fOut : 0);
    }

    /** The most extra fractional bits (up to 8) with which every entry still fits the storage type. */
    private static int extraBits(Activation a, int fIn, int fOut, int start, int k, int n, Storage type) {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(a.apply(Fixed.dequantize(start + ((long) i << k), fIn))));
        }
        int x = 0;
        while (x < 8 && Fixed.quantizeUnclamped(worst, fOut + x + 1) <= type.maxCode()
                && -Fixed.quantizeUnclamped(worst, fOut + x + 1) >= type.minCode()) {
            x++;
        }
        return x;
    }

    private static long rounded(double exactLsb, Storage type) {
        return Math.max(type.minCode(), Math.min(type.maxCode(), Fixed.quantizeUnclamped(exactLsb, 0)));
    }

    /** The output for input code {@code z}, before saturation to the output type. */
    long lookup(int z) {
        boolean flip = mirror != Mirror.NONE && z > 0;
        int v = flip ? -z : z;
        v = Math.max(start, Math.min(end(), v));
        int d = v - start;
        long y;
        if (step == 0) {
            y = Fixed.roundShift(entries[d], extra);
        } else {
            int i = d >> step;
            int r = d & ((1 << step) - 1);
            int acc = (entries[i] << step) + (i + 1 < entries.length ? (entries[i + 1] - entries[i]) * r : 0);
            y = Fixed.roundShift(acc, step + extra);
        }
        return !flip ? y : mirror == Mirror.ODD ? -y : one - y;
    }

    /** The first input code the table covers. */
    public int start() {
        return start;
    }

    /** The last input code the table covers (inputs beyond are clamped to it). */
    public int end() {
        return start + (entries.length - 1) * (1 << step);
    }

    /** {@code k}: entries sit every {@code 2^k} input codes. */
    public int step() {
        return step;
    }

    /** {@code x}: entries hold the output with this many more fractional bits. */
    public int extraBits() {
        return extra;
    }

    public int[] entries() {
        return entries.clone();
    }

    public int size() {
        return entries.length;
    }

    public Mirror mirror() {
        return mirror;
    }
}
