package kquant.fixed;

import kquant.KquantException;
import kquant.model.Activation;

/**
 * hard_sigmoid in exact integer arithmetic (SPEC.md, section 7): the line {@code x/d + 1/2},
 * clipped to [0, 1] and rounded half up to the output format, with {@code d = 5} (Keras 1 and 2,
 * {@code 0.2x + 0.5}) or {@code d = 6} (Keras 3, {@code relu6(x + 3) / 6}). With
 * {@code x = z · 2^-fIn} the code is
 * {@code floor((z · 2^(fOut+1) + d · 2^fIn · (2^fOut + 1)) / (d · 2^(fIn+1)))}, then clamped to
 * {@code [0, 2^fOut]}; for {@code fIn < 0} numerator and denominator are scaled by {@code 2^-fIn}.
 */
final class HardSigmoid {

    private HardSigmoid() {
        throw new AssertionError("No instances of HardSigmoid");
    }

    /** The divisor d of the line. */
    static int divisor(Activation a) {
        return a == Activation.HARD_SIGMOID_KERAS3 ? 6 : 5;
    }

    /** The three constants of the formula: {@code code = clamp(floor((z · mul + add) / den), 0, 2^fOut)}. */
    static long[] constants(Activation a, int fIn, int fOut) {
        int e = Math.max(0, -fIn);
        long d = divisor(a);
        long mul = 1L << (fOut + 1 + e);
        long add = d * ((1L << fOut) + 1) << (fIn + e);
        long den = d << (fIn + 1 + e);
        return new long[] {mul, add, den};
    }

    static long apply(Activation a, int z, int fIn, int fOut) {
        long[] c = constants(a, fIn, fOut);
        long code = Math.floorDiv(z * c[0] + c[1], c[2]);
        return Math.max(0, Math.min(1L << fOut, code));
    }

    /** Refuses formats whose constants would not fit the 64-bit arithmetic (no calibration comes near). */
    static void check(Activation a, Storage inType, int fIn, int fOut) {
        int e = Math.max(0, -fIn);
        // |z| <= 2^15 and d <= 6 keep z·mul, add and den below 2^59 within these bounds
        if (fOut < 0 || fOut > 24 || e > 16 || fIn + e > 30) {
            throw KquantException.of("hard_sigmoid from Q%d to Q%d: formats out of the range its integer arithmetic allows", fIn, fOut);
        }
    }
}
