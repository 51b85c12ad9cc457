package kquant.engine.layer;

import kquant.fixed.ActivationKernel;
import kquant.fixed.Storage;

/**
 * The integer loops of the block engine (SPEC.md, sections 4 to 7), laid out like
 * {@link LaneMath}: one row per unit, the block's samples along it. Every sum is exact and every
 * narrowing saturates and is counted, so each sample's codes are exactly what the one-sample
 * specification (and the exported C) computes.
 */
final class LaneInts {

    private LaneInts() {
        throw new AssertionError("No instances of LaneInts");
    }

    /**
     * Where to cut a dot product so that each piece's partial sum provably fits an int32: the
     * input ranges {@code [cut[k], cut[k+1])} such that, for every row, {@code Σ |w| · 2^(b-1)}
     * over the range is at most {@code 2^31 - 1} ({@code b} the input type's bits). The pieces are
     * summed in int32 (the loops the JIT vectorizes best) and added into an int64 total; integer
     * sums do not depend on their order while they are exact, so the result is the exact sum.
     *
     * @param w  unit-major codes: row {@code r} holds unit r's weights over all inputs
     */
    static int[] int32Pieces(int[] w, int rows, int inputs, Storage inputType) {
        long limit = Integer.MAX_VALUE / inputType.maxMagnitude();
        java.util.List<Integer> cuts = new java.util.ArrayList<>(java.util.List.of(0));
        long[] sums = new long[rows];
        for (int i = 0; i < inputs; i++) {
            boolean fits = true;
            for (int r = 0; r < rows && fits; r++) {
                fits = sums[r] + Math.abs(w[r * inputs + i]) <= limit;
            }
            if (!fits) {
                cuts.add(i);
                java.util.Arrays.fill(sums, 0);
            }
            for (int r = 0; r < rows; r++) {
                sums[r] += Math.abs(w[r * inputs + i]);
            }
        }
        cuts.add(inputs);
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * How one weight matrix's dot products are summed exactly. Where one int32 piece holds every
     * row's sum ({@link #int32Pieces}; int8 weights, or short rows) the sums run in int32. Where
     * more pieces would be needed (int16 weights against int16 inputs, as in q15, need one every two
     * or three inputs, each with an int64 addition) they run in doubles instead: every product and
     * partial sum is then an integer below 2^53, which a double holds exactly.
     */
    static final class Plan {
        final int[] codes;
        final int[] pieces;
        final int inputs;
        /** The matrix as doubles when the sums run in doubles; else null. */
        final double[] inDouble;

        private Plan(int[] codes, int[] pieces, int inputs, double[] inDouble) {
            this.codes = codes;
            this.pieces = pieces;
            this.inputs = inputs;
            this.inDouble = inDouble;
        }

        /** The plan for unit-major codes {@code w} of {@code rows × inputs}. */
        static Plan of(int[] w, int rows, int inputs, Storage inputType) {
            int[] pieces = int32Pieces(w, rows, inputs, inputType);
            if (pieces.length > 2 && exactInDouble(w, rows, inputs, inputType)) {
                double[] d = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    d[i] = w[i];
                }
                return new Plan(w, pieces, inputs, d);
            }
            return new Plan(w, pieces, inputs, null);
        }
    }

    /**
     * {@code acc[acc0 + r][s] = Σ_i x[x0 + i][s] · w[(row0 + r) · inputs + i]}, exact, for
     * {@code r < rows} and lanes {@code [0, n)}, summed as {@code plan} says.
     *
     * @param partial  one scratch row of at least n ints
     */
    static void matvec(int[][] x, int x0, Plan plan, int row0, int rows, long[][] acc, int acc0, int[] partial, int n) {
        if (plan.inDouble != null) {
            matvecInDouble(x, x0, plan, row0, rows, acc, acc0, n);
            return;
        }
        int inputs = plan.inputs;
        int[] pieces = plan.pieces;
        for (int r = 0; r < rows; r++) {
            long[] a = acc[acc0 + r];
            int base = (row0 + r) * inputs;
            java.util.Arrays.fill(a, 0, n, 0L);
            for (int k = 0; k + 1 < pieces.length; k++) {
                dot(x, x0, plan.codes, base, pieces[k], pieces[k + 1], partial, n);
                for (int s = 0; s < n; s++) {
                    a[s] += partial[s];
                }
            }
        }
    }

    /** Per thread: the inputs widened to double, and one row of sums. */
    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[1][0]);

    /** True when every partial sum of every row is an integer a double holds exactly (below 2^53). */
    private static boolean exactInDouble(int[] w, int rows, int inputs, Storage inputType) {
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int i = 0; i < inputs; i++) {
                sum += Math.abs((double) w[r * inputs + i]) * inputType.maxMagnitude();
            }
            if (sum >= 0x1p53) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same sums in doubles: each product of two int16 codes (at most 2^30) and each partial sum
     * (below 2^53, checked by the plan) is an integer a double holds exactly, so the order and the
     * fused multiply-adds do not matter and the result is the exact integer. One fused multiply-add
     * per product, eight lanes to a vector where the CPU has them.
     */
    private static void matvecInDouble(int[][] x, int x0, Plan plan, int row0, int rows, long[][] acc, int acc0, int n) {
        int inputs = plan.inputs;
        double[][] scratch = DOUBLES.get();
        if (scratch.length < inputs + 1 || scratch[0].length < n) {
            scratch = new double[inputs + 1][Math.max(n, kquant.engine.Blocks.LANES)];
            DOUBLES.set(scratch);
        }
        for (int i = 0; i < inputs; i++) {
            int[] from = x[x0 + i];
            double[] to = scratch[i];
            for (int s = 0; s < n; s++) {
                to[s] = from[s];
            }
        }
        double[] p = scratch[inputs];
        double[] w = plan.inDouble;
        for (int r = 0; r < rows; r++) {
            int base = (row0 + r) * inputs;
            java.util.Arrays.fill(p, 0, n, 0.0);
            int i = 0;
            for (; i + 4 <= inputs; i += 4) {
                double[] a = scratch[i];
                double[] b = scratch[i + 1];
                double[] c = scratch[i + 2];
                double[] d = scratch[i + 3];
                double wa = w[base + i];
                double wb = w[base + i + 1];
                double wc = w[base + i + 2];
                double wd = w[base + i + 3];
                for (int s = 0; s < n; s++) {
                    p[s] = Math.fma(d[s], wd, Math.fma(c[s], wc, Math.fma(b[s], wb, Math.fma(a[s], wa, p[s]))));
                }
            }
            for (; i < inputs; i++) {
                double[] a = scratch[i];
                double wa = w[base + i];
                for (int s = 0; s < n; s++) {
                    p[s] = Math.fma(a[s], wa, p[s]);
                }
            }
            long[] out = acc[acc0 + r];
            for (int s = 0; s < n; s++) {
                out[s] = (long) p[s];
            }
        }
    }

    /**
     * {@code p[s] = Σ_{i in [from, to)} x[x0 + i][s] · w[base + i]} in int32, four inputs per pass
     * over the lanes: one load and one store of p per four products instead of per product. Two's
     * complement sums do not depend on their order, and the piece's bound keeps the true sum in
     * int32, so the result is exact.
     */
    private static void dot(int[][] x, int x0, int[] w, int base, int from, int to, int[] p, int n) {
        int i = from;
        int rest = (to - from) % 4;
        if (rest == 0 && to > from) {
            rest = 4;
        }
        switch (rest) {
            case 1 -> {
                int[] a = x[x0 + i];
                int wa = w[base + i];
                for (int s = 0; s < n; s++) {
                    p[s] = a[s] * wa;
                }
            }
            case 2 -> {
                int[] a = x[x0 + i];
                int[] b = x[x0 + i + 1];
                int wa = w[base + i];
                int wb = w[base + i + 1];
                for (int s = 0; s < n; s++) {
                    p[s] = a[s] * wa + b[s] * wb;
                }
            }
            case 3 -> {
                int[] a = x[x0 + i];
                int[] b = x[x0 + i + 1];
                int[] c = x[x0 + i + 2];
                int wa = w[base + i];
                int wb = w[base + i + 1];
                int wc = w[base + i + 2];
                for (int s = 0; s < n; s++) {
                    p[s] = a[s] * wa + b[s] * wb + c[s] * wc;
                }
            }
            case 4 -> {
                quad(x, x0 + i, w, base + i, p, false, n);
            }
            default -> java.util.Arrays.fill(p, 0, n, 0);
        }
        for (i += rest; i < to; i += 4) {
            quad(x, x0 + i, w, base + i, p, true, n);
        }
    }

    private static void quad(int[][] x, int xi, int[] w, int wi, int[] p, boolean add, int n) {
        int[] a = x[xi];
        int[] b = x[xi + 1];
        int[] c = x[xi + 2];
        int[] d = x[xi + 3];
        int wa = w[wi];
        int wb = w[wi + 1];
        int wc = w[wi + 2];
        int wd = w[wi + 3];
        if (add) {
            for (int s = 0; s < n; s++) {
                p[s] += a[s] * wa + b[s] * wb + c[s] * wc + d[s] * wd;
            }
        } else {
            for (int s = 0; s < n; s++) {
                p[s] = a[s] * wa + b[s] * wb + c[s] * wc + d[s] * wd;
            }
        }
    }

    /**
     * The pre-activation of one unit (SPEC.md, section 5, steps 3 and 4):
     * {@code z = saturate(round_shift(ax · 2^lx + ah · 2^lh + bias, sz))}.
     *
     * @param ah    the recurrent part, or null (Dense)
     * @param bias  the bias already aligned to the accumulator format
     * @return how many lanes saturated
     */
    static int preact(long[] ax, int lx, long[] ah, int lh, long bias, int sz, Storage type, int[] z, int n) {
        long[] acc = ax;
        for (int s = 0; s < n; s++) {
            acc[s] = (ax[s] << lx) + bias;
        }
        if (ah != null) {
            for (int s = 0; s < n; s++) {
                acc[s] += ah[s] << lh;
            }
        }
        return narrow(acc, sz, type, z, n);
    }

    /** {@code z = saturate(round_shift(v, shift))} lane by lane; returns how many lanes saturated. */
    static int narrow(long[] v, int shift, Storage type, int[] z, int n) {
        if (shift > 0) {
            long half = 1L << (shift - 1);
            for (int s = 0; s < n; s++) {
                v[s] = (v[s] + half) >> shift;
            }
        } else if (shift < 0) {
            for (int s = 0; s < n; s++) {
                v[s] = v[s] << -shift;
            }
        }
        int min = type.minCode();
        int max = type.maxCode();
        int clipped = 0;
        for (int s = 0; s < n; s++) {
            long x = v[s];
            clipped += x > max || x < min ? 1 : 0;
            z[s] = (int) Math.max(min, Math.min(max, x));
        }
        return clipped;
    }

    /**
     * An element product rounded to a format: {@code out = saturate(round_shift(a · b, shift))}
     * (SPEC.md, "Element products"); returns how many lanes saturated.
     */
    static int product(int[] a, int[] b, int shift, Storage type, int[] out, long[] scratch, int n) {
        for (int s = 0; s < n; s++) {
            scratch[s] = (long) a[s] * b[s];
        }
        return narrow(scratch, shift, type, out, n);
    }

    /**
     * Two element products aligned and summed, then rounded once:
     * {@code out = saturate(round_shift((a · b) · 2^la + (c · d) · 2^lc, shift))}; returns how many lanes saturated.
     */
    static int twoProducts(int[] a, int[] b, int la, int[] c, int[] d, int lc, int shift, Storage type, int[] out, long[] scratch,
            int n) {
        for (int s = 0; s < n; s++) {
            scratch[s] = ((long) a[s] * b[s] << la) + ((long) c[s] * d[s] << lc);
        }
        return narrow(scratch, shift, type, out, n);
    }

    /**
     * A pre-activation whose recurrent part comes as an element product (a GRU candidate with
     * {@code reset_after}): {@code z = saturate(round_shift(ax · 2^lx + bias + (r · q) · 2^lq, sz))}.
     */
    static int preactWithProduct(long[] ax, int lx, long bias, int[] r, int[] q, int lq, int sz, Storage type, int[] z, int n) {
        for (int s = 0; s < n; s++) {
            ax[s] = (ax[s] << lx) + bias + ((long) r[s] * q[s] << lq);
        }
        return narrow(ax, sz, type, z, n);
    }

    /** {@code y = act(z)} lane by lane; returns how many lanes' exact activation lay outside the output format. */
    static int activate(ActivationKernel act, int[] z, int[] y, int n) {
        short[] every = act.everyCode();
        int lo = act.inType().minCode();
        int satLow = act.satLow();
        int satHigh = act.satHigh();
        int clipped = 0;
        for (int s = 0; s < n; s++) {
            int v = z[s];
            y[s] = every[v - lo];
            clipped += v >= satHigh || v <= satLow ? 1 : 0;
        }
        return clipped;
    }
}
