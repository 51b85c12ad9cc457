package kquant.export;

import kquant.GeneratedText;
import java.util.ArrayList;
import java.util.List;
import kquant.fixed.ActivationKernel;
import kquant.fixed.Format;
import kquant.fixed.QActivation;
import kquant.fixed.QBias;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QMatrix;
import kquant.fixed.QSimpleRnn;

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

    private void matrix(String layer, String tensor, QMatrix m, String layout) {
        String sym = n.global(layer, tensor);
        arrays.add(new Array(sym, plan.weightType(), m.codes(), GeneratedText.name(layer) + "/" + tensor + ", " + describe(m.format()) + ": " + layout, true));
        format(layer, tensor, m.format());
    }

    private void bias(String layer, QBias b) {
        if (b.present()) {
            arrays.add(new Array(n.global(layer, "bias"), plan.weightType(), b.codes(), GeneratedText.name(layer) + "/bias, " + describe(b.format()), true));
            format(layer, "bias", b.format());
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
        if (k.table().length > 0) {
            arrays.add(new Array(n.global(layer, "table"), plan.activationType(), k.table(),
                    String.format("%s(z) for z from %d every %d codes, Q%d -> Q%d, max error %.3f LSB", k.activation().kerasName(),
                            plan.scheme.activations().minCode(), 1 << k.step(), k.fIn(), k.fOut(), k.maxErrorLsb()), false));
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
