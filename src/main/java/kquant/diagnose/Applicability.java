package kquant.diagnose;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import kquant.model.Activation;
import kquant.model.Gru;
import kquant.model.Layer;
import kquant.model.Lstm;
import kquant.model.Model;
import kquant.model.Normalization;
import kquant.model.SimpleRnn;

/** Which faults a model can show, and the variants to replay for each: one, or one per gate block. */
final class Applicability {

    private Applicability() {
        throw new AssertionError("No instances of Applicability");
    }

    /** Why {@code f} cannot happen to a port of {@code model} (or cannot be replayed), or null when it can. */
    static String whyNot(Fault f, Model model, Normalization n) {
        switch (f) {
            case ELU_INSTEAD_OF_SELU:
            case SELU_CONSTANTS_SWAPPED:
                return has(model, l -> l instanceof SimpleRnn r && r.activation() == Activation.SELU) ? null : "the model has no SELU";
            case INPUTS_NOT_NORMALISED:
                return n == null ? "give --normalization with the training means and standard deviations (the data then holds raw values)" : null;
            case FLOAT64:
                return null;
            default:
                break;
        }
        if (!FaultyForward.supports(model)) {
            return "the model has layers the replay does not know (only SimpleRNN, LSTM, GRU, Dense, Activation, RepeatVector, Flatten)";
        }
        String name = f.name();
        if (name.startsWith("LSTM_") && !has(model, l -> l instanceof Lstm)) {
            return "the model has no LSTM";
        }
        if (name.startsWith("GRU_") && !has(model, l -> l instanceof Gru)) {
            return "the model has no GRU";
        }
        boolean hard = gates(model, Activation.HARD_SIGMOID) || gates(model, Activation.HARD_SIGMOID_KERAS3);
        switch (f) {
            case LSTM_OUTPUT_WITHOUT_ACTIVATION:
                // with relu, c = f·c + i·relu(...) never goes below 0, where relu(c) = c
                return has(model, l -> l instanceof Lstm lstm && lstm.activation() != Activation.LINEAR && lstm.activation() != Activation.RELU)
                        ? null : "no LSTM has an activation that changes c (linear and relu leave it as it is)";
            case GRU_RESET_BEFORE:
                return has(model, l -> l instanceof Gru g && g.resetAfter()) ? null : "the model has no GRU with reset_after=True";
            case GRU_RESET_AFTER:
                return has(model, l -> l instanceof Gru g && !g.resetAfter()) ? null : "the model has no GRU with reset_after=False";
            case GRU_RECURRENT_BIAS_MISSING:
            case GRU_RECURRENT_BIAS_OUTSIDE_RESET:
                return has(model, l -> l instanceof Gru g && g.resetAfter() && g.useBias()) ? null
                        : "the model has no GRU with a recurrent bias (reset_after=True and use_bias)";
            case GATE_INPUT_KERNEL_TRANSPOSED:
            case GATE_RECURRENT_KERNEL_TRANSPOSED:
                return has(model, l -> l instanceof Lstm || l instanceof Gru) ? null : "the model has no LSTM or GRU";
            case HARD_SIGMOID_FOR_SIGMOID:
                return gates(model, Activation.SIGMOID) ? null : "no LSTM or GRU has sigmoid gates";
            case SIGMOID_FOR_HARD_SIGMOID:
                return hard ? null : "no LSTM or GRU has hard_sigmoid gates";
            case KERAS2_HARD_SIGMOID_FOR_KERAS3:
                return !hard ? "no LSTM or GRU has hard_sigmoid gates"
                        : gates(model, Activation.HARD_SIGMOID_KERAS3) ? null : "the file's hard_sigmoid is Keras 2's";
            case KERAS3_HARD_SIGMOID_FOR_KERAS2:
                return !hard ? "no LSTM or GRU has hard_sigmoid gates"
                        : gates(model, Activation.HARD_SIGMOID) ? null : "the file's hard_sigmoid is Keras 3's";
            default:
                return null;
        }
    }

    /**
     * The variants that replay {@code f}: one per gate block for the faults that hit one gate
     * (named after the first LSTM's or GRU's gates), else just {@code f}.
     */
    static List<Variant> variants(Fault f, Model model) {
        if (f != Fault.GATE_INPUT_KERNEL_TRANSPOSED && f != Fault.GATE_RECURRENT_KERNEL_TRANSPOSED) {
            return List.of(Variant.of(f));
        }
        String letters = "";
        for (Layer l : model.layers()) {
            if (l instanceof Lstm || l instanceof Gru) {
                letters = l instanceof Lstm ? "ifco" : "zrh";
                break;
            }
        }
        List<Variant> out = new ArrayList<>();
        for (int g = 0; g < letters.length(); g++) {
            out.add(new Variant(f, g, letters.substring(g, g + 1)));
        }
        return out;
    }

    private static boolean has(Model model, Predicate<Layer> p) {
        return model.layers().stream().anyMatch(p);
    }

    private static boolean gates(Model model, Activation a) {
        return has(model, l -> l instanceof Lstm lstm && lstm.recurrentActivation() == a || l instanceof Gru g && g.recurrentActivation() == a);
    }
}
