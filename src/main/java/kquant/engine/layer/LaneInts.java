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
     * How one weight matrix's dot products are summed exactly: as one or more parts
     * {@code Σ_i x_i · w_i = Σ_parts (Σ_i x_i · part_i) · 2^shift}, each part in int32 pieces
     * ({@link #int32Pieces}). Most matrices are one part. int16 weights against int16 inputs (q15)
     * need an int32 piece every few inputs; split into a high byte {@code w >> 8} and a low byte
     * {@code w & 0xFF}, each part's pieces are few or one, for twice the products and far fewer
     * int64 additions (the C's SSE2 path splits the same way).
     */
    static final class Plan {
        final int[][] codes;
        final int[][] pieces;
        final int[] shifts;
        final int inputs;

        private Plan(int[][] codes, int[][] pieces, int[] shifts, int inputs) {
            this.codes = codes;
            this.pieces = pieces;
            this.shifts = shifts;
            this.inputs = inputs;
        }

        /** The plan with the fewest int32 pieces for unit-major codes {@code w} of {@code rows × inputs}. */
        static Plan of(int[] w, int rows, int inputs, Storage inputType) {
            int[] whole = int32Pieces(w, rows, inputs, inputType);
            int[] hi = new int[w.length];
            int[] lo = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                hi[i] = w[i] >> 8;
                lo[i] = w[i] & 0xFF;
            }
            int[] hiPieces = int32Pieces(hi, rows, inputs, inputType);
            int[] loPieces = int32Pieces(lo, rows, inputs, inputType);
            if (hiPieces.length + loPieces.length - 2 < (whole.length - 1) / 2) {
                return new Plan(new int[][] {hi, lo}, new int[][] {hiPieces, loPieces}, new int[] {8, 0}, inputs);
            }
            return new Plan(new int[][] {w}, new int[][] {whole}, new int[] {0}, inputs);
        }
    }

    /**
     * {@code acc[acc0 + r][s] = Σ_i x[x0 + i][s] · w[(row0 + r) · inputs + i]}, exact, for
     * {@code r < rows} and lanes {@code [0, n)}, summed as {@code plan} says.
     *
     * @param partial  one scratch row of at least n ints
     */
    static void matvec(int[][] x, int x0, Plan plan, int row0, int rows, long[][] acc, int acc0, int[] partial, int n) {
        int inputs = plan.inputs;
        for (int r = 0; r < rows; r++) {
            long[] a = acc[acc0 + r];
            int base = (row0 + r) * inputs;
            java.util.Arrays.fill(a, 0, n, 0L);
            for (int part = 0; part < plan.codes.length; part++) {
                int[] pieces = plan.pieces[part];
                int shift = plan.shifts[part];
                for (int k = 0; k + 1 < pieces.length; k++) {
                    dot(x, x0, plan.codes[part], base, pieces[k], pieces[k + 1], partial, n);
                    for (int s = 0; s < n; s++) {
                        a[s] += (long) partial[s] << shift;
                    }
                }
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
