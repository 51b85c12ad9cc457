package kquant.export;

import java.util.List;
import java.util.Locale;
import kquant.Numbers;
import kquant.fixed.QRawIo;
import kquant.model.Normalization;
import kquant.model.RawUnits;

/**
 * The C boundary of a model exported with its normalization folded in ({@link QRawIo}, SPEC.md
 * "Raw codes in and out"): the input and output types, the two conversion functions, and the
 * words that tell a firmware author what each input and output is and in which units.
 */
final class RawIoWriter {

    private final QRawIo io;
    private final CNames n;
    private final String a;

    RawIoWriter(QRawIo io, CNames names, String activationType) {
        this.io = io;
        this.n = names;
        this.a = activationType;
    }

    /** The C type of one input value: the declared code's, or the activation type's without codes. */
    String inputType() {
        return io.inputCodes() ? io.inputType().cType() : a;
    }

    String outputType() {
        return io.outputCodes() ? io.outputType().cType() : a;
    }

    boolean convertsInputs() {
        return io.inputCodes();
    }

    boolean convertsOutputs() {
        return io.outputCodes();
    }

    /** The comment that says, feature by feature and output by output, what the model reads and writes. */
    void describe(CText c) {
        c.line("/*");
        c.line(" * Raw values in and out: the training normalization is folded into the weights (kquant --normalization),");
        c.line(" * so the model reads what the sensors give and writes the values in their units, integers only.");
        c.line(" *");
        c.format(" * Input: per timestep, %d %s values in this order%s:", io.units().inputs().size(), inputType(),
                io.inputCodes() ? " (raw codes)" : "");
        side(c, io.units().inputs(), true);
        c.line(" *");
        if (io.units().denormalizesOutputs()) {
            c.format(" * Output: per row, %d %s values in this order%s:", io.units().outputs().size(), outputType(),
                    io.outputCodes() ? " (codes)" : "");
            side(c, io.units().outputs(), false);
        } else {
            c.line(" * Output: the model's own outputs (the normalization describes no outputs).");
        }
        c.line(" *");
        c.line(" * A code outside the range the calibration gave its format saturates and is counted in saturations.");
        c.line(" */");
    }

    private void side(CText c, List<RawUnits.Channel> channels, boolean input) {
        for (int k = 0; k < channels.size(); k++) {
            RawUnits.Channel ch = channels.get(k);
            Normalization.Feature f = ch.feature();
            String unit = f.unit().isEmpty() ? "" : " " + f.unit();
            String what;
            if (f.code() != null) {
                what = String.format(Locale.ROOT, "%s, 1 code = %s%s", f.code().typeName(), lsb(f.code().lsb()), unit);
            } else {
                int frac = input ? io.inputFrac(k) : io.outputFrac(k);
                what = String.format(Locale.ROOT, "%s codes of the value%s in Q%d: value = code / 2^%d", a, unit.isEmpty() ? "" : " in" + unit,
                        frac, frac);
            }
            c.format(" *   [%d] %s: %s; the model was trained on (value - %s%s) / %s%s", k, f.name(), what,
                    Numbers.format(f.offset(), 6), unit, Numbers.format(f.scale(), 6), unit);
        }
    }

    /**
     * {@code <prefix>_raw_input()}: one timestep's raw codes to the model's input codes,
     * {@code x = saturate(round_shift(raw - mean, shift))}, each clip counted.
     */
    void inputFunction(CText c) {
        String sat = a.equals("int16_t") ? "kq_sat16_count" : "kq_sat8_count";
        c.line("/* Raw input codes to the model's input codes: x = saturate(round_shift(raw - mean, shift)) (SPEC.md, section 9). */");
        c.format("static void %s_raw_input(const %s *raw, %s *x, uint32_t *saturations)", n.prefix(), inputType(), a).line("{");
        for (int k = 0; k < io.units().inputs().size(); k++) {
            c.format("    x[%d] = %s(kq_round_shift64((int64_t)raw[%d]%s, %d), saturations); /* %s */", k, sat, k, plus(-io.inputOffset(k)),
                    -io.inputFrac(k), io.units().inputs().get(k).feature().name());
        }
        c.line("}").line();
    }

    /** {@code <prefix>_raw_output()}: one row of output codes to the declared codes, {@code q = saturate(round_shift(y, shift) + mean)}. */
    void outputFunction(CText c) {
        c.line("/* The model's output codes to the declared output codes: q = saturate(round_shift(y, shift) + mean) (SPEC.md, section 9). */");
        c.format("static void %s_raw_output(const %s *y, %s *q, uint32_t *saturations)", n.prefix(), a, outputType()).line("{");
        for (int j = 0; j < io.units().outputs().size(); j++) {
            Normalization.Code code = io.units().outputs().get(j).feature().code();
            c.format("    q[%d] = %s(kq_round_shift64(y[%d], %d)%s, saturations); /* %s */", j,
                    code.bits() == 16 ? "kq_sat16_count" : "kq_sat8_count", j, io.outputFrac(j), plus(io.outputOffset(j)),
                    io.units().outputs().get(j).feature().name());
        }
        c.line("}").line();
    }

    /** An lsb for people: {@code 2^-14} when it is a power of two below 1, else its decimal. */
    private static String lsb(double v) {
        int e = Math.getExponent(v);
        return v < 1 && v == Math.scalb(1.0, e) ? "2^" + e : Numbers.format(v, 6);
    }

    /** {@code " + v"} or {@code " - |v|"}, nothing for 0. */
    private static String plus(long v) {
        return v == 0 ? "" : v > 0 ? " + " + v : " - " + -v;
    }
}
