package kquant.fixed;

import kquant.model.Normalization;
import kquant.model.RawUnits;

/**
 * The integer boundary of a folded model (SPEC.md, "Raw codes in and out"): the Java twin of the
 * conversions the exported C makes from the raw input codes and to the declared output codes.
 *
 * <pre>
 *   input k:   x_k = saturate(round_shift(r_k − C_k, −(e_k + fX)))        into the activation type
 *   output j:  q_j = saturate(round_shift(y_j, fY + e_j) + C_j)            into the declared code type
 * </pre>
 *
 * with {@code r_k} the raw code, {@code y_j} the output code in {@code Q(fY)}, {@code C} the
 * training mean in whole codes and {@code e} the exponent of {@link RawUnits}. Each narrowing
 * saturates and counts. Without declared codes a side has no conversion: the C reads and writes the
 * activation codes, which hold {@code (physical − C) · 2^(e + f)}.
 */
public final class QRawIo {

    private final RawUnits units;
    private final Storage activations;
    private final int fX;
    private final int fY;

    public QRawIo(QuantizedModel q, RawUnits units) {
        this.units = units;
        this.activations = q.scheme().activations();
        this.fX = q.inputFrac();
        this.fY = q.outputFrac();
    }

    public RawUnits units() {
        return units;
    }

    /** The fractional bits of the model's output codes, {@code fY}. */
    public int modelOutputFrac() {
        return fY;
    }

    /** The storage of the model's input codes (the activation type). */
    public Storage activations() {
        return activations;
    }

    public boolean inputCodes() {
        return units.inputCodes();
    }

    public boolean outputCodes() {
        return units.outputCodes();
    }

    /** The fractional bits of input k's activation code over its raw unit: {@code x = (r − C) · 2^inputFrac}. */
    public int inputFrac(int k) {
        return units.inputs().get(k).exponent() + fX;
    }

    /** The fractional bits of output j's activation code over its raw unit: {@code y = (q − C) · 2^outputFrac}. */
    public int outputFrac(int j) {
        return units.outputs().get(j).exponent() + fY;
    }

    public long inputOffset(int k) {
        return units.inputs().get(k).codeOffset();
    }

    public long outputOffset(int j) {
        return units.outputs().get(j).codeOffset();
    }

    /** The storage of the C's input array: the widest declared input code. */
    public Storage inputType() {
        return widest(units.inputs());
    }

    /** The storage of the C's output array: the widest declared output code. */
    public Storage outputType() {
        return widest(units.outputs());
    }

    private Storage widest(java.util.List<RawUnits.Channel> side) {
        for (RawUnits.Channel c : side) {
            if (c.feature().code() == null) {
                return activations;
            }
            if (c.feature().code().bits() == 16) {
                return Storage.INT16;
            }
        }
        return Storage.INT8;
    }

    /** Input k's activation code from its raw code. */
    public int inputCode(int k, long raw) {
        return Fixed.saturate(inputUnclamped(k, raw), activations);
    }

    /** True when {@link #inputCode} clips. */
    public boolean inputSaturates(int k, long raw) {
        return Fixed.saturates(inputUnclamped(k, raw), activations);
    }

    private long inputUnclamped(int k, long raw) {
        return Fixed.roundShift(raw - inputOffset(k), -inputFrac(k));
    }

    /** Output j's declared code from its activation code {@code y} (format fY). */
    public int outputCode(int j, int y) {
        return Fixed.saturate(outputUnclamped(j, y), declared(j));
    }

    /** True when {@link #outputCode} clips. */
    public boolean outputSaturates(int j, int y) {
        return Fixed.saturates(outputUnclamped(j, y), declared(j));
    }

    private long outputUnclamped(int j, int y) {
        return Fixed.roundShift(y, outputFrac(j)) + outputOffset(j);
    }

    private Storage declared(int j) {
        Normalization.Code c = units.outputs().get(j).feature().code();
        return c.bits() == 16 ? Storage.INT16 : Storage.INT8;
    }

    /**
     * Output j's physical value from its activation code: the declared code times its lsb, or without
     * a code {@code y · 2^-outputFrac}.
     */
    public double physicalOutput(int j, int y) {
        RawUnits.Channel c = units.outputs().get(j);
        if (c.feature().code() == null) {
            return Fixed.dequantize(y, outputFrac(j)) + c.codeOffset();
        }
        return outputCode(j, y) * c.lsb();
    }
}
