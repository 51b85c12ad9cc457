package kquant.export;

import java.util.Locale;
import kquant.fixed.ActivationKernel;
import kquant.fixed.QBias;
import kquant.fixed.Scheme;

/**
 * The SSE2 path's own way to a layer's pre-activations (kq_sse2.h), written by
 * {@link LayerWriter} under {@code #if defined(KQ_SSE2)}: the layer's dot products and
 * pre-activations in one pass over the rows, four units at a time, stored as codes of the
 * activation type in {@code z}. It applies where every unit has the same shifts, the input
 * product is int32 and the recurrent one int32 (or, in q15, up to 256 columns in 64 bits), and
 * the pre-activation kernel is not the general one (for a 64-bit sum, where kq_preact4's split at
 * bit sz covers it: sx, sh < sz <= 29, and sh + 8 < sz for a 64-bit recurrent product). Elsewhere
 * there is none (null), and the SSE2 path runs the loop of every path.
 */
final class Sse2Units {

    private final Plan plan;
    private final CNames n;
    private final String layer;
    private final int units;
    private final QBias bias;
    private final PreactWidth width;
    private final int[] shift = new int[4];
    private final boolean uniform;

    /** {@code shifts}: sx, sh, sb, sz per unit, as the portable loop takes them. */
    Sse2Units(Plan plan, CNames names, String layer, int units, QBias bias, PreactWidth width, int[][] shifts) {
        this.plan = plan;
        this.n = names;
        this.layer = layer;
        this.units = units;
        this.bias = bias;
        this.width = width;
        boolean same = true;
        for (int k = 0; k < 4; k++) {
            same &= LayerWriter.uniform(shifts[k]);
            shift[k] = shifts[k][0];
        }
        this.uniform = same;
    }

    /** A Dense layer, x V: its product goes as the kernel's recurrent one, with no input matrix. Or null. */
    String dense(LayerWriter.Dot ax, int inputs) {
        if (!applies(ax, null)) {
            return null;
        }
        String v = n.global(layer, "kernel");
        return cell(String.format("x, %s, 0, x, %s, %d", v, v, inputs), 0, shift[0], width == PreactWidth.ACC64 ? 1 : 0);
    }

    /** A SimpleRNN, x W and h U. Or null. */
    String simpleRnn(LayerWriter.Dot ax, LayerWriter.Dot ah, int inputs) {
        if (!applies(ax, ah)) {
            return null;
        }
        return cell(String.format("x, %s, %d, h, %s, %d", n.global(layer, "kernel"), inputs, n.global(layer, "recurrent_kernel"), units), shift[0],
                shift[1], wideRecurrent(ah) ? 2 : width == PreactWidth.ACC64 ? 1 : 0);
    }

    /**
     * The activations of a layer's z as one call, where the SSE2 path has one for its kind:
     * kq_multiply_table_all_s16 for selu and elu on int16 codes (which checks its table's shape
     * itself). Or null: a loop over the units.
     */
    static String activations(ActivationKernel k, String out, int units, String tableVar) {
        if (k.kind() != ActivationKernel.Kind.MULTIPLY_AND_TABLE || k.type().bits() != 16) {
            return null;
        }
        return String.format(Locale.ROOT, "    kq_multiply_table_all_s16(z, %s, %d, %d, %d, &%s, %d, %d, &clipped); /* %s */", out, units, k.multiplier(),
                ActivationKernel.MULTIPLIER_BITS + k.fIn() - k.fOut(), tableVar, k.satLow(), k.satHigh(), k.activation().kerasName());
    }

    /**
     * Per unit, the constant of the pre-activation's sum: the bias aligned to the accumulator,
     * round_shift(b, sb) (SPEC.md, section 2), plus the final shift's rounding constant
     * 2^(sz - 1) where sz > 0. Every kernel this class writes for has proved it fits an int32.
     */
    private int[] constants() {
        int sb = shift[2];
        int sz = shift[3];
        int[] codes = bias.present() ? bias.codes() : new int[units];
        int[] out = new int[units];
        for (int j = 0; j < units; j++) {
            long b = codes[j];
            long aligned = sb > 0 ? (b + (1L << (sb - 1))) >> sb : b << -sb;
            out[j] = Math.toIntExact(aligned + (sz > 0 ? 1L << (sz - 1) : 0));
        }
        return out;
    }

    private boolean applies(LayerWriter.Dot ax, LayerWriter.Dot ah) {
        int sx = shift[0];
        int sh = shift[1];
        int sz = shift[3];
        if (!uniform || width == PreactWidth.WIDE || !ax.type().equals("int32_t")) {
            return false;
        }
        if (wideRecurrent(ah)) {
            return sx < sz && sh + 8 < sz && sz <= 29 && units <= 256;
        }
        return (ah == null || ah.type().equals("int32_t")) && (width == PreactWidth.ACC32 || sx < sz && sh < sz && sz <= 29);
    }

    /** A q15 recurrent product proved to need 64 bits: kq_cell_q15_sse2 takes it as 256 * E + L (kq_row_q15_wide_). */
    private boolean wideRecurrent(LayerWriter.Dot ah) {
        return ah != null && ah.type().equals("int64_t") && width == PreactWidth.ACC64;
    }

    private String cell(String matrices, int sx, int sh, int acc64) {
        String kernel = plan.scheme == Scheme.Q15 ? "kq_cell_q15_sse2" : plan.scheme == Scheme.Q7 ? "kq_cell_q7_sse2" : "kq_cell_a16w8_sse2";
        CText c = new CText();
        c.line("    size_t j;");
        c.format("    static const int32_t constants[%d] = {%s}; /* round_shift(bias, %d) + rounding, per unit */", units,
                LayerWriter.join(constants()), shift[2]);
        c.format("    static const kq_preact_t preact = {%s, %d, %d, %d, %d, %d, %d, %d, constants};",
                bias.present() ? n.global(layer, "bias") : "NULL", bias.present() ? (plan.weightType().equals("int16_t") ? 16 : 8) : 0, sx, sh,
                shift[2], shift[3], acc64, plan.scheme.activations().bits());
        c.format("    %s z[%d];", plan.activationType(), units);
        c.format("    %s(%s, %d, &preact, z, &clipped);", kernel, matrices, units);
        return c.toString();
    }
}
