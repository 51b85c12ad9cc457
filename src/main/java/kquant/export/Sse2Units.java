package kquant.export;

import java.util.Locale;
import kquant.fixed.QBias;
import kquant.fixed.Scheme;

/**
 * The SSE2 path's own way to a layer's pre-activations (kq_kernels.h, kq_preact_all), written by
 * {@link LayerWriter} under {@code #if defined(KQ_SSE2)}: four units at a time, stored as codes of
 * the activation type in {@code z}. It applies where every unit has the same shifts and the dot
 * products are int32; where, in addition, the export proved that the whole sum fits an int32
 * ({@link PreactWidth#ACC32}), a layer's two products go through one pass over the rows
 * (kq_matvec2_*_sse2), each row's lanes added up once. Elsewhere there is none (null), and the
 * SSE2 path runs the loop of every path.
 */
final class Sse2Units {

    private final Plan plan;
    private final CNames n;
    private final String layer;
    private final int units;
    private final QBias bias;
    private final PreactWidth width;
    private final int sx;
    private final int sh;
    private final int sb;
    private final int sz;
    private final boolean uniform;

    Sse2Units(Plan plan, CNames names, String layer, int units, QBias bias, PreactWidth width, int[][] shifts) {
        this.plan = plan;
        this.n = names;
        this.layer = layer;
        this.units = units;
        this.bias = bias;
        this.width = width;
        boolean same = true;
        for (int[] s : shifts) {
            same &= LayerWriter.uniform(s);
        }
        this.uniform = same;
        this.sx = shifts[0][0];
        this.sh = shifts[1][0];
        this.sb = shifts[2][0];
        this.sz = shifts[3][0];
    }

    /** A Dense layer: its dot products as on every path ({@code sums}), then the pre-activations; or null. */
    String alone(LayerWriter.Dot ax, CText sums) {
        if (!applies(ax, null)) {
            return null;
        }
        return sums.toString() + preact(ax.array(), "NULL", sx, sh);
    }

    /**
     * A SimpleRNN: x W and h U in one pass where the sum is proved to fit an int32, the larger
     * shift applied to its own product first; else both products as on every path. Or null.
     */
    String withRecurrent(LayerWriter.Dot ax, LayerWriter.Dot ah, int inputs, CText sums) {
        if (!applies(ax, ah)) {
            return null;
        }
        if (width != PreactWidth.ACC32) {
            return sums.toString() + preact(ax.array(), ah.array(), sx, sh);
        }
        String kernel = plan.scheme == Scheme.Q15 ? "kq_matvec2_q15_sse2" : plan.scheme == Scheme.Q7 ? "kq_matvec2_q7_sse2" : "kq_matvec2_a16w8_sse2";
        String x = String.format(Locale.ROOT, "x, %s, %d", n.global(layer, "kernel"), inputs);
        String h = String.format(Locale.ROOT, "h, %s, %d", n.global(layer, "recurrent_kernel"), units);
        boolean inputFirst = sx >= sh;
        CText c = new CText();
        c.line("    size_t j;");
        c.format("    int32_t sums[%d];", units);
        c.format("    %s(%s, %d, %s, sums, %d); /* x W * 2^%d + h U * 2^%d, proved to fit an int32 */", kernel, inputFirst ? x : h,
                Math.abs(sx - sh), inputFirst ? h : x, units, sx, sh);
        return c.toString() + preact("sums", "NULL", Math.min(sx, sh), 0);
    }

    private boolean applies(LayerWriter.Dot ax, LayerWriter.Dot ah) {
        boolean int32 = ax.type().equals("int32_t") && (ah == null || ah.type().equals("int32_t"));
        boolean acc64 = width == PreactWidth.ACC64;
        return uniform && int32 && width != PreactWidth.WIDE && !(acc64 && (sx >= sz || sh >= sz || sz > 29));
    }

    private String preact(String ax, String ah, int shiftX, int shiftH) {
        CText c = new CText();
        c.format("    %s z[%d];", plan.activationType(), units);
        c.format("    kq_preact_all(%s, %s, %s, %d, %d, %d, %d, %d, %d, %d, z, %d, &clipped);", ax, ah,
                bias.present() ? n.global(layer, "bias") : "NULL", bias.present() ? (plan.weightType().equals("int16_t") ? 16 : 8) : 0, shiftX,
                shiftH, sb, sz, width == PreactWidth.ACC64 ? 1 : 0, plan.scheme.activations().bits(), units);
        return c.toString();
    }
}
