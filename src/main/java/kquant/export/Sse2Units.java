package kquant.export;

import kquant.fixed.QBias;
import kquant.fixed.Scheme;

/**
 * The SSE2 path's own way to a layer's pre-activations (kq_sse2.h), written by
 * {@link LayerWriter} under {@code #if defined(KQ_SSE2)}: the layer's dot products and
 * pre-activations in one pass over the rows, four units at a time, stored as codes of the
 * activation type in {@code z}. It applies where every unit has the same shifts, the dot products
 * are int32, and the pre-activation kernel is not the general one (for the 64-bit sum, where
 * kq_preact4's split at bit sz covers it: sx, sh < sz <= 29). Elsewhere there is none (null), and
 * the SSE2 path runs the loop of every path.
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
        return cell(String.format("x, %s, 0, x, %s, %d", v, v, inputs), 0, shift[0]);
    }

    /** A SimpleRNN, x W and h U. Or null. */
    String simpleRnn(LayerWriter.Dot ax, LayerWriter.Dot ah, int inputs) {
        if (!applies(ax, ah)) {
            return null;
        }
        return cell(String.format("x, %s, %d, h, %s, %d", n.global(layer, "kernel"), inputs, n.global(layer, "recurrent_kernel"), units), shift[0],
                shift[1]);
    }

    private boolean applies(LayerWriter.Dot ax, LayerWriter.Dot ah) {
        boolean int32 = ax.type().equals("int32_t") && (ah == null || ah.type().equals("int32_t"));
        int sx = shift[0];
        int sh = shift[1];
        int sz = shift[3];
        boolean acc64 = width == PreactWidth.ACC64;
        return uniform && int32 && width != PreactWidth.WIDE && !(acc64 && (sx >= sz || sh >= sz || sz > 29));
    }

    private String cell(String matrices, int sx, int sh) {
        String kernel = plan.scheme == Scheme.Q15 ? "kq_cell_q15_sse2" : plan.scheme == Scheme.Q7 ? "kq_cell_q7_sse2" : "kq_cell_a16w8_sse2";
        CText c = new CText();
        c.line("    size_t j;");
        c.format("    static const kq_preact_t preact = {%s, %d, %d, %d, %d, %d, %d, %d};", bias.present() ? n.global(layer, "bias") : "NULL",
                bias.present() ? (plan.weightType().equals("int16_t") ? 16 : 8) : 0, sx, sh, shift[2], shift[3],
                width == PreactWidth.ACC64 ? 1 : 0, plan.scheme.activations().bits());
        c.format("    %s z[%d];", plan.activationType(), units);
        c.format("    %s(%s, %d, &preact, z, &clipped);", kernel, matrices, units);
        return c.toString();
    }
}
