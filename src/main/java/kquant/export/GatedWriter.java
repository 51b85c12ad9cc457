package kquant.export;

import kquant.GeneratedText;
import kquant.fixed.ActivationKernel;
import kquant.fixed.Fixed;
import kquant.fixed.QGru;
import kquant.fixed.QLstm;
import kquant.model.Gru;
import kquant.model.Lstm;

/**
 * Writes the cell function of an LSTM or a GRU (SPEC.md, "LSTM step", "GRU step"): the dot products
 * of every gate block at once, then one loop over the units that computes each gate's
 * pre-activation and activation and the element products, with constant shifts and one table struct
 * per gate. Each unit reads only its own row of every block, and the new state goes to a separate
 * buffer, so no unit reads a half-updated state.
 */
final class GatedWriter {

    private final LayerWriter layers;
    private final Plan plan;
    private final CNames n;
    private final String a;
    private final String t;

    GatedWriter(LayerWriter layers, Plan plan, CNames names) {
        this.layers = layers;
        this.plan = plan;
        this.n = names;
        this.a = plan.activationType();
        this.t = LayerWriter.suffix(plan.scheme.activations());
    }

    void lstm(CText c, QLstm r, String id) {
        int u = r.units();
        String l = r.name();
        c.format("/* %s: LSTM, %d inputs Q%d -> %d units, h Q%d, c Q%d (int16); gates i, f, g, o; h and c are only read. */",
                GeneratedText.name(l),
                r.inputs(), r.fIn(), u, r.fOut(), r.fCell());
        c.format("static void %s_cell(const %s *x, const %s *h, const int16_t *c, %s *h_next, int16_t *c_next, uint32_t *saturations)",
                id, a, a, a).line("{");
        LayerWriter.Dot ax = layers.dot("ax", r.kernel());
        LayerWriter.Dot ah = layers.dot("ah", r.recurrent());
        LayerWriter.declare(c, 4 * u, Math.max(r.inputs(), u), ax, ah);
        LayerWriter.call(c, ax, "x", n.global(l, "kernel"), r.kernel(), 4 * u, r.inputs());
        LayerWriter.call(c, ah, "h", n.global(l, "recurrent_kernel"), r.recurrent(), 4 * u, u);
        int[][] s = new int[4][4 * u];
        for (int j = 0; j < 4 * u; j++) {
            int f = r.accFrac(j);
            s[0][j] = f - r.fIn() - r.kernel().format().at(j);
            s[1][j] = f - r.fOut() - r.recurrent().format().at(j);
            s[2][j] = r.bias().format().at(j) - f;
            s[3][j] = f - r.fZ(j / u);
        }
        PreactWidth width = PreactWidth.prove(r.kernel().width().bound(), r.recurrent().width().bound(), r.bias().codes(), s[0], s[1], s[2], s[3]);
        String[][] args = new String[4][];
        for (int g = 0; g < 4; g++) {
            String gate = Lstm.GATES.get(g);
            LayerWriter.tableStruct(c, r.gate(g), n.global(l, gate + "_table"), gate + "_table");
            args[g] = shifts(c, gate, s, g * u, u);
        }
        LayerWriter.tableStruct(c, r.cellAct(), n.global(l, "cell_table"), "cell_table");
        int p = r.cellProductFrac();
        String bias = r.bias().present() ? n.global(l, "bias") : null;
        c.line("    uint32_t clipped = 0;");
        c.format("    for (j = 0; j < %d; j++) {", u);
        for (int g = 0; g < 4; g++) {
            String gate = Lstm.GATES.get(g);
            c.format("        const int32_t %s_z = kq_preact_%s_%s(ax[%d + j], ah[%d + j], %s, %s, %s, %s, %s, &clipped);", gate, t,
                    width.cSuffix(), g * u, g * u, bias == null ? "0" : bias + "[" + g * u + " + j]", args[g][0], args[g][1], args[g][2],
                    args[g][3]);
            c.format("        const int32_t %s = %s;", gate, LayerWriter.activation(r.gate(g), gate + "_z", "&clipped", gate + "_table"));
        }
        c.line("        /* c = f c + i g, one rounding; h = o act(c) */");
        c.format("        const int32_t cell = kq_two_products_s16(f, c[j], %d, i, g, %d, %d, &clipped);", p - r.fGate(QLstm.F) - r.fCell(),
                p - r.fGate(QLstm.I) - r.fGate(QLstm.G), p - r.fCell());
        c.line("        c_next[j] = (int16_t)cell;");
        c.format("        h_next[j] = (%s)kq_product_%s(o, %s, %d, &clipped);", a, t,
                LayerWriter.activation(r.cellAct(), "cell", "&clipped", "cell_table"), r.fGate(QLstm.O) + r.fCellAct() - r.fOut());
        c.line("    }");
        c.line("    *saturations += clipped;");
    }

    void gru(CText c, QGru r, String id) {
        int u = r.units();
        String l = r.name();
        boolean after = r.resetAfter();
        c.format("/* %s: GRU%s, %d inputs Q%d -> %d units Q%d; gates z, r, hh; h = z h + (1 - z) hh; h is only read. */",
                GeneratedText.name(l),
                after ? " (reset_after)" : "", r.inputs(), r.fIn(), u, r.fOut());
        c.format("static void %s_cell(const %s *x, const %s *h, %s *h_next, uint32_t *saturations)", id, a, a, a).line("{");
        LayerWriter.Dot ax = layers.dot("ax", r.kernel());
        LayerWriter.Dot ah = layers.dot("ah", r.recurrent());
        LayerWriter.declare(c, 3 * u, Math.max(r.inputs(), u), ax, ah);
        c.format("    %s z[%d];", a, u).format("    %s rg[%d];", a, u);
        if (!after) {
            c.format("    %s reset[%d]; /* r h, in h's format */", a, u);
        }
        LayerWriter.call(c, ax, "x", n.global(l, "kernel"), r.kernel(), 3 * u, r.inputs());
        LayerWriter.call(c, ah, "h", n.global(l, "recurrent_kernel"), r.recurrent(), (after ? 3 : 2) * u, u);
        int[][] s = new int[4][3 * u];
        int[] zrBias = new int[2 * u];
        int[] inBias = r.inputBias().codes();
        int[] recBias = r.recurrentBias().codes();
        for (int j = 0; j < 3 * u; j++) {
            int f = r.accFrac(j);
            s[0][j] = f - r.fIn() - r.kernel().format().at(j);
            s[3][j] = f - r.fZ(j / u);
            s[1][j] = j < 2 * u || !after ? f - r.fOut() - r.recurrent().format().at(j) : f - r.fGate(QGru.R) - r.fRecurrent();
            s[2][j] = r.inputBias().format().at(j) - f;
            if (j < 2 * u) {
                int[] b = zrBias(inBias[j], s[2][j], recBias[j], r.recurrentBias().format().at(j) - f, l);
                zrBias[j] = b[0];
                s[2][j] = b[1];
            }
        }
        for (int g = 0; g < 3; g++) {
            String gate = Gru.GATES.get(g);
            LayerWriter.tableStruct(c, r.gate(g), n.global(l, gate + "_table"), gate + "_table");
        }
        boolean anyBias = r.inputBias().present() || r.recurrentBias().present();
        PreactWidth zr = PreactWidth.prove(r.kernel().width().bound(), r.recurrent().width().bound(), zrBias, s[0], s[1],
                slice(s[2], 0, 2 * u), s[3]);
        if (anyBias) {
            c.format("    static const int32_t zr_bias[%d] = {%s}; /* z and r rows: input plus recurrent bias */", 2 * u,
                    LayerWriter.join(zrBias));
        }
        String[][] args = {shifts(c, "z", s, 0, u), shifts(c, "r", s, u, u), shifts(c, "hh", s, 2 * u, u)};
        c.line("    uint32_t clipped = 0;");
        c.format("    for (j = 0; j < %d; j++) {", u);
        for (int g = 0; g < 2; g++) {
            String gate = Gru.GATES.get(g);
            c.format("        const int32_t %s_z = kq_preact_%s_%s(ax[%d + j], ah[%d + j], %s, %s, %s, %s, %s, &clipped);", gate, t,
                    zr.cSuffix(), g * u, g * u, anyBias ? "zr_bias[" + g * u + " + j]" : "0", args[g][0], args[g][1], args[g][2], args[g][3]);
        }
        c.format("        z[j] = (%s)%s;", a, LayerWriter.activation(r.gate(QGru.Z), "z_z", "&clipped", "z_table"));
        c.format("        rg[j] = (%s)%s;", a, LayerWriter.activation(r.gate(QGru.R), "r_z", "&clipped", "r_table"));
        if (!after) {
            c.format("        reset[j] = (%s)kq_product_%s(rg[j], h[j], %d, &clipped);", a, t, r.fGate(QGru.R));
        }
        c.line("    }");
        if (!after) {
            c.line("    /* the candidate's recurrent part reads the whole reset state */");
            LayerWriter.call(c, ah, "reset", n.global(l, "recurrent_kernel") + " + " + 2 * u * u, "ah + " + 2 * u, r.recurrent(), u, u);
        }
        hhLoop(c, r, after, s, args[2]);
        c.line("    *saturations += clipped;");
    }

    /** The candidate, then the new state, unit by unit. */
    private void hhLoop(CText c, QGru r, boolean after, int[][] s, String[] hh) {
        int u = r.units();
        String l = r.name();
        int p = r.updateFrac();
        if (after) {
            int[] sbr = new int[u];
            int[] sq = new int[u];
            for (int j = 0; j < u; j++) {
                int row = 2 * u + j;
                int fh = r.fOut() + r.recurrent().format().at(row);
                sbr[j] = r.recurrentBias().format().at(row) - fh;
                sq[j] = fh - r.fRecurrent();
            }
            String rec = r.recurrentBias().present() ? n.global(l, "recurrent_bias") + "[" + 2 * u + " + j]" : "0";
            String in = r.inputBias().present() ? n.global(l, "bias") + "[" + 2 * u + " + j]" : "0";
            String recShift = LayerWriter.perUnit(c, "sbr", sbr, 0, u);
            String requantShift = LayerWriter.perUnit(c, "sq", sq, 0, u);
            c.format("    for (j = 0; j < %d; j++) {", u);
            c.line("        /* q = h U_h + b_rec_h in its own format; then x W_h + b_in_h + r q */");
            c.format("        const int32_t q = kq_requantize_%s((int64_t)ah[%d + j] + kq_round_shift64(%s, %s), %s, &clipped);", t, 2 * u, rec,
                    recShift, requantShift);
            c.format("        const int32_t hh_z = kq_preact_product_%s(ax[%d + j], %s, %s, %s, rg[j], q, %s, %s, &clipped);", t, 2 * u,
                    hh[0], in, hh[2], hh[1], hh[3]);
        } else {
            int[] bias = r.inputBias().codes();
            PreactWidth width = PreactWidth.prove(r.kernel().width().bound(), r.recurrent().width().bound(),
                    java.util.Arrays.copyOfRange(bias, 2 * u, 3 * u), slice(s[0], 2 * u, u), slice(s[1], 2 * u, u), slice(s[2], 2 * u, u),
                    slice(s[3], 2 * u, u));
            c.format("    for (j = 0; j < %d; j++) {", u);
            c.format("        const int32_t hh_z = kq_preact_%s_%s(ax[%d + j], ah[%d + j], %s, %s, %s, %s, %s, &clipped);", t, width.cSuffix(),
                    2 * u, 2 * u, r.inputBias().present() ? n.global(l, "bias") + "[" + 2 * u + " + j]" : "0", hh[0], hh[1], hh[2], hh[3]);
        }
        c.format("        const int32_t hh = %s;", LayerWriter.activation(r.gate(QGru.HH), "hh_z", "&clipped", "hh_table"));
        c.line("        /* h = z h + (1 - z) hh, with 1 - z exact in 32 bits: 1.0 is 2^fZ, which int16 may not hold */");
        c.format("        h_next[j] = (%s)kq_two_products_%s(z[j], h[j], %d, %d - z[j], hh, %d, %d, &clipped);", a, t,
                p - r.fGate(QGru.Z) - r.fOut(), 1 << r.fGate(QGru.Z), p - r.fGate(QGru.Z) - r.fGate(QGru.HH), p - r.fOut());
        c.line("    }");
    }

    /**
     * The z and r rows add both bias rows, each aligned to the accumulator as SPEC.md says; the C
     * kernel takes one bias code and one shift. Aligned by left shifts, the sum shifts exactly from
     * its finer part; where either shift rounds, the aligned sum itself goes in, with shift 0.
     *
     * @return {code, shift}
     */
    private static int[] zrBias(int in, int sbIn, int rec, int sbRec, String layer) {
        long code;
        int shift;
        if (sbIn <= 0 && sbRec <= 0) {
            shift = Math.max(sbIn, sbRec);
            code = ((long) in << (shift - sbIn)) + ((long) rec << (shift - sbRec));
        } else {
            shift = 0;
            code = Fixed.roundShift(in, sbIn) + Fixed.roundShift(rec, sbRec);
        }
        if (code != (int) code) {
            throw kquant.KquantException.of("layer %s: the summed bias rows need %d, more than the C kernels' 32 bits; "
                    + "use fewer fractional bits for the bias", layer, code);
        }
        return new int[] {(int) code, shift};
    }

    /** The four shift expressions (sx, sh, sb, sz) of a gate block's rows. */
    private static String[] shifts(CText c, String gate, int[][] s, int from, int count) {
        String[] names = {"sx", "sh", "sb", "sz"};
        String[] out = new String[4];
        for (int k = 0; k < 4; k++) {
            out[k] = LayerWriter.perUnit(c, gate + "_" + names[k], s[k], from, count);
        }
        return out;
    }

    private static int[] slice(int[] v, int from, int count) {
        return java.util.Arrays.copyOfRange(v, from, from + count);
    }

}
