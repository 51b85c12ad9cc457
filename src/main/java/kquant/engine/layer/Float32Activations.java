package kquant.engine.layer;

import kquant.model.Activation;

/**
 * Activations of float32 values, rounded to float32, equal bit for bit to
 * {@code (float) act.apply((double) z)} (the one-sample engine's definition, computed with
 * {@link StrictMath}) but several times faster.
 *
 * <p>SELU, ELU, tanh, sigmoid and swish compute their exponential here, in double, in passes over
 * a row of lanes that the JIT vectorizes: e^x = 2^k · p(r) with Cody and Waite's reduction and a
 * degree-13 polynomial, a few ulps of double. The result is within {@link #bound} of what
 * StrictMath gives (whose own error is under one ulp); when a value lies so close to a boundary
 * between two float32 numbers that the bound straddles it (about one value in a million), it is
 * recomputed with StrictMath. So the float32 result is always StrictMath's; only the time differs.
 * The other activations use StrictMath directly.
 */
final class Float32Activations {

    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double INV_LN2 = 1.44269504088896338700e+00;
    private static final double SELU_NEGATIVE = Activation.SELU_SCALE * Activation.SELU_ALPHA;

    /** Per thread: each lane's input in double, its exponent k, and its polynomial, then e^x. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[3][0]);
    /** Per thread: each lane's result minus and plus the bound, rounded to float32. */
    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[2][0]);

    private Float32Activations() {
        throw new AssertionError("No instances of Float32Activations");
    }

    /** Relative part of the bound: ten times the worst relative error of the two computations together. */
    private static final double RELATIVE = 0x1p-46;
    /** Absolute part, where the result is e^x - 1 (SELU, ELU, tanh): that difference loses a few ulps of 1. */
    private static final double ABSOLUTE = 0x1p-47;

    /** A bound on |this class's result − StrictMath's|. */
    static double bound(double y, double absolute) {
        return Math.abs(y) * RELATIVE + absolute;
    }

    static void apply(Activation act, float[] z, float[] out, int n) {
        switch (act) {
            case SELU:
            case ELU: {
                double[] e = exp(z, n, -1);
                double k = act == Activation.SELU ? SELU_NEGATIVE : 1.0;
                double slope = act == Activation.SELU ? Activation.SELU_SCALE : 1.0;
                for (int s = 0; s < n; s++) {
                    e[s] = k * (e[s] - 1.0);
                }
                float[][] fl = roundings(e, ABSOLUTE, n);
                float[] lo = fl[0];
                float[] hi = fl[1];
                for (int s = 0; s < n; s++) {
                    out[s] = z[s] > 0 ? (float) (slope * z[s]) : lo[s] == hi[s] ? lo[s] : (float) act.apply(z[s]);
                }
                return;
            }
            case TANH: {
                double[] e = exp(z, n, -2);
                for (int s = 0; s < n; s++) {
                    // tanh(-|x|) = (e^(-2|x|) - 1) / (e^(-2|x|) + 1); odd, so the sign comes after rounding
                    double em = e[s] - 1.0;
                    e[s] = em / (em + 2.0);
                }
                float[][] fl = roundings(e, ABSOLUTE, n);
                float[] lo = fl[0];
                float[] hi = fl[1];
                for (int s = 0; s < n; s++) {
                    out[s] = lo[s] != hi[s] ? (float) act.apply(z[s]) : z[s] > 0 ? -lo[s] : lo[s];
                }
                return;
            }
            case SIGMOID:
            case SWISH: {
                double[] e = exp(z, n, -1);
                for (int s = 0; s < n; s++) {
                    // e = e^-|x|: 1 / (1 + e) above zero, e / (1 + e) below, the formula Activation uses
                    double sig = z[s] >= 0 ? 1.0 / (1.0 + e[s]) : e[s] / (1.0 + e[s]);
                    out[s] = checked(act, z[s], act == Activation.SWISH ? z[s] * sig : sig, 0);
                }
                return;
            }
            default:
                for (int s = 0; s < n; s++) {
                    out[s] = (float) act.apply(z[s]);
                }
        }
    }

    /**
     * The same exponential rounded straight to float32, without the StrictMath check: what an engine
     * would run that allows the last bit to differ (about one value in a million). Only the JMH
     * benchmark calls it, to measure what bit-identity costs.
     */
    static void applyUnchecked(Activation act, float[] z, float[] out, int n) {
        switch (act) {
            case SELU:
            case ELU: {
                double[] e = exp(z, n, -1);
                double k = act == Activation.SELU ? SELU_NEGATIVE : 1.0;
                double slope = act == Activation.SELU ? Activation.SELU_SCALE : 1.0;
                for (int s = 0; s < n; s++) {
                    out[s] = z[s] > 0 ? (float) (slope * z[s]) : (float) (k * (e[s] - 1.0));
                }
                return;
            }
            case TANH: {
                double[] e = exp(z, n, -2);
                for (int s = 0; s < n; s++) {
                    double em = e[s] - 1.0;
                    float t = (float) (em / (em + 2.0));
                    out[s] = z[s] > 0 ? -t : t;
                }
                return;
            }
            case SIGMOID: {
                double[] e = exp(z, n, -1);
                for (int s = 0; s < n; s++) {
                    out[s] = (float) (z[s] >= 0 ? 1.0 / (1.0 + e[s]) : e[s] / (1.0 + e[s]));
                }
                return;
            }
            default:
                apply(act, z, out, n);
        }
    }

    /**
     * Each lane's {@code y - bound} and {@code y + bound} rounded to float32, in a pass the JIT
     * vectorizes: where the two agree, that is the float32 value of y and of StrictMath's result;
     * where they differ, the caller asks StrictMath.
     */
    private static float[][] roundings(double[] y, double absolute, int n) {
        float[][] f = FLOATS.get();
        if (f[0].length < n) {
            f[0] = new float[n];
            f[1] = new float[n];
        }
        float[] lo = f[0];
        float[] hi = f[1];
        for (int s = 0; s < n; s++) {
            double b = Math.abs(y[s]) * RELATIVE + absolute;
            lo[s] = (float) (y[s] - b);
            hi[s] = (float) (y[s] + b);
        }
        return f;
    }

    /** {@code y} rounded to float32 when nothing within the bound rounds otherwise; else StrictMath's value. */
    private static float checked(Activation act, float z, double y, double absolute) {
        double e = bound(y, absolute);
        float f = (float) y;
        if ((float) (y - e) == f && (float) (y + e) == f) {
            return f;
        }
        return (float) act.apply(z);
    }

    /**
     * e^(c·|z|) for c < 0 (the caller picks the branch by z's sign), lane by lane, in three passes:
     * widen to double; the reduction and the polynomial in pure double arithmetic (C2 vectorizes a
     * loop only when all its values have one width, and not through Math.max, hence the separate
     * passes); the scaling by 2^k. Below e^-700 the result is 0 (the callers' results no longer
     * depend on it); NaN and infinity give NaN, which sends the caller to StrictMath.
     */
    private static double[] exp(float[] z, int n, double c) {
        double[][] scratch = SCRATCH.get();
        if (scratch[0].length < n) {
            for (int i = 0; i < scratch.length; i++) {
                scratch[i] = new double[n];
            }
        }
        double[] x = scratch[0];
        double[] k = scratch[1];
        double[] p = scratch[2];
        for (int s = 0; s < n; s++) {
            x[s] = z[s];
        }
        for (int s = 0; s < n; s++) {
            double v = c * Math.abs(x[s]);
            double ks = Math.rint(v * INV_LN2);
            double r = (v - ks * LN2_HI) - ks * LN2_LO;
            double q = 1.0 / 6227020800.0;
            q = q * r + 1.0 / 479001600.0;
            q = q * r + 1.0 / 39916800.0;
            q = q * r + 1.0 / 3628800.0;
            q = q * r + 1.0 / 362880.0;
            q = q * r + 1.0 / 40320.0;
            q = q * r + 1.0 / 5040.0;
            q = q * r + 1.0 / 720.0;
            q = q * r + 1.0 / 120.0;
            q = q * r + 1.0 / 24.0;
            q = q * r + 1.0 / 6.0;
            q = q * r + 0.5;
            q = q * r + 1.0;
            p[s] = q * r + 1.0;
            k[s] = ks;
        }
        for (int s = 0; s < n; s++) {
            p[s] = k[s] < -1010 ? 0.0 : p[s] * Double.longBitsToDouble((1023L + (long) k[s]) << 52);
        }
        return p;
    }
}
