package kquant.fixed;

/**
 * The integer kernels, each the Java twin of a C function in {@code kq_kernels.h} with the same
 * arguments in the same order: (input, output, params, scratch). They do not check their inputs
 * (the quantized model was checked when it was built) and never wrap: every narrowing saturates
 * and is counted in the scratch.
 */
public final class Kernels {

    private Kernels() {
        throw new AssertionError("No instances of Kernels");
    }

    /** Per-call buffers and counters; one per thread. */
    public static final class Scratch {
        /** {@code Σ x_i W_ji} for each unit, in format fX + fW_j. */
        public final long[] inputPart;
        /** {@code Σ h_k U_jk} for each unit, in format fH + fU_j. */
        public final long[] recurrentPart;
        /** The pre-activation codes, in format fZ. */
        public final int[] preact;
        /** Saturations of the last call: of the pre-activation, and of the activation output. */
        public int preactSaturations;
        public int outputSaturations;

        public Scratch(int units) {
            inputPart = new long[units];
            recurrentPart = new long[units];
            preact = new int[units];
        }
    }

    /** {@code Σ_i x[i] · w[row · n + i]}, exact. */
    static long dot(int[] x, int[] w, int row, int n) {
        long acc = 0;
        int base = row * n;
        for (int i = 0; i < n; i++) {
            acc += (long) x[i] * w[base + i];
        }
        return acc;
    }

    /**
     * One SimpleRNN step: {@code hNext = act(sat(round((x·W << sx) + (h·U << sh) + align(b), F - fZ)))}.
     *
     * @param x      input codes of this timestep (format fX). Not modified.
     * @param h      state codes h_{t-1} (format fH). Not modified: it is read, never written.
     * @param hNext  receives h_t. Modified. Must not be {@code h}: the step reads all of h
     *               while it writes hNext, which is what a Keras cell does.
     */
    public static void simpleRnnStep(int[] x, int[] h, int[] hNext, QSimpleRnn p, Scratch s) {
        Storage type = p.activation().type();
        int units = p.units();
        int[] w = p.kernel().codesShared();
        int[] u = p.recurrent().codesShared();
        s.preactSaturations = 0;
        s.outputSaturations = 0;
        for (int j = 0; j < units; j++) {
            long ax = dot(x, w, j, p.inputs());
            long ah = dot(h, u, j, units);
            int f = p.accFrac(j);
            long acc = Fixed.roundShift(ax, p.fIn() + p.kernel().format().at(j) - f)
                    + Fixed.roundShift(ah, p.fOut() + p.recurrent().format().at(j) - f)
                    + Fixed.roundShift(p.bias().code(j), p.bias().format().at(j) - f);
            long z = Fixed.roundShift(acc, f - p.fZ());
            s.inputPart[j] = ax;
            s.recurrentPart[j] = ah;
            s.preact[j] = saturateCounting(z, type, s);
        }
        activate(s.preact, hNext, units, p.activation(), s);
    }

    /** One Dense application to one vector: {@code y = act(sat(round(x·V + align(c), F - fZ)))}. */
    public static void dense(int[] x, int[] y, QDense p, Scratch s) {
        Storage type = p.activation().type();
        int[] v = p.kernel().codesShared();
        s.preactSaturations = 0;
        s.outputSaturations = 0;
        for (int j = 0; j < p.units(); j++) {
            long ax = dot(x, v, j, p.inputs());
            int f = p.accFrac(j);
            long acc = ax + Fixed.roundShift(p.bias().code(j), p.bias().format().at(j) - f);
            s.inputPart[j] = ax;
            s.preact[j] = saturateCounting(Fixed.roundShift(acc, f - p.fZ()), type, s);
        }
        activate(s.preact, y, p.units(), p.activation(), s);
    }

    /** {@code y[j] = act(z[j])}, counting the codes whose exact activation lies outside the output format. */
    public static void activate(int[] z, int[] y, int n, ActivationKernel act, Scratch s) {
        for (int j = 0; j < n; j++) {
            y[j] = act.apply(z[j]);
            if (act.saturates(z[j])) {
                s.outputSaturations++;
            }
        }
    }

    private static int saturateCounting(long v, Storage type, Scratch s) {
        if (Fixed.saturates(v, type)) {
            s.preactSaturations++;
        }
        return Fixed.saturate(v, type);
    }
}
