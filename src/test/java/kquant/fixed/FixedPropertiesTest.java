package kquant.fixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The helpers of {@link Fixed} against exact big-integer and decimal arithmetic, over edge values
 * and seeded random inputs ({@link Cases}).
 */
class FixedPropertiesTest {

    private static final BigDecimal HALF = new BigDecimal("0.5");

    /** floor(x + 1/2), exactly. */
    private static long roundHalfUp(BigDecimal x) {
        return x.add(HALF).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    private static BigDecimal powerOfTwo(int e) {
        return new BigDecimal(Math.scalb(1.0, e));
    }

    @Test
    void roundShiftIsRoundHalfUp() {
        for (long v : Cases.longs(-(1L << 61), 1L << 61, 4000, 1)) {
            for (int s = 1; s <= 40; s += 3) {
                long expected = roundHalfUp(new BigDecimal(v).divide(powerOfTwo(s)));
                assertEquals(expected, Fixed.roundShift(v, s), "roundShift(" + v + ", " + s + ")");
            }
        }
    }

    @Test
    void tiesGoTowardPlusInfinity() {
        for (long k : Cases.longs(-(1L << 40), 1L << 40, 1000, 2)) {
            for (int s = 1; s <= 20; s++) {
                long tie = (2 * k + 1) << (s - 1); // exactly (k + 1/2) · 2^s
                assertEquals(k + 1, Fixed.roundShift(tie, s), "tie " + tie + " >> " + s);
            }
        }
    }

    @Test
    void nonPositiveShiftIsExactScaling() {
        for (long v : Cases.longs(-(1L << 40), 1L << 40, 1000, 3)) {
            for (int s = -20; s <= 0; s++) {
                assertEquals(BigInteger.valueOf(v).shiftLeft(-s).longValueExact(), Fixed.roundShift(v, s));
            }
        }
    }

    @Test
    void saturateClampsToTheType() {
        for (long v : Cases.longs(Long.MIN_VALUE, Long.MAX_VALUE, 3000, 4)) {
            for (Storage t : Storage.values()) {
                long expected = Math.max(t.minCode(), Math.min(t.maxCode(), v));
                assertEquals(expected, Fixed.saturate(v, t));
                assertEquals(expected != v, Fixed.saturates(v, t));
            }
        }
    }

    @Test
    void multiplyRoundIsExact() {
        long[] multipliers = Cases.longs(0, (1L << 31) - 1, 60, 5);
        for (int code : Cases.ints(-32768, 32767, 200, 6)) {
            for (long m : multipliers) {
                for (int s = 1; s <= 46; s += 5) {
                    BigDecimal exact = new BigDecimal(BigInteger.valueOf(code).multiply(BigInteger.valueOf(m))).divide(powerOfTwo(s));
                    assertEquals(roundHalfUp(exact), Fixed.multiplyRound(code, m, s), code + " * " + m + " >> " + s);
                }
            }
        }
    }

    @Test
    void quantizeRoundsHalfUpThenSaturates() {
        SplittableRandom r = new SplittableRandom(7);
        float[] xs = new float[3003];
        xs[0] = 0.5f;
        xs[1] = -0.5f;
        xs[2] = 2.5f;
        for (int i = 3; i < xs.length; i++) {
            xs[i] = (float) ((r.nextDouble() * 2 - 1) * Math.pow(10, r.nextDouble() * 12 - 6));
        }
        for (float x : xs) {
            for (int f = -8; f <= 30; f++) {
                // x · 2^f exactly: BigDecimal of a power of two is exact, and so is the product
                long rounded = roundHalfUp(new BigDecimal(x).multiply(powerOfTwo(f)));
                for (Storage t : Storage.values()) {
                    assertEquals(Math.max(t.minCode(), Math.min(t.maxCode(), rounded)), Fixed.quantize(x, f, t), x + " in Q" + f);
                }
            }
        }
    }

    @Test
    void fracBitsForIsTheFinestFormatThatHolds() {
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < 2000; i++) {
            double maxAbs = i < 60 ? Math.scalb(1.0, i - 30) : Math.pow(2, r.nextDouble() * 40 - 20);
            for (Storage t : Storage.values()) {
                int f = Fixed.fracBitsFor(maxAbs, t);
                BigDecimal max = BigDecimal.valueOf(t.maxCode());
                assertTrue(BigDecimal.valueOf(roundHalfUp(new BigDecimal(maxAbs).multiply(powerOfTwo(f)))).compareTo(max) <= 0,
                        "Q" + f + " holds " + maxAbs);
                assertTrue(BigDecimal.valueOf(roundHalfUp(new BigDecimal(maxAbs).multiply(powerOfTwo(f + 1)))).compareTo(max) > 0,
                        "Q" + (f + 1) + " would not hold " + maxAbs);
            }
        }
    }
}
