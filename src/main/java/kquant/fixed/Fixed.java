package kquant.fixed;

/**
 * The rounding and saturating helpers, defined once; every integer kernel uses them, and
 * {@code kq_fixed.h} defines the same functions under the same names (SPEC.md, section
 * "Helpers").
 *
 * <p>Rounding is to nearest with ties toward +∞ ("round half up"):
 * {@code roundShift(v, s) = floor((v + 2^(s-1)) / 2^s)}. It is what an arithmetic right shift
 * after adding half computes, on every target.
 */
public final class Fixed {

    private Fixed() {
        throw new AssertionError("No instances of Fixed");
    }

    /**
     * {@code v · 2^-s} rounded to nearest, ties toward +∞, for {@code s > 0}; {@code v · 2^-s}
     * exactly (a left shift) for {@code s <= 0}.
     *
     * <p>Precondition (checked by the quantized model's bounds, not here): {@code |v| < 2^62}
     * and, for {@code s < 0}, {@code |v| · 2^-s < 2^62}.
     */
    public static long roundShift(long v, int s) {
        if (s > 0) {
            return (v + (1L << (s - 1))) >> s;
        }
        return v << -s;
    }

    /** {@code v} clamped to the codes of {@code type}. */
    public static int saturate(long v, Storage type) {
        if (v > type.maxCode()) {
            return type.maxCode();
        }
        if (v < type.minCode()) {
            return type.minCode();
        }
        return (int) v;
    }

    /** True when {@link #saturate} would change {@code v}. */
    public static boolean saturates(long v, Storage type) {
        return v > type.maxCode() || v < type.minCode();
    }

    /**
     * {@code v · m · 2^-s} rounded half up, for a multiplier {@code m} (|m| < 2^31) and a code
     * {@code v} (|v| ≤ 2^15): the product fits in 47 bits.
     */
    public static long multiplyRound(long v, long m, int s) {
        return roundShift(v * m, s);
    }

    /**
     * The code of a real value: {@code floor(x · 2^f + 1/2)}, clamped to the scheme. For a float32
     * or float64 {@code x} and |f| ≤ 60 the scaling is exact in double, so the result is
     * correctly rounded.
     */
    public static long quantizeUnclamped(double x, int f) {
        return (long) Math.floor(Math.scalb(x, f) + 0.5);
    }

    public static int quantize(double x, int f, Storage type) {
        return saturate(quantizeUnclamped(x, f), type);
    }

    /** The real value of a code: {@code code · 2^-f}, exact. */
    public static double dequantize(long code, int f) {
        return Math.scalb((double) code, -f);
    }

    /**
     * The most fractional bits a format can have while still holding {@code maxAbs}: the largest
     * {@code f} with {@code round(maxAbs · 2^f) <= maxCode}. A tensor of zeros gets {@code bits - 1}.
     */
    public static int fracBitsFor(double maxAbs, Storage type) {
        if (!Double.isFinite(maxAbs)) {
            throw new IllegalArgumentException("no format holds " + maxAbs);
        }
        if (!(maxAbs > 0)) {
            return type.bits() - 1;
        }
        int f = (int) Math.floor(Math.log(type.maxCode() / maxAbs) / Math.log(2));
        while (quantizeUnclamped(maxAbs, f + 1) <= type.maxCode()) {
            f++;
        }
        while (quantizeUnclamped(maxAbs, f) > type.maxCode()) {
            f--;
        }
        return f;
    }
}
