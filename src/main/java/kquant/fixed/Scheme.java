package kquant.fixed;

import java.util.Locale;
import kquant.KquantException;

/**
 * How tensors are stored. Q15 stores every tensor as int16 codes, Q7 as int8. A16W8 stores
 * weights and biases as int8 and activations (input, pre-activations, states, outputs) as int16,
 * as TFLite's "16x8" mode does: it keeps the weights as small as Q7 and the activations as fine
 * as Q15, and its int16 × int8 dot products always fit an int32 accumulator.
 *
 * <p>A tensor's real value is {@code code · 2^-f} for its own number of fractional bits {@code f}.
 */
public enum Scheme {
    Q15(Storage.INT16, Storage.INT16), Q7(Storage.INT8, Storage.INT8), A16W8(Storage.INT8, Storage.INT16);

    private final Storage weights;
    private final Storage activations;

    Scheme(Storage weights, Storage activations) {
        this.weights = weights;
        this.activations = activations;
    }

    /** The type of kernels, recurrent kernels and biases. */
    public Storage weights() {
        return weights;
    }

    /** The type of inputs, pre-activations, states, outputs and activation tables. */
    public Storage activations() {
        return activations;
    }

    /**
     * The type of an LSTM's cell state: int16 in every scheme. The cell sums over time and
     * gates what the layer remembers; in q7 it keeps int16, as TFLite's 8x8_16 LSTM does
     * (README, "LSTM and GRU", measures what an int8 cell would cost).
     */
    public Storage cells() {
        return Storage.INT16;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scheme parse(String s) {
        for (Scheme scheme : values()) {
            if (scheme.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                return scheme;
            }
        }
        throw KquantException.of("scheme %s: unknown; use q15, q7 or a16w8", s);
    }
}
