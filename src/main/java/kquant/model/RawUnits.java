package kquant.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The units a folded model reads and writes, and how they relate to raw values, per input feature
 * and per output. Only powers of two and integers are left outside the weights, so that the
 * integer engine and the exported C convert raw codes exactly:
 *
 * <pre>
 *   input k:   v = (r − C) · 2^e          r: the raw code (or the physical value without a code)
 *              standardized = v · m + d   what the first layer's folded kernel and bias take in
 *   output j:  y = (q − C) · 2^e          q: the output code (or the physical value without a code)
 *              standardized = y · m + d   the last Dense's folded kernel and bias give y = (standardized − d) / m
 * </pre>
 *
 * {@code C} is the training mean in whole codes (0 without a code): subtracting it in integers keeps
 * the folded values centred, so the mean costs neither range nor the weights' precision. {@code e} is
 * the power of two nearest to the size of one raw unit in standardized units, so {@code m} lies in
 * [1/√2, √2): folded weights keep the size of the trained ones and every value its range.
 *
 * @param inputs   one per input feature
 * @param outputs  one per output unit; empty when the outputs are not denormalized
 */
public record RawUnits(List<Channel> inputs, List<Channel> outputs) {

    /**
     * One raw value and its folded unit.
     *
     * @param feature     its description
     * @param exponent    e: the folded value counts raw units of 2^-e
     * @param codeOffset  C: the training mean in whole raw units, 0 without a code
     * @param multiplier  m: standardized = v · m + d
     * @param shift       d
     */
    public record Channel(Normalization.Feature feature, int exponent, long codeOffset, double multiplier, double shift) {

        /** The physical value of one raw unit: the code's lsb, or 1 for a physical value. */
        public double lsb() {
            return feature.code() == null ? 1 : feature.code().lsb();
        }

        /** The raw value of a physical one: its code, rounded half up, or the value itself without a code. */
        public double raw(double physical) {
            return feature.code() == null ? physical : Math.floor(physical / feature.code().lsb() + 0.5);
        }

        /** The folded value of a raw one: {@code (r − C) · 2^e}. */
        public double folded(double raw) {
            return Math.scalb(raw - codeOffset, exponent);
        }

        /** The raw value of a folded one: {@code v · 2^-e + C}. */
        public double unfolded(double v) {
            return Math.scalb(v, -exponent) + codeOffset;
        }

        /** The standardized value of a folded one: {@code v · m + d}. */
        public double standardized(double v) {
            return v * multiplier + shift;
        }
    }

    /** The units of {@code n}: exponents and whole-code means, and the affine maps they leave for the weights. */
    public static RawUnits of(Normalization n) {
        List<Channel> in = new ArrayList<>();
        for (Normalization.Feature f : n.inputs()) {
            in.add(channel(f));
        }
        List<Channel> out = new ArrayList<>();
        for (Normalization.Feature f : n.outputs()) {
            out.add(channel(f));
        }
        return new RawUnits(in, out);
    }

    public RawUnits {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * standardized = (((r − C)·2^e·2^-e + C)·lsb − offset) / scale = v · (lsb/scale)·2^-e + (C·lsb − offset)/scale,
     * for an input's v and an output's y alike.
     */
    private static Channel channel(Normalization.Feature f) {
        return channel(f, nearestPowerOfTwo(lsb(f) / f.scale()));
    }

    private static Channel channel(Normalization.Feature f, int e) {
        double lsb = lsb(f);
        long mean = f.code() == null ? 0 : Math.round(f.offset() / lsb);
        return new Channel(f, e, mean, Math.scalb(lsb / f.scale(), -e), (mean * lsb - f.offset()) / f.scale());
    }

    private static double lsb(Normalization.Feature f) {
        return f.code() == null ? 1 : f.code().lsb();
    }

    /** The same units with other exponents, one per input and one per output. */
    public RawUnits withExponents(int[] in, int[] out) {
        List<Channel> i = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            i.add(channel(inputs.get(k).feature(), in[k]));
        }
        List<Channel> o = new ArrayList<>();
        for (int j = 0; j < outputs.size(); j++) {
            o.add(channel(outputs.get(j).feature(), out[j]));
        }
        return new RawUnits(i, o);
    }

    /** The integer e with 2^e nearest to {@code x} on a log scale: {@code x / 2^e} in [1/√2, √2). */
    static int nearestPowerOfTwo(double x) {
        int e = Math.getExponent(x);
        return Math.scalb(x, -e) < Math.sqrt(2) ? e : e + 1;
    }

    public boolean inputCodes() {
        return !inputs.isEmpty() && inputs.get(0).feature().code() != null;
    }

    public boolean outputCodes() {
        return !outputs.isEmpty() && outputs.get(0).feature().code() != null;
    }

    public boolean denormalizesOutputs() {
        return !outputs.isEmpty();
    }

    /** Output j's physical value from the folded model's output: {@code (y · 2^-e + C) · lsb}. */
    public double physicalOutput(int j, double y) {
        Channel c = outputs.get(j);
        return c.unfolded(y) * c.lsb();
    }

    /** Output j's physical value from its standardized value: {@code s · scale + offset}. */
    public double physicalFromStandardized(int j, double standardized) {
        Normalization.Feature f = outputs.get(j).feature();
        return standardized * f.scale() + f.offset();
    }
}
