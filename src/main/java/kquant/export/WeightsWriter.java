package kquant.export;

import kquant.GeneratedText;
import java.util.ArrayList;
import java.util.List;
import kquant.fixed.ActivationKernel;
import kquant.fixed.ActivationTable;
import kquant.fixed.Format;
import kquant.fixed.QActivation;
import kquant.fixed.QBias;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QMatrix;
import kquant.fixed.QGru;
import kquant.fixed.QLstm;
import kquant.fixed.QSimpleRnn;
import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.fixed.Scheme;

/**
 * Writes {@code <prefix>_weights.h} (declarations, sizes and the format of every tensor as named
 * constants) and {@code <prefix>_weights.c} (the arrays): pure data, nothing else.
 */
final class WeightsWriter {

    /** One array: its symbol, C type, values, and the comment that says what it is. */
    record Array(String symbol, String type, int[] values, String comment, boolean weight) {
        int bytes() {
            return values.length * (type.equals("int16_t") ? 2 : 1);
        }
    }

    private final Plan plan;
    private final CNames n;
    private final String banner;
    private final List<Array> arrays = new ArrayList<>();
    private final List<String> constants = new ArrayList<>();

    WeightsWriter(Plan plan, CNames names, String banner) {
        this.plan = plan;
        this.n = names;
        this.banner = banner;
        for (QLayer l : plan.q.layers()) {
            if (l instanceof QSimpleRnn r) {
                matrix(l.name(), "kernel", r.kernel(), "W transposed: row j holds unit j's weights over the " + r.inputs() + " inputs");
                matrix(l.name(), "recurrent_kernel", r.recurrent(), "U transposed: row j holds unit j's weights over the " + r.units() + " states");
                bias(l.name(), r.bias());
                table(l.name(), r.activation());
                constants.add(String.format("#define %s %d /* pre-activation z */", n.macro(l.name(), "PREACT_FRAC"), r.fZ()));
                constants.add(String.format("#define %s %d /* state h */", n.macro(l.name(), "STATE_FRAC"), r.fOut()));
            } else if (l instanceof QLstm r) {
                lstm(r);
            } else if (l instanceof QGru r) {
                gru(r);
            } else if (l instanceof QDense d) {
                matrix(l.name(), "kernel", d.kernel(), "V transposed: row j holds unit j's weights over the " + d.inputs() + " inputs");
                bias(l.name(), d.bias());
                table(l.name(), d.activation());
                constants.add(String.format("#define %s %d /* pre-activation z */", n.macro(l.name(), "PREACT_FRAC"), d.fZ()));
                constants.add(String.format("#define %s %d /* output y */", n.macro(l.name(), "OUTPUT_FRAC"), d.fOut()));
            } else if (l instanceof QActivation act) {
                table(l.name(), act.kernel());
                constants.add(String.format("#define %s %d /* output */", n.macro(l.name(), "OUTPUT_FRAC"), act.fOut()));
            }
        }
    }

    /** An LSTM: 4u rows per matrix (gates i, f, g, o), one table per gate and one for act(c). */
    private void lstm(QLstm r) {
        String l = r.name();
        matrix(l, "kernel", r.kernel(), "W transposed: row g*" + r.units() + "+j holds gate g's unit j over the " + r.inputs()
                + " inputs, gates i, f, g (cell candidate), o");
        matrix(l, "recurrent_kernel", r.recurrent(), "U transposed: row g*" + r.units() + "+j holds gate g's unit j over the "
                + r.units() + " states, gates i, f, g, o");
        bias(l, "bias", r.bias());
        for (int g = 0; g < 4; g++) {
            String gate = Lstm.GATES.get(g);
            table(l, gate + "_table", r.gate(g));
            frac(l, gate + "_PREACT", r.fZ(g), "gate " + gate + " pre-activation");
            frac(l, gate + "_GATE", r.fGate(g), "gate " + gate + " output");
        }
        table(l, "cell_table", r.cellAct());
        frac(l, "CELL", r.fCell(), "cell state c, int16");
        frac(l, "CELL_ACT", r.fCellAct(), "act(c)");
        frac(l, "STATE", r.fOut(), "state h");
    }

    /** A GRU: 3u rows per matrix (gates z, r, hh), one table per gate; with reset_after, two bias rows. */
    private void gru(QGru r) {
        String l = r.name();
        matrix(l, "kernel", r.kernel(), "W transposed: row g*" + r.units() + "+j holds gate g's unit j over the " + r.inputs()
                + " inputs, gates z, r, hh (candidate)");
        matrix(l, "recurrent_kernel", r.recurrent(), "U transposed: row g*" + r.units() + "+j holds gate g's unit j over the "
                + r.units() + " states, gates z, r, hh");
        bias(l, "bias", r.inputBias());
        if (r.resetAfter()) {
            bias(l, "recurrent_bias", r.recurrentBias());
            frac(l, "HH_RECURRENT", r.fRecurrent(), "the candidate's recurrent part h U_h + b_rec_h");
        }
        for (int g = 0; g < 3; g++) {
            String gate = Gru.GATES.get(g);
            table(l, gate + "_table", r.gate(g));
            frac(l, gate + "_PREACT", r.fZ(g), "gate " + gate + " pre-activation");
            frac(l, gate + "_GATE", r.fGate(g), "gate " + gate + " output");
        }
        frac(l, "STATE", r.fOut(), "state h");
    }

    private void frac(String layer, String what, int f, String comment) {
        constants.add(String.format("#define %s %d /* %s */", n.macro(layer, what + "_FRAC"), f, comment));
    }

    private void matrix(String layer, String tensor, QMatrix m, String layout) {
        String sym = n.global(layer, tensor);
        boolean swapped = plan.scheme == Scheme.A16W8;
        String order = swapped ? "; each whole group of four in the order 0, 2, 1, 3 (what the Arm DSP path reads, kq_matvec_a16w8.h)" : "";
        arrays.add(new Array(sym, plan.weightType(), swapped ? swapMiddles(m.codes(), m.inputs()) : m.codes(),
                GeneratedText.name(layer) + "/" + tensor + ", " + describe(m.format()) + ": " + layout + order, true));
        format(layer, tensor, m.format());
    }

    /**
     * The a16w8 storage order (SPEC.md, section 3): in each row of {@code cols} codes, every whole
     * group of four stored as its codes 0, 2, 1, 3; a last group of fewer than four as it is.
     */
    static int[] swapMiddles(int[] rowMajor, int cols) {
        int[] out = rowMajor.clone();
        for (int row = 0; row < rowMajor.length; row += cols) {
            for (int i = row; i + 4 <= row + cols; i += 4) {
                out[i + 1] = rowMajor[i + 2];
                out[i + 2] = rowMajor[i + 1];
            }
        }
        return out;
    }

    private void bias(String layer, QBias b) {
        bias(layer, "bias", b);
    }

    private void bias(String layer, String name, QBias b) {
        if (b.present()) {
            arrays.add(new Array(n.global(layer, name), plan.weightType(), b.codes(), GeneratedText.name(layer) + "/" + name + ", " + describe(b.format()), true));
            format(layer, name, b.format());
        }
    }

    private void format(String layer, String tensor, Format f) {
        if (f.isPerUnit()) {
            arrays.add(new Array(n.global(layer, tensor + "_frac"), "int8_t", f.values(), "fractional bits of " + GeneratedText.name(layer) + "/" + tensor + ", per unit", false));
        } else {
            constants.add(String.format("#define %s %d /* %s: value = code / 2^%d */", n.macro(layer, tensor + "_FRAC"), f.bits(), tensor, f.bits()));
        }
    }

    private void table(String layer, ActivationKernel k) {
        table(layer, "table", k);
    }

    private void table(String layer, String name, ActivationKernel k) {
        ActivationTable t = k.table();
        if (t != null) {
            arrays.add(new Array(n.global(layer, name), k.type().cType(), t.entries(),
                    String.format("%s(z) for z from %d to %d every %d codes%s, Q%d -> Q%d with %d extra fractional bits, max error %.3f LSB",
                            k.activation().kerasName(), t.start(), t.end(), 1 << t.step(),
                            t.mirror() == ActivationTable.Mirror.NONE ? "" : " (mirrored above 0)", k.fIn(), k.fOut(), t.extraBits(),
                            k.maxErrorLsb()), false));
        }
    }

    List<Array> arrays() {
        return arrays;
    }

    /** Bytes of weights and biases: exactly parameters × element size. */
    int weightBytes() {
        return arrays.stream().filter(Array::weight).mapToInt(Array::bytes).sum();
    }

    int tableBytes() {
        return arrays.stream().filter(x -> !x.weight()).mapToInt(Array::bytes).sum();
    }

    String header() {
        CText c = new CText();
        c.line(banner);
        String guard = n.upper() + "_WEIGHTS_H";
        c.format("#ifndef %s", guard).format("#define %s", guard).line().line("#include <stdint.h>").line();
        c.format("/* Formats: a code c of a tensor with FRAC f stands for c / 2^f (scheme %s). */", plan.scheme.cliName());
        for (String k : constants) {
            c.line(k);
        }
        c.line();
        for (Array x : arrays) {
            c.format("/* %s */", x.comment());
            c.format("extern const %s %s[%d];", x.type(), x.symbol(), x.values().length);
        }
        c.line().format("#endif /* %s */", guard);
        return c.toString();
    }

    String source() {
        CText c = new CText();
        c.line(banner);
        c.format("#include \"%s_weights.h\"", n.prefix());
        for (Array x : arrays) {
            c.line().format("/* %s */", x.comment());
            c.format("const %s %s[%d] = {", x.type(), x.symbol(), x.values().length);
            c.values(x.values(), 12);
            c.line("};");
        }
        return c.toString();
    }

    private static String describe(Format f) {
        return f.isPerUnit() ? "Q" + f.min() + "..Q" + f.max() + " per unit" : "Q" + f.bits();
    }
}
