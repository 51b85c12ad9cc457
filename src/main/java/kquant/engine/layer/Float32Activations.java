package kquant.engine.layer;

import kquant.model.Activation;

/**
 * Activations of float32 values, rounded to float32, equal bit for bit to
 * {@code (float) act.apply((double) z)} (the one-sample engine's definition, computed with
 * {@link StrictMath}) but several times faster.
 *
 * <p>SELU, ELU, tanh, sigmoid and swish evaluate their exponential with {@link #expm1} and
 * {@link #exp} below, in double, to a relative error under 2^-49; StrictMath's own error is under
 * one ulp of double. When the double result lies so close to a boundary between two float32
 * values that the two errors together could put it on the other side (about once in four million
 * values), the value is recomputed with StrictMath. So the float32 result is always the one
 * StrictMath gives; only the time differs. The other activations use StrictMath directly.
 */
final class Float32Activations {

    /** A bound on |fast − StrictMath| relative to the result: 2^-46, four times the worst case of either. */
    private static final double RELATIVE_ERROR = 0x1p-46;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double INV_LN2 = 1.44269504088896338700e+00;
    private static final double SELU_NEGATIVE = Activation.SELU_SCALE * Activation.SELU_ALPHA;

    private Float32Activations() {
        throw new AssertionError("No instances of Float32Activations");
    }

    static void apply(Activation act, float[] z, float[] out, int n) {
        switch (act) {
            case SELU:
                for (int s = 0; s < n; s++) {
                    double x = z[s];
                    out[s] = x > 0 ? (float) (Activation.SELU_SCALE * x) : checked(act, z[s], SELU_NEGATIVE * expm1(x));
                }
                return;
            case ELU:
                for (int s = 0; s < n; s++) {
                    double x = z[s];
                    out[s] = x > 0 ? z[s] : checked(act, z[s], expm1(x));
                }
                return;
            case TANH:
                for (int s = 0; s < n; s++) {
                    out[s] = checked(act, z[s], tanh(z[s]));
                }
                return;
            case SIGMOID:
                for (int s = 0; s < n; s++) {
                    out[s] = checked(act, z[s], sigmoid(z[s]));
                }
                return;
            case SWISH:
                for (int s = 0; s < n; s++) {
                    out[s] = checked(act, z[s], z[s] * sigmoid(z[s]));
                }
                return;
            default:
                for (int s = 0; s < n; s++) {
                    out[s] = (float) act.apply(z[s]);
                }
        }
    }

    /** {@code y} rounded to float32 when no value within the error bound rounds otherwise; else StrictMath's. */
    private static float checked(Activation act, float z, double y) {
        double e = Math.abs(y) * RELATIVE_ERROR;
        float f = (float) y;
        if ((float) (y - e) == f && (float) (y + e) == f) {
            return f;
        }
        return (float) act.apply(z);
    }

    /** e^x - 1 for x <= 0 (NaN elsewhere, or below -700, which sends the caller to StrictMath). */
    static double expm1(double x) {
        if (!(x <= 0 && x >= -700)) {
            return Double.NaN;
        }
        if (x > -0.34657359027997264) {
            // Taylor series to x^13: truncation below 2^-60 relative for |x| < ln2/2
            double p = 1.0 / 6227020800.0;
            p = p * x + 1.0 / 479001600.0;
            p = p * x + 1.0 / 39916800.0;
            p = p * x + 1.0 / 3628800.0;
            p = p * x + 1.0 / 362880.0;
            p = p * x + 1.0 / 40320.0;
            p = p * x + 1.0 / 5040.0;
            p = p * x + 1.0 / 720.0;
            p = p * x + 1.0 / 120.0;
            p = p * x + 1.0 / 24.0;
            p = p * x + 1.0 / 6.0;
            p = p * x + 0.5;
            return x + x * x * p;
        }
        // e^x >= 2^-1011 is at most 0.7071 here, so e^x - 1 loses no relative precision
        return exp(x) - 1.0;
    }

    /** e^x for -700 <= x <= 0, to a few ulps: 2^k · e^r with |r| <= ln2/2 (Cody and Waite's reduction). */
    static double exp(double x) {
        if (!(x <= 0 && x >= -700)) {
            return Double.NaN;
        }
        double k = Math.rint(x * INV_LN2);
        double r = (x - k * LN2_HI) - k * LN2_LO;
        double p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        return p * Double.longBitsToDouble((1023L + (long) k) << 52);
    }

    /** tanh(x) = expm1(2x) / (expm1(2x) + 2) for x <= 0, odd above. */
    static double tanh(double x) {
        double a = -Math.abs(x);
        double em = expm1(2 * a);
        double t = em / (em + 2.0);
        return x > 0 ? -t : t;
    }

    /** 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: the formula {@link Activation} uses. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + exp(-x));
        }
        double e = exp(x);
        return e / (1.0 + e);
    }
}
