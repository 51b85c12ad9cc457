package kquant.model;

import java.util.List;

/**
 * One layer of a model, with its weights. Every implementation is an immutable record.
 *
 * <p>Layers check their input shape in {@link #outputShape(Shape)}; the model calls it once for
 * the whole chain when it is built, so engines never see a shape that does not fit.
 */
public sealed interface Layer permits Recurrent, Dense, ActivationLayer, Flatten, RepeatVector, PassThrough {

    /** The layer's name in the Keras config, e.g. {@code simple_rnn}. */
    String name();

    /** The Keras class, e.g. {@code SimpleRNN}, {@code Dense}, {@code TimeDistributed(Dense)}. */
    String kerasClass();

    /** The weights in Keras's order (kernel, recurrent kernel, bias); empty for shape-only layers. */
    List<Tensor> weights();

    /**
     * The shape this layer produces from {@code input}.
     *
     * @throws kquant.KquantException naming the layer when the input does not fit
     */
    Shape outputShape(Shape input);

    /** Multiply-accumulates for one sample of shape {@code input}. */
    long macs(Shape input);

    /** The computation in one line, for {@code inspect}. */
    String equation();

    default long parameterCount() {
        long n = 0;
        for (Tensor t : weights()) {
            n += t.size();
        }
        return n;
    }
}
