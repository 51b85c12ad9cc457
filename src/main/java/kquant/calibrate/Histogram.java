package kquant.calibrate;

/**
 * A histogram of values on a log scale of magnitude, one side for positive and one for negative
 * values: {@value #BINS_PER_OCTAVE} bins per power of two from 2^{@value #MIN_EXPONENT} to
 * 2^{@value #MAX_EXPONENT}, each keeping the count, the sum of magnitudes and the sum of squares
 * of its values. That is enough to compute, for any clipping threshold on a bin edge, the exact
 * clipping error of the values beyond it; and it merges exactly, so the result does not depend on
 * how the data was split.
 *
 * <p>A value's bin comes from its float exponent and top mantissa bits, without a logarithm.
 */
public final class Histogram {

    public static final int BINS_PER_OCTAVE = 16;
    public static final int MIN_EXPONENT = -32;
    public static final int MAX_EXPONENT = 24;
    static final int BINS = (MAX_EXPONENT - MIN_EXPONENT) * BINS_PER_OCTAVE;
    private static final int MANTISSA_SHIFT = 52 - Integer.numberOfTrailingZeros(BINS_PER_OCTAVE);

    /** [side][bin]: side 0 holds negative values, side 1 positive ones; zeros are counted apart. */
    // side s (0 negative, 1 positive) and bin b at index s * BINS + b; the magnitude sums of a bin
    // sit side by side (2i: sum of |v|, 2i + 1: sum of v^2), so one value touches two cache lines
    private final long[] count = new long[2 * BINS];
    private final double[] sums = new double[4 * BINS];
    private long zeros;

    /** The bin of a non-zero magnitude; tiny values go to bin 0, huge ones to the last bin. */
    static int bin(double magnitude) {
        int e = Math.getExponent(magnitude);
        if (e < MIN_EXPONENT) {
            return 0;
        }
        if (e >= MAX_EXPONENT) {
            return BINS - 1;
        }
        long mantissaTop = (Double.doubleToRawLongBits(magnitude) & 0x000fffffffffffffL) >>> MANTISSA_SHIFT;
        return (e - MIN_EXPONENT) * BINS_PER_OCTAVE + (int) mantissaTop;
    }

    /** The smallest magnitude of bin {@code b} (its lower edge). */
    static double lowerEdge(int b) {
        return Math.scalb(1.0 + (double) (b % BINS_PER_OCTAVE) / BINS_PER_OCTAVE, b / BINS_PER_OCTAVE + MIN_EXPONENT);
    }

    public void add(double v) {
        if (v == 0) {
            zeros++;
            return;
        }
        int side = v > 0 ? 1 : 0;
        double a = Math.abs(v);
        int b = bin(a);
        int i = side * BINS + b;
        count[i]++;
        sums[2 * i] += a;
        sums[2 * i + 1] += a * a;
    }

    public void merge(Histogram o) {
        for (int s = 0; s < 2; s++) {
            for (int b = 0; b < BINS; b++) {
                int i = s * BINS + b;
                count[i] += o.count[i];
                sums[2 * i] += o.sums[2 * i];
                sums[2 * i + 1] += o.sums[2 * i + 1];
            }
        }
        zeros += o.zeros;
    }

    public long count() {
        long n = zeros;
        for (long c : count) {
            n += c;
        }
        return n;
    }

    /**
     * The value below which a fraction {@code p} (0..1) of the values lie, interpolated within
     * its bin on a log scale.
     */
    public double quantile(double p) {
        long n = count();
        if (n == 0) {
            return 0;
        }
        double target = p * n;
        double seen = 0;
        // most negative first: negative side from the largest magnitude down
        for (int b = BINS - 1; b >= 0; b--) {
            long c = count[b];
            if (c > 0 && seen + c >= target) {
                double within = (target - seen) / c; // 0 at the bin's large end
                return -edge(b, 1 - within);
            }
            seen += c;
        }
        if (seen + zeros >= target) {
            return 0;
        }
        seen += zeros;
        for (int b = 0; b < BINS; b++) {
            long c = count[BINS + b];
            if (c > 0 && seen + c >= target) {
                return edge(b, (target - seen) / c);
            }
            seen += c;
        }
        return edge(BINS - 1, 1);
    }

    /** The share of values below {@code -negLimit} or above {@code posLimit}; a cut bin counts in proportion. */
    public double shareBeyond(double negLimit, double posLimit) {
        long n = count();
        if (n == 0) {
            return 0;
        }
        double beyond = 0;
        for (int s = 0; s < 2; s++) {
            double limit = s == 0 ? negLimit : posLimit;
            for (int b = 0; b < BINS; b++) {
                double lo = lowerEdge(b);
                double hi = lowerEdge(b + 1);
                if (lo >= limit) {
                    beyond += count[s * BINS + b];
                } else if (hi > limit) {
                    beyond += count[s * BINS + b] * (hi - limit) / (hi - lo);
                }
            }
        }
        return beyond / n;
    }

    /** A magnitude inside bin b, at fraction t of its width on a log scale. */
    private static double edge(int b, double t) {
        double lo = lowerEdge(b);
        double hi = lowerEdge(b + 1);
        return lo * Math.pow(hi / lo, Math.max(0, Math.min(1, t)));
    }

    /**
     * The expected squared error, summed over all values, of storing them in a format with step
     * {@code delta} whose codes reach {@code -negLimit} and {@code +posLimit}: values beyond the
     * limits are clipped (their error is exact for whole bins beyond, estimated in the bin the
     * limit falls in); values within round with an error of {@code delta²/12} on average, or
     * their own square when they are smaller than half a step (they round to zero).
     */
    public double squaredError(double delta, double negLimit, double posLimit) {
        double total = 0;
        for (int s = 0; s < 2; s++) {
            double limit = s == 0 ? negLimit : posLimit;
            for (int b = 0; b < BINS; b++) {
                long c = count[s * BINS + b];
                if (c == 0) {
                    continue;
                }
                double lo = lowerEdge(b);
                double hi = lowerEdge(b + 1);
                if (lo >= limit) {
                    // Σ (a - L)² = Σa² - 2 L Σa + n L²
                    total += sums[2 * (s * BINS + b) + 1] - 2 * limit * sums[2 * (s * BINS + b)] + c * limit * limit;
                } else if (hi <= delta / 2) {
                    total += sums[2 * (s * BINS + b) + 1];
                } else {
                    // the limit cuts this bin: spread its values evenly, the part beyond is clipped
                    // by (hi - limit) / 2 on average, the rest rounds
                    double clippedShare = hi > limit ? (hi - limit) / (hi - lo) : 0;
                    double over = (hi - limit) / 2;
                    total += c * (1 - clippedShare) * delta * delta / 12 + c * clippedShare * over * over;
                }
            }
        }
        return total;
    }
}
