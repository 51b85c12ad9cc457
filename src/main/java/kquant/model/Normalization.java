package kquant.model;

import java.util.List;
import kquant.KquantException;

/**
 * How a model's inputs and outputs relate to the raw values a device measures and expects: the
 * standardization the model was trained with, per input feature and per output, and optionally
 * the integer code each raw value travels in.
 *
 * <pre>
 *   input k:   physical = code · lsb          (when the input declares a code)
 *              model input = (physical − offset) / scale
 *   output j:  physical = model output · scale + offset
 *              code = physical / lsb           (when the output declares a code)
 * </pre>
 *
 * A feature that is not a sensor value (the demo's sin and cos of the day) is described the same
 * way, typically with offset 0 and scale 1 and a code of its own ({@code int16}, lsb 2^-14).
 *
 * @param inputs   one per input feature, in the model's feature order
 * @param outputs  one per output unit, or empty when the outputs are not denormalized
 */
public record Normalization(List<Feature> inputs, List<Feature> outputs) {

    /**
     * One raw value's standardization.
     *
     * @param name    for people and for the exported C's documentation, e.g. {@code temp_max}
     * @param unit    the physical unit, e.g. {@code °C}; empty when the value has none
     * @param offset  subtracted from the physical value (the training mean)
     * @param scale   divides the physical value after the offset (the training standard deviation)
     * @param code    the raw integer code, or null when the raw value is the physical value itself
     */
    public record Feature(String name, String unit, double offset, double scale, Code code) {

        public Feature {
            if (!Double.isFinite(offset)) {
                throw KquantException.of("%s: offset %s must be a finite number", name, offset);
            }
            if (!(scale > 0) || !Double.isFinite(scale)) {
                throw KquantException.of("%s: scale %s must be positive (it divides the value)", name, scale);
            }
        }

        /** The name with its unit, for messages: {@code temp_max (°C)}. */
        public String label() {
            return unit.isEmpty() ? name : name + " (" + unit + ")";
        }
    }

    /**
     * A raw integer code: {@code bits} wide (8 or 16, two's complement), one code worth {@code lsb}
     * of the physical unit.
     */
    public record Code(int bits, double lsb) {

        public Code {
            if (bits != 8 && bits != 16) {
                throw KquantException.of("code width int%d: use int8 or int16", bits);
            }
            if (!(lsb > 0) || !Double.isFinite(lsb)) {
                throw KquantException.of("code lsb %s must be positive (the physical value of one code)", lsb);
            }
        }

        public long minCode() {
            return -(1L << (bits - 1));
        }

        public long maxCode() {
            return (1L << (bits - 1)) - 1;
        }

        /** {@code int8} or {@code int16}. */
        public String typeName() {
            return "int" + bits;
        }
    }

    public Normalization {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        if (inputs.isEmpty()) {
            throw KquantException.of("no inputs: describe every input feature");
        }
        allOrNone(inputs, "input");
        allOrNone(outputs, "output");
    }

    /** True when the inputs arrive as integer codes. */
    public boolean inputCodes() {
        return inputs.get(0).code() != null;
    }

    /** True when the outputs leave as integer codes. */
    public boolean outputCodes() {
        return !outputs.isEmpty() && outputs.get(0).code() != null;
    }

    public boolean denormalizesOutputs() {
        return !outputs.isEmpty();
    }

    /**
     * Codes are declared for every input or for none (and the same for outputs): the exported C takes
     * one array of one integer type.
     */
    private static void allOrNone(List<Feature> features, String side) {
        for (Feature f : features) {
            if ((f.code() == null) != (features.get(0).code() == null)) {
                Feature with = f.code() != null ? f : features.get(0);
                Feature without = f.code() != null ? features.get(0) : f;
                throw KquantException.of("%s %s declares no code while %s does: declare a code for every %s or for none",
                        side, without.name(), with.name(), side);
            }
        }
    }
}
