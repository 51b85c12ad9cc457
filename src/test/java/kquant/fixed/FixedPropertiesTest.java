package kquant.fixed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The helpers of {@link Fixed} against exact big-integer and decimal arithmetic, over random
 * inputs and the edges jqwik adds (0, ±1, the extremes of each range).
 */
class FixedPropertiesTest {

    /** round half up of v / 2^s, in exact arithmetic: floor(v / 2^s + 1/2). */
    private static BigInteger exactRoundShift(long v, int s) {
        BigDecimal q = new BigDecimal(v).divide(new BigDecimal(BigInteger.ONE.shiftLeft(s)));
        return q.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    }

    @Property(tries = 5000)
    void roundShiftIsRoundHalfUp(@ForAll @LongRange(min = -(1L << 61), max = 1L << 61) long v, @ForAll @IntRange(min = 1, max = 40) int s) {
        assertEquals(exactRoundShift(v, s).longValueExact(), Fixed.roundShift(v, s));
    }

    @Property(tries = 2000)
    void tiesGoTowardPlusInfinity(@ForAll @LongRange(min = -(1L << 40), max = 1L << 40) long k, @ForAll @IntRange(min = 1, max = 20) int s) {
        long tie = (2 * k + 1) << (s - 1); // exactly (k + 1/2) · 2^s
        assertEquals(k + 1, Fixed.roundShift(tie, s));
    }

    @Property(tries = 2000)
    void nonPositiveShiftIsExactScaling(@ForAll @LongRange(min = -(1L << 40), max = 1L << 40) long v, @ForAll @IntRange(min = -20, max = 0) int s) {
        assertEquals(BigInteger.valueOf(v).shiftLeft(-s).longValueExact(), Fixed.roundShift(v, s));
    }

    @Property(tries = 3000)
    void saturateClampsToTheType(@ForAll long v) {
        for (Storage t : Storage.values()) {
            long expected = Math.max(t.minCode(), Math.min(t.maxCode(), v));
            assertEquals(expected, Fixed.saturate(v, t));
            assertEquals(expected != v, Fixed.saturates(v, t));
        }
    }

    @Property(tries = 3000)
    void multiplyRoundIsExact(@ForAll @IntRange(min = -32768, max = 32767) int code,
            @ForAll @LongRange(min = 0, max = (1L << 31) - 1) long m, @ForAll @IntRange(min = 1, max = 46) int s) {
        BigDecimal exact = new BigDecimal(BigInteger.valueOf(code).multiply(BigInteger.valueOf(m)))
                .divide(new BigDecimal(BigInteger.ONE.shiftLeft(s)));
        long expected = exact.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).longValueExact();
        assertEquals(expected, Fixed.multiplyRound(code, m, s));
    }

    @Provide
    Arbitrary<Float> floats() {
        return Arbitraries.floats().between(-1e6f, 1e6f).withSpecialValue(0.5f).withSpecialValue(-0.5f).withSpecialValue(2.5f);
    }

    @Property(tries = 3000)
    void quantizeRoundsHalfUpThenSaturates(@ForAll("floats") float x, @ForAll @IntRange(min = -8, max = 30) int f) {
        // x · 2^f exactly: BigDecimal of a power of two is exact, and so is the product
        BigDecimal scaled = new BigDecimal(x).multiply(new BigDecimal(Math.scalb(1.0, f)));
        long rounded = scaled.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).longValueExact();
        for (Storage t : Storage.values()) {
            assertEquals(Math.max(t.minCode(), Math.min(t.maxCode(), rounded)), Fixed.quantize(x, f, t));
        }
    }

    @Provide
    Arbitrary<Double> magnitudes() {
        return Arbitraries.doubles().between(-20, 20).map(e -> Math.pow(2, e));
    }

    @Property(tries = 2000)
    void fracBitsForIsTheFinestFormatThatHolds(@ForAll("magnitudes") double maxAbs) {
        for (Storage t : Storage.values()) {
            int f = Fixed.fracBitsFor(maxAbs, t);
            // holds: the rounded code of maxAbs is at most the largest code ...
            BigDecimal atF = new BigDecimal(maxAbs).multiply(new BigDecimal(Math.scalb(1.0, f)));
            assertEquals(true, atF.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).compareTo(BigDecimal.valueOf(t.maxCode())) <= 0);
            // ... and one more fractional bit would not
            BigDecimal atF1 = new BigDecimal(maxAbs).multiply(new BigDecimal(Math.scalb(1.0, f + 1)));
            assertEquals(true, atF1.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).compareTo(BigDecimal.valueOf(t.maxCode())) > 0);
        }
    }
}
