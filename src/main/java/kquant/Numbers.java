package kquant;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Decimal text for numbers in kquant's outputs. It goes through {@link BigDecimal}, whose exact
 * expansion and rounding do not depend on the JDK, so files are byte-for-byte the same on every
 * machine; 9 significant digits give back the same float32, 17 the same float64.
 */
public final class Numbers {

    /** Significant digits that round-trip a float32. */
    public static final int FLOAT32_DIGITS = 9;
    /** Significant digits that round-trip a float64. */
    public static final int FLOAT64_DIGITS = 17;

    private Numbers() {
        throw new AssertionError("No instances of Numbers");
    }

    /** {@code v} rounded half-even to {@code digits} significant digits, without trailing zeros. */
    public static BigDecimal decimal(double v, int digits) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not finite: " + v);
        }
        if (v == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        // keep small and moderate numbers in plain notation, which people and spreadsheets read best
        return d.scale() < 0 && d.precision() - d.scale() <= 16 ? d.setScale(0, RoundingMode.UNNECESSARY) : d;
    }

    /** The fewest significant digits (at most 17) whose decimal reads back as exactly {@code v}: 0.1, not 0.10000000000000001. */
    public static BigDecimal shortest(double v) {
        for (int digits = 1; digits < FLOAT64_DIGITS; digits++) {
            BigDecimal d = decimal(v, digits);
            if (d.doubleValue() == v) {
                return d;
            }
        }
        return decimal(v, FLOAT64_DIGITS);
    }

    /** The text of {@link #decimal}; NaN and infinities as {@code nan}, {@code inf}, {@code -inf}. */
    public static String format(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return decimal(v, digits).toString();
    }

    /**
     * A decimal number as CSV files hold it: {@code [+-]digits[.digits][e[+-]digits]}, or
     * {@code nan}, {@code inf}, {@code -inf}, {@code infinity} in any case. Stricter than
     * {@link Double#parseDouble}, which also takes hexadecimal and a trailing {@code d} or {@code f}.
     *
     * @throws NumberFormatException for anything else
     */
    public static double parse(String cell) {
        String c = cell.trim().toLowerCase(java.util.Locale.ROOT);
        switch (c) {
            case "nan": case "+nan": case "-nan": return Double.NaN;
            case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
            default:
                if (!DECIMAL.matcher(c).matches()) {
                    throw new NumberFormatException(cell);
                }
                return Double.parseDouble(c);
        }
    }

    /** Whether {@link #parse} takes {@code cell}. */
    public static boolean isNumber(String cell) {
        try {
            parse(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?");
}
