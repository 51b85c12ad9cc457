package kquant.diagnose;

import java.util.Locale;
import kquant.model.Activation;

/**
 * One replayed port: a {@link Fault}, or none for the correct port, and for the faults that hit
 * one gate block, which block (its index in Keras's order and its Keras letter, e.g. 1 and "f").
 * It also answers the questions every layer's replay asks: which activation the port really
 * computes.
 */
record Variant(Fault fault, int gate, String gateName) {

    /** The correct port. */
    static final Variant NONE = new Variant(null, -1, null);

    static Variant of(Fault f) {
        return new Variant(f, -1, null);
    }

    boolean is(Fault f) {
        return fault == f;
    }

    /** For people: {@code bias_missing}, or {@code gate_input_kernel_transposed (gate f)}. */
    String label() {
        String name = fault == null ? "none" : fault.name().toLowerCase(Locale.ROOT);
        return gate < 0 ? name : name + " (gate " + gateName + ")";
    }

    /** The port's {@code activation} of one float32 value, rounded to float32. */
    float act(Activation a, float z) {
        if (a == Activation.SELU && fault == Fault.ELU_INSTEAD_OF_SELU) {
            return (float) Activation.ELU.apply(z);
        }
        if (a == Activation.SELU && fault == Fault.SELU_CONSTANTS_SWAPPED) {
            return (float) (z > 0 ? Activation.SELU_ALPHA * z : Activation.SELU_ALPHA * Activation.SELU_SCALE * StrictMath.expm1(z));
        }
        return (float) a.apply(z);
    }

    /** The port's gate (recurrent) activation of an LSTM or GRU, where the hard_sigmoid faults strike. */
    float gateAct(Activation a, float z) {
        return act(gateActivation(a), z);
    }

    private Activation gateActivation(Activation a) {
        if (fault == null) {
            return a;
        }
        switch (fault) {
            case SIGMOID_FOR_HARD_SIGMOID:
                return a == Activation.HARD_SIGMOID || a == Activation.HARD_SIGMOID_KERAS3 ? Activation.SIGMOID : a;
            case HARD_SIGMOID_FOR_SIGMOID:
                return a == Activation.SIGMOID ? Activation.HARD_SIGMOID : a;
            case KERAS2_HARD_SIGMOID_FOR_KERAS3:
                return a == Activation.HARD_SIGMOID_KERAS3 ? Activation.HARD_SIGMOID : a;
            case KERAS3_HARD_SIGMOID_FOR_KERAS2:
                return a == Activation.HARD_SIGMOID ? Activation.HARD_SIGMOID_KERAS3 : a;
            default:
                return a;
        }
    }
}
